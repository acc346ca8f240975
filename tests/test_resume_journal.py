"""The job journal: claims, outcomes, what a resume requests again, a full disk."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from crawler.resume.journal import Claim, Journal, JournalError


def test_pending_is_what_was_claimed_without_an_outcome(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.open()
    journal.claim("http://a/sitemap.xml", Claim("sitemap", "http://a/sitemap.xml"))
    journal.claim("http://a/1/", Claim("article", "http://a/1/", 1))
    journal.claim("http://a/2/", Claim("article", "http://a/2/", 1))
    journal.claim("http://a/c/", Claim("listing", "http://a/c/", 0, {"nc_page": 2}))
    journal.done("http://a/sitemap.xml")
    journal.done("http://a/2/", "failed: HttpError")
    journal.close()
    pending = Journal(tmp_path).read()
    assert sorted(pending.claims) == ["http://a/1/", "http://a/c/"]
    assert pending.claims["http://a/c/"] == Claim("listing", "http://a/c/", 0, {"nc_page": 2})
    assert (pending.done, pending.failed) == (1, 1)


def test_a_record_cut_short_is_skipped_and_does_not_spoil_the_next(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").write_bytes(b'{"c":"http://a/1/","k":"article","u":"http://a/1/"}'
                                             b'\n{"c":"http://a/2/","k":"art')
    journal = Journal(tmp_path)
    journal.open()  # starts a new line after the cut record
    journal.claim("http://a/3/", Claim("article", "http://a/3/"))
    journal.close()
    pending = Journal(tmp_path).read()
    assert sorted(pending.claims) == ["http://a/1/", "http://a/3/"]
    assert pending.skipped_lines == 1


def test_clear_forgets_the_job(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.open()
    journal.claim("http://a/1/", Claim("article", "http://a/1/"))
    journal.clear()
    assert Journal(tmp_path).read().claims == {}


def _limit_file_size(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


def test_a_full_disk_raises_once_and_stops_writing(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    journal = Journal(tmp_path)
    journal.open()
    _limit_file_size(200)
    try:
        with pytest.raises(JournalError, match="disk full"):
            for n in range(100):
                journal.claim(f"http://a/{n}/", Claim("article", f"http://a/{n}/"))
        journal.claim("http://a/x/", Claim("article", "http://a/x/"))  # no second error
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert journal.broken is not None
    assert len(Journal(tmp_path).read().claims) >= 1
