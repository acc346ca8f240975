"""The benchmark runs end to end on a small mirror and writes its JSON (no timing asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_small_run_writes_json(mongo_server, tmp_path) -> None:
    output = tmp_path / "bench.json"
    env = dict(os.environ, MONGO_URI=mongo_server.uri)
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "bench", "--pages", "30", "--sample", "10",
         "--output", str(output), "--theme-pages", "20"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "articles stored/s" in proc.stdout
    # The extraction table per mirror theme, the no-metadata theme with and without profile.
    assert "extraction CPU ms/page by theme" in proc.stdout
    legacy = [line.split() for line in proc.stdout.splitlines() if line.split()[:1] == ["legacy"]]
    assert [row[1] for row in legacy] == ["lakesidecourier", "(generic"]
    assert all(row[-5] == "20" for row in legacy)  # every page extracted as an article
    [result] = json.loads(output.read_text(encoding="utf-8"))
    assert result["articles_expected"] == 30
    assert result["articles_stored"] == 30
    assert result["finish_reason"] == "finished"
    assert result["workers"] >= 1
    assert result["peak_rss_mb"] > result["peak_rss_main_mb"] > 0
    assert result["trafilatura_pages_per_s"] > 0
    stages = result["stage_ms_per_page"]
    assert set(stages) == {"download", "extraction", "pipelines", "storage"}
    assert all(ms > 0 for ms in stages.values()), stages
    assert abs(sum(result["stage_share"].values()) - 1) < 0.01
    assert result["extra"]["wall_ms_per_page"]["download latency"] > 0
    assert result["extra"]["other_processes_cpu_ms_per_page"]["mirror"] > 0
