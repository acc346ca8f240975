"""Building FerretDB once from its Go module source into the cache.

``go install ...@version`` builds a binary that panics at start: the module zip lacks the
generated ``build/version/version.txt``.  :func:`build_ferretdb` downloads the module
source, writes that file and runs ``go build`` (about a minute), under a lock file so that
concurrent callers build once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

from crawler.loopback import signal_group, tail
from crawler.storage.server import FerretDBBuildError, cache_dir, setting

logger = logging.getLogger(__name__)

FERRETDB_MODULE = "github.com/FerretDB/FerretDB"


def ferretdb_version() -> str:
    return str(setting("NEWSCRAWL_FERRETDB_VERSION"))


def ferretdb_binary_path(cache: Path | None = None, version: str | None = None) -> Path:
    """The cached FerretDB binary (it may not exist yet)."""
    return (cache or cache_dir()) / "ferretdb" / (version or ferretdb_version()) / "ferretdb"


def _run_logged(
    argv: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float
) -> str:
    """Run a build step, appending its output to ``log``; return its stdout."""
    with log.open("ab") as fh:
        fh.write(f"$ {' '.join(argv)}\n".encode())
        fh.flush()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=fh, start_new_session=True
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            signal_group(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise FerretDBBuildError(
                f"`{' '.join(argv[:3])}` took longer than {timeout:.0f} s; log {log}"
            ) from None
        text = out.decode("utf-8", "replace")
        fh.write(out)
    if proc.returncode != 0:
        raise FerretDBBuildError(
            f"`{' '.join(argv[:3])}` failed with code {proc.returncode}; log {log}:\n{tail(log)}"
        )
    return text


def _make_writable(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def build_ferretdb(
    *,
    cache: Path | None = None,
    version: str | None = None,
    force: bool = False,
    timeout: float | None = None,
) -> Path:
    """Build FerretDB from its Go module source into the cache and return the binary's path.

    ``go install ...@version`` builds a binary that panics at start: the module zip lacks
    the generated ``build/version/version.txt``.  So: download the module source, copy it,
    write that file, ``go build``.  A lock file serialises concurrent callers; the binary is
    renamed into place only once it reports the right version.
    """
    version = version or ferretdb_version()
    target = ferretdb_binary_path(cache, version)
    go = shutil.which("go")
    if go is None:
        raise FerretDBBuildError("the Go toolchain (`go`) is not on PATH")
    timeout = float(timeout or setting("NEWSCRAWL_FERRETDB_BUILD_TIMEOUT"))
    target.parent.mkdir(parents=True, exist_ok=True)
    log = target.parent / "build.log"
    with (target.parent / ".build.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a concurrent build finishes first
        if target.is_file() and not force:
            return target
        log.write_bytes(b"")
        logger.info("building FerretDB %s into %s (once; about a minute)", version, target)
        env = dict(os.environ, CGO_ENABLED="0")
        with tempfile.TemporaryDirectory(prefix="newscrawl-ferretdb-build-") as tmp:
            info = json.loads(
                _run_logged(
                    [go, "mod", "download", "-json", f"{FERRETDB_MODULE}@{version}"],
                    cwd=Path(tmp),
                    env=env,
                    log=log,
                    timeout=timeout,
                )
            )
            if not info.get("Dir"):
                raise FerretDBBuildError(f"`go mod download` gave no source dir: {info}")
            src = Path(tmp) / "src"
            shutil.copytree(info["Dir"], src, symlinks=True)
            _make_writable(src)
            (src / "build" / "version").mkdir(parents=True, exist_ok=True)
            (src / "build" / "version" / "version.txt").write_text(f"{version}\n")
            partial = target.with_name(f".ferretdb.{os.getpid()}.partial")
            try:
                build = [go, "build", "-buildvcs=false", "-trimpath", "-o", str(partial)]
                _run_logged(
                    [*build, "./cmd/ferretdb"],
                    cwd=src,
                    env=env,
                    log=log,
                    timeout=timeout,
                )
                reported = _run_logged(
                    [str(partial), "--version"], cwd=Path(tmp), env=env, log=log, timeout=60
                )
                if version not in reported:
                    raise FerretDBBuildError(
                        f"the built binary reports {reported.strip()!r}, not {version}; log {log}"
                    )
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
    logger.info("built %s", target)
    return target


def ferretdb_binary(cache: Path | None = None, *, build: bool = True) -> Path:
    """The cached FerretDB binary, built first if it is missing and ``build`` is true."""
    target = ferretdb_binary_path(cache)
    if target.is_file() and os.access(target, os.X_OK):
        return target
    if not build:
        raise FerretDBBuildError(f"FerretDB is not built ({target} is missing)")
    return build_ferretdb(cache=cache)
