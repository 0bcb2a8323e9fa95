"""The files of the embedded services: short socket directories, the data directory's
start lock, the permissions a privilege-dropped server needs, and the services' logs."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import re
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("metergraph.services")

LOG_ROTATE_BYTES = 5 * 1024 * 1024

# sun_path is 108 bytes on Linux, 104 on macOS/BSD (both include the NUL).
_SUN_PATH_MAX = 107 if sys.platform.startswith("linux") else 103
# Socket paths end up verbatim in URLs (arq does not unquote them), so only
# characters that need no percent-encoding are allowed in place.
_URL_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./+~@-]+$")


def socket_path_ok(path: Path) -> bool:
    return len(os.fsencode(path)) <= _SUN_PATH_MAX and bool(_URL_SAFE_PATH.match(str(path)))


def short_runtime_dir(data_dir: Path) -> Path:
    """/tmp/metergraph-<sha256(data_dir)[:12]>, for when sockets inside the
    data dir would exceed the unix socket path limit or need URL quoting.
    Created 0711 and owned by us; refuses a directory someone else made."""
    digest = hashlib.sha256(os.fsencode(data_dir)).hexdigest()[:12]
    path = Path("/tmp") / f"metergraph-{digest}"
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o711)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise RuntimeError(f"{path} exists but is not a directory owned by us; remove it")
    os.chmod(path, 0o711)
    return path


def grant_traverse(path: Path, uid: int, gid: int) -> None:
    """Make sure user uid can reach `path` (search permission on it and all
    its ancestors).  Where it cannot, add o+x only: lets others pass through
    the directory, not list it."""
    for p in [path, *path.parents]:
        st = os.stat(p)
        if st.st_uid == uid:
            need = stat.S_IXUSR
        elif st.st_gid == gid:
            need = stat.S_IXGRP
        else:
            need = stat.S_IXOTH
        if not st.st_mode & need:
            log.warning("granting o+x on %s so that uid %s can reach %s", p, uid, path)
            os.chmod(p, stat.S_IMODE(st.st_mode) | stat.S_IXOTH | need)


@contextlib.contextmanager
def locked(data_dir: Path, timeout: float) -> Iterator[None]:
    """Serialise service starts on one data directory across processes."""
    fd = os.open(data_dir / ".services.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                    raise RuntimeError(f"could not lock {data_dir}/.services.lock") from exc
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def prepare_log(path: Path) -> int:
    """Rotate a too-big log once (to .1); return the offset this run starts at."""
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def log_tail(path: Path, offset: int = 0, lines: int = 40) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(log empty)"
