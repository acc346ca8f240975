"""Resumable crawls: the job journal of claimed and finished requests."""
