"""The run lease: one run of a site and job at a time; a dead run's lease is taken over."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from crawler.runlease import COLLECTION, LeaseHeld, RunLease, lease_key


def test_a_live_lease_is_held_and_released(mongo_db) -> None:
    key = lease_key("site", "nightly")
    first = RunLease(mongo_db, key, "run-1", ttl=60)
    first.acquire()
    with pytest.raises(LeaseHeld, match=r"site/nightly is already being crawled by run run-1"):
        RunLease(mongo_db, key, "run-2", ttl=60).acquire()
    assert first.renew()
    first.release()
    RunLease(mongo_db, key, "run-2", ttl=60).acquire()
    assert mongo_db[COLLECTION].find_one({"_id": key})["run_id"] == "run-2"


def test_an_expired_lease_is_taken_over(mongo_db) -> None:
    key = lease_key("site", None)
    mongo_db[COLLECTION].insert_one({"_id": key, "run_id": "gone", "host": "elsewhere",
                                     "pid": 1, "expires_at": datetime.now(UTC)
                                     - timedelta(seconds=1)})
    lease = RunLease(mongo_db, key, "run-3", ttl=60)
    lease.acquire()
    assert mongo_db[COLLECTION].find_one({"_id": key})["run_id"] == "run-3"


def test_a_dead_process_on_this_host_loses_its_lease_at_once(mongo_db) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    key = lease_key("site", "daily")
    holder = RunLease(mongo_db, key, "run-4", ttl=600)
    holder.pid = int(dead.stdout)
    holder.acquire()
    RunLease(mongo_db, key, "run-5", ttl=600).acquire()
    assert mongo_db[COLLECTION].find_one({"_id": key})["run_id"] == "run-5"
    assert not holder.renew()  # the old holder finds it lost
