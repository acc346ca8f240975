"""After a crawl: notifications reach a real webhook receiver and SMTP server, and the
metrics file and Pushgateway push describe the recorded runs (two real crawls)."""

from __future__ import annotations

import json
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from crawler.cli import EXIT_ALERT, EXIT_OK
from tests.crawlutil import crawl_env, run_crawl
from tests.receivers import HttpReceiver, SmtpReceiver

SITE = "russianstudiesromania"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_a_bad_run_is_notified_once_per_channel_and_counted_in_metrics(
        make_mirror, mongo_db, mongo_server, tmp_path: Path, http_receiver: HttpReceiver,
        smtp_receiver: SmtpReceiver) -> None:
    mirror = make_mirror(theme="newspaper", articles=20, traps=False)
    metrics_file = tmp_path / "textfile" / "newscrawl.prom"
    metrics_file.parent.mkdir()
    secret_path = "/hooks/T000/B000/XXXXsecretXXXX"
    env = crawl_env(
        mongo_server.uri, mongo_db.name, tmp_path / "jobs",
        NEWSCRAWL_NOTIFY_WEBHOOK=http_receiver.base_url + secret_path,
        NEWSCRAWL_NOTIFY_SMTP_HOST=smtp_receiver.host,
        NEWSCRAWL_NOTIFY_SMTP_PORT=str(smtp_receiver.port),
        NEWSCRAWL_NOTIFY_SMTP_USER=smtp_receiver.user,
        NEWSCRAWL_NOTIFY_SMTP_PASSWORD=smtp_receiver.password,
        NEWSCRAWL_NOTIFY_SMTP_FROM="crawler@example.org",
        NEWSCRAWL_NOTIFY_SMTP_TO="ops@example.org, oncall@example.org",
        NEWSCRAWL_NOTIFY_SMTP_STARTTLS="0",
        NEWSCRAWL_METRICS_FILE=str(metrics_file),
        NEWSCRAWL_METRICS_PUSHGATEWAY=http_receiver.base_url,
    )
    # A broken run: every article is too short, nothing is stored, the monitor fails.
    bad = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url,
                    "-s", "NEWSCRAWL_MIN_BODY_WORDS=100000", env=env)
    assert bad.code == EXIT_ALERT, bad.stderr[-3000:]
    run_id = bad.run["_id"]
    alert = bad.run["monitor"]["alerts"][0]
    assert alert.startswith("stored nothing")

    posts = [r for r in http_receiver.requests if r.method == "POST"]
    assert len(posts) == 1 and posts[0].path == secret_path
    assert posts[0].headers["Content-Type"] == "application/json"
    payload = json.loads(posts[0].body)
    text = payload["text"]
    for expected in (SITE, run_id, alert, f"newscrawl runs --site {SITE}", "exit code 4"):
        assert expected in text, (expected, text)
    assert payload["attachments"][0]["fields"][0]["value"] == run_id

    assert len(smtp_receiver.messages) == 1 and smtp_receiver.logins == ["crawler"]
    mail = smtp_receiver.messages[0]
    assert smtp_receiver.recipients[0] == ["ops@example.org", "oncall@example.org"]
    assert SITE in mail["Subject"] and "ALERT" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert run_id in body and alert in body and "newscrawl runs" in body

    assert bad.stat("notify/sent") == 2 and bad.stat("notify/failed") == 0
    for secret in (smtp_receiver.password, secret_path):
        assert secret not in bad.stderr + bad.stdout

    # A healthy run: no message (the default level is "alert"), metrics written and pushed.
    good = run_crawl(mongo_db, mongo_server.uri, SITE, "--base-url", mirror.base_url, env=env)
    assert good.code == EXIT_OK, good.stderr[-3000:]
    assert good.stat("articles/new") > 0
    assert len(smtp_receiver.messages) == 1
    assert [r.method for r in http_receiver.requests] == ["POST", "PUT", "PUT"]
    assert http_receiver.requests[1].path == f"/metrics/job/newscrawl/site/{SITE}"

    # The metrics file: totals over both recorded runs, gauges of the latest one.
    found = samples(metrics_file.read_text())
    site = (("site", SITE),)
    assert found[("newscrawl_runs_total", (("site", SITE), ("status", "finished")))] == 1
    assert found[("newscrawl_runs_total", (("site", SITE), ("status", "alert")))] == 1
    assert found[("newscrawl_articles_stored_total", (("outcome", "new"), *site))] == (
        good.stat("articles/new"))
    assert found[("newscrawl_pages_fetched_total", site)] == (
        good.stat("response_received_count") + bad.stat("response_received_count"))
    assert found[("newscrawl_extract_failures_total", site)] == (
        good.stat("extract/failed") + bad.stat("extract/failed"))
    assert found[("newscrawl_run_exit_code", site)] == EXIT_OK
    assert found[("newscrawl_run_alerts", site)] == 0
    took = (good.run["finished_at"] - good.run["started_at"]).total_seconds()
    assert abs(found[("newscrawl_run_duration_seconds", site)] - took) < 0.01
    assert abs(found[("newscrawl_run_last_success_timestamp_seconds", site)]
               - good.run["finished_at"].timestamp()) < 0.01
    assert not list(metrics_file.parent.glob("*.prom.*"))  # no temporary file left

    # Each push carries the figures of that moment for the site.
    first_push = samples(http_receiver.requests[1].body.decode())
    assert first_push[("newscrawl_run_exit_code", site)] == EXIT_ALERT
    assert samples(http_receiver.requests[-1].body.decode()) == found
