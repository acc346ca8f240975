"""After a crawl: notifications reach a real webhook receiver and SMTP server, and the
metrics file and Pushgateway push describe the recorded runs (the crawls of
``tests/opsruns.py``: a broken run, then a healthy one)."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from crawler.cli import EXIT_ALERT, EXIT_OK
from tests.opsruns import SITE, WEBHOOK_PATH, OpsRuns


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_a_bad_run_is_notified_once_per_channel(ops_runs: OpsRuns) -> None:
    bad, good, http, smtp = ops_runs.bad, ops_runs.good, ops_runs.http, ops_runs.smtp
    assert bad.code == EXIT_ALERT, bad.stderr[-3000:]
    run_id = bad.run["_id"]
    alert = bad.run["monitor"]["alerts"][0]
    assert alert.startswith("stored nothing")

    # The broken run: one POST to the webhook, one e-mail (then the metrics push).
    assert ops_runs.requests_after_bad == ["POST", "PUT"] and ops_runs.messages_after_bad == 1
    post = http.requests[0]
    assert post.path == WEBHOOK_PATH and post.headers["Content-Type"] == "application/json"
    payload = json.loads(post.body)
    for expected in (SITE, run_id, alert, f"newscrawl runs --site {SITE}", "exit code 4"):
        assert expected in payload["text"], (expected, payload["text"])
    assert payload["attachments"][0]["fields"][0]["value"] == run_id

    assert smtp.logins == ["crawler"]
    assert smtp.recipients[0] == ["ops@example.org", "oncall@example.org"]
    mail = smtp.messages[0]
    assert SITE in mail["Subject"] and "ALERT" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert run_id in body and alert in body and "newscrawl runs" in body
    assert bad.stat("notify/sent") == 2 and bad.stat("notify/failed") == 0
    for secret in (smtp.password, WEBHOOK_PATH):
        assert secret not in bad.stderr + bad.stdout

    # The healthy run: no message at the default level "alert", only the metrics push.
    assert good.code == EXIT_OK, good.stderr[-3000:]
    assert good.stat("articles/new") > 0 and "notify/sent" not in good.stats
    assert [r.method for r in http.requests] == ["POST", "PUT", "PUT"]
    assert len(smtp.messages) == 1


def test_metrics_file_and_push_describe_the_recorded_runs(ops_runs: OpsRuns) -> None:
    bad, good = ops_runs.bad, ops_runs.good
    found = samples(ops_runs.metrics_file.read_text())
    site = (("site", SITE),)
    assert found[("newscrawl_runs_total", (*site, ("status", "finished")))] == 1
    assert found[("newscrawl_runs_total", (*site, ("status", "alert")))] == 1
    assert found[("newscrawl_articles_stored_total", (("outcome", "new"), *site))] == (
        good.stat("articles/new") + bad.stat("articles/new"))
    assert found[("newscrawl_pages_fetched_total", site)] == (
        good.stat("response_received_count") + bad.stat("response_received_count"))
    assert found[("newscrawl_extract_failures_total", site)] == (
        good.stat("extract/failed") + bad.stat("extract/failed"))
    assert found[("newscrawl_links_stored_total", site)] == (
        good.stat("links/new") + bad.stat("links/new"))
    assert found[("newscrawl_run_exit_code", site)] == EXIT_OK
    assert found[("newscrawl_run_alerts", site)] == 0
    took = (good.run["finished_at"] - good.run["started_at"]).total_seconds()
    assert abs(found[("newscrawl_run_duration_seconds", site)] - took) < 0.01
    assert abs(found[("newscrawl_run_last_success_timestamp_seconds", site)]
               - good.run["finished_at"].timestamp()) < 0.01
    assert not list(ops_runs.metrics_file.parent.glob("*.prom.*"))  # no temporary file left

    # Each push carries the figures of that moment for the site.
    pushes = [r for r in ops_runs.http.requests if r.method == "PUT"]
    assert all(r.path == f"/metrics/job/newscrawl/site/{SITE}" for r in pushes)
    assert samples(pushes[0].body.decode())[("newscrawl_run_exit_code", site)] == EXIT_ALERT
    assert samples(pushes[-1].body.decode()) == found
