"""Tell a person about a bad run: a Slack-compatible webhook and e-mail over SMTP.

One message per run and channel, sent by the runner after the crawl has stopped.  Which
runs are worth a message is ``NEWSCRAWL_NOTIFY_ON``: ``failure`` (exit code 1 or 3),
``alert`` (also exit code 4 or any failed monitor), ``always`` or ``never``.  A channel that
fails is logged (without its URL's path or any credential) and counted; it never changes
the run's exit code.  Every network operation has ``NEWSCRAWL_NOTIFY_TIMEOUT``.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from crawler.ops.summary import FIGURES, RunSummary

logger = logging.getLogger(__name__)

LEVELS = ("never", "failure", "alert", "always")


@dataclass(frozen=True)
class SmtpOptions:
    host: str
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = "newscrawl@localhost"
    to: tuple[str, ...] = ()
    starttls: bool = True


@dataclass(frozen=True)
class NotifyOptions:
    on: str = "alert"
    webhook: str = ""
    smtp: SmtpOptions | None = None
    timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: Any) -> NotifyOptions:
        on = (settings.get("NEWSCRAWL_NOTIFY_ON") or "never").strip().lower()
        if on not in LEVELS:
            raise ValueError(f"NEWSCRAWL_NOTIFY_ON must be one of {', '.join(LEVELS)}, got {on!r}")
        smtp = None
        to = tuple(a.strip() for a in (settings.get("NEWSCRAWL_NOTIFY_SMTP_TO") or "").split(",")
                   if a.strip())
        if settings.get("NEWSCRAWL_NOTIFY_SMTP_HOST") and to:
            smtp = SmtpOptions(
                host=settings.get("NEWSCRAWL_NOTIFY_SMTP_HOST"),
                port=settings.getint("NEWSCRAWL_NOTIFY_SMTP_PORT"),
                user=settings.get("NEWSCRAWL_NOTIFY_SMTP_USER") or "",
                password=settings.get("NEWSCRAWL_NOTIFY_SMTP_PASSWORD") or "",
                sender=settings.get("NEWSCRAWL_NOTIFY_SMTP_FROM") or "newscrawl@localhost",
                to=to, starttls=settings.getbool("NEWSCRAWL_NOTIFY_SMTP_STARTTLS"))
        return cls(on=on, webhook=settings.get("NEWSCRAWL_NOTIFY_WEBHOOK") or "", smtp=smtp,
                   timeout=settings.getfloat("NEWSCRAWL_NOTIFY_TIMEOUT"))


@dataclass
class NotifyResult:
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def should_notify(summary: RunSummary, on: str) -> bool:
    if on == "always":
        return True
    if on == "alert":
        return summary.is_alert
    if on == "failure":
        return summary.is_failure
    return False


def subject(summary: RunSummary) -> str:
    return (f"newscrawl {summary.site}: run {summary.status.upper()} "
            f"(exit code {summary.exit_code})")


def message_text(summary: RunSummary) -> str:
    """The plain-text message: what happened, the figures, and where to look next."""
    lines = [subject(summary), f"Run: {summary.run_id or '(no run record)'}"]
    if summary.duration_s is not None:
        lines.append(f"Duration: {summary.duration_s:.0f} s")
    if summary.error:
        lines.append(f"Error: {summary.error}")
    if summary.alerts:
        lines.append("Failed monitors:")
        lines += [f"  - {alert}" for alert in summary.alerts]
    if summary.figures:
        lines.append("Figures: " + ", ".join(
            f"{label} {summary.figures.get(key, 0)}" for label, key in FIGURES))
    see = "newscrawl runs" + (f" --site {summary.site}" if summary.site else "")
    lines.append(f"See more: `{see}`")
    return "\n".join(lines)


def webhook_payload(summary: RunSummary) -> dict[str, Any]:
    """A Slack incoming-webhook body: ``text`` plus an attachment with the figures."""
    fields = [{"title": label, "value": str(summary.figures.get(key, 0)), "short": True}
              for label, key in FIGURES if summary.figures]
    return {
        "text": message_text(summary),
        "attachments": [{
            "color": "danger" if summary.is_failure else "warning",
            "title": subject(summary),
            "fields": [{"title": "run", "value": summary.run_id or "", "short": False},
                       *fields],
        }],
    }


def redact_url(url: str) -> str:
    """Scheme and host only: a webhook's path and query are its secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/***"


def send_webhook(url: str, summary: RunSummary, timeout: float) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("the webhook URL must be http or https")
    body = json.dumps(webhook_payload(summary)).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read(65536)


def send_email(options: SmtpOptions, summary: RunSummary, timeout: float) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject(summary)
    msg["From"] = options.sender
    msg["To"] = ", ".join(options.to)
    msg.set_content(message_text(summary))
    if options.port == 465:  # implicit TLS ("SMTPS"): no STARTTLS on that port
        client: smtplib.SMTP = smtplib.SMTP_SSL(options.host, options.port, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(options.host, options.port, timeout=timeout)
    with client as smtp:
        if options.starttls and options.port != 465:
            smtp.starttls(context=ssl.create_default_context())
        if options.user:
            smtp.login(options.user, options.password)
        smtp.send_message(msg)


def notify(summary: RunSummary, options: NotifyOptions) -> NotifyResult:
    """Send the run's message to every configured channel; never raises."""
    result = NotifyResult()
    if not should_notify(summary, options.on):
        return result
    channels: list[tuple[str, str, Callable[[], None]]] = []
    if options.webhook:
        url = options.webhook
        channels.append(("webhook", redact_url(url),
                         lambda: send_webhook(url, summary, options.timeout)))
    if options.smtp is not None:
        smtp = options.smtp
        channels.append(("email", f"{smtp.host}:{smtp.port}",
                         lambda: send_email(smtp, summary, options.timeout)))
    for name, where, send in channels:
        try:
            send()
        except Exception as exc:
            result.failed.append(name)
            logger.error("notification by %s to %s failed: %s", name, where,
                         _describe(exc, options))
        else:
            result.sent.append(name)
            logger.info("notified run %s by %s to %s", summary.run_id, name, where)
    return result


def _describe(exc: Exception, options: NotifyOptions) -> str:
    """The error without any secret that a library may have put in its message."""
    text = f"{type(exc).__name__}: {exc}"
    secrets = [options.webhook, urlsplit(options.webhook).path.strip("/")]
    if options.smtp is not None:
        secrets.append(options.smtp.password)
    for secret in filter(None, secrets):
        text = text.replace(secret, "***")
    return text[:300]
