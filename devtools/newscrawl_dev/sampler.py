"""Samples a crawl's process tree while it runs: peak RSS (summed, and of its root), CPU
time of other processes of interest (the mirror, the database server), and how long the
crawl's threads waited for a CPU (Linux schedstat), for the benchmarks."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil


class ProcessSampler(threading.Thread):
    """Samples the RSS of a process tree (summed, and of its root), and the CPU time of other
    processes of interest (the mirror, the database server)."""

    def __init__(self, pid: int, others: dict[str, int] | None = None,
                 interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.others = {name: pid for name, pid in (others or {}).items() if pid}
        self.peak_total = 0
        self.peak_main = 0
        self.other_cpu: dict[str, float] = {}
        # (pid, thread) of the crawl's process tree -> (CPU ns, ns runnable but waiting for
        # a CPU), the last values read: how much a loaded machine held the crawl back.
        self.sched: dict[tuple[int, str], tuple[int, int]] = {}
        self._other_start: dict[str, float] = {}
        self._stop_event = threading.Event()

    @staticmethod
    def _cpu(pid: int) -> float:
        """CPU seconds of a process: Linux's per-thread scheduler totals (nanoseconds) where
        readable, as a small run of the mirror uses less than psutil's 10 ms clock tick."""
        try:
            tasks = Path(f"/proc/{pid}/task").iterdir()
            return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks) / 1e9
        except (OSError, ValueError, IndexError):
            times = psutil.Process(pid).cpu_times()
            return times.user + times.system

    def _sample_sched(self, procs: list[psutil.Process]) -> None:
        for proc in procs:
            try:
                for task in Path(f"/proc/{proc.pid}/task").iterdir():
                    run, wait = (task / "schedstat").read_text().split()[:2]
                    self.sched[(proc.pid, task.name)] = (int(run), int(wait))
            except (OSError, ValueError):
                continue

    @property
    def cpu_wait_share(self) -> float:
        """Of the time the crawl's threads were runnable, the share spent waiting for a
        CPU (other processes had it): near 0 on an idle machine."""
        run = sum(r for r, _ in self.sched.values())
        wait = sum(w for _, w in self.sched.values())
        return wait / (run + wait) if run + wait else 0.0

    def _sample_others(self) -> None:
        for name, pid in self.others.items():
            try:
                used = self._cpu(pid)
            except psutil.Error:
                continue
            start = self._other_start.setdefault(name, used)
            self.other_cpu[name] = used - start

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop_event.is_set():
            self._sample_others()
            try:
                procs = [root, *root.children(recursive=True)]
                main = root.memory_info().rss
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
            self._sample_sched(procs)
            self.peak_total = max(self.peak_total, total)
            self.peak_main = max(self.peak_main, main)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)
        self._sample_others()
