"""The PostgreSQL that pgserver bundles: where its binaries are, and the operating-system
user that runs them when we are root (PostgreSQL refuses to run as root; the module
docstring of `_postgres` says how that user reaches PGDATA)."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import logging
import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from . import _files

log = logging.getLogger("metergraph.services")

DEFAULT_OS_USER = "pgserver"  # the user pgserver itself creates and uses


@functools.cache
def pg_bin() -> Path:
    # locate without importing pgserver (its import sets up runtime dirs/locks)
    spec = importlib.util.find_spec("pgserver")
    if spec is None or spec.origin is None:
        raise RuntimeError("the pgserver package (which ships PostgreSQL) is not installed")
    return Path(spec.origin).parent / "pginstall" / "bin"


def os_user(pgdata: Path) -> tuple[int, int] | None:
    """(uid, gid) to run postgres as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("METERGRAPH_PG_OS_USER")
    if not name and pgdata.exists() and pgdata.stat().st_uid != 0:
        try:
            entry = pwd.getpwuid(pgdata.stat().st_uid)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            pass
    name = name or DEFAULT_OS_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        entry = None
        for cmd in (
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            ["adduser", "-S", "-D", "-H", name],  # busybox/alpine
        ):
            if shutil.which(cmd[0]) and subprocess.run(cmd, capture_output=True).returncode == 0:
                entry = pwd.getpwnam(name)
                log.warning("created system user %r to run the embedded PostgreSQL as", name)
                break
        if entry is None:
            with contextlib.suppress(KeyError):  # created concurrently by someone else
                entry = pwd.getpwnam(name)
        if entry is None:
            raise RuntimeError(
                "PostgreSQL refuses to run as root and no unprivileged user "
                f"{name!r} could be created; create one and set METERGRAPH_PG_OS_USER, "
                "run as a normal user, or set DATABASE_URL"
            ) from None  # the missing user is the whole story, not the KeyError
    if entry.pw_uid == 0:
        raise RuntimeError(f"METERGRAPH_PG_OS_USER={name!r} is root")
    return entry.pw_uid, entry.pw_gid


def make_install_usable(uid: int, gid: int) -> None:
    """The bundled binaries must be executable/readable by the postgres user
    (they are, in an ordinary pip install; fix it the way pgserver does)."""
    install = pg_bin().parent
    _files.grant_traverse(install, uid, gid)
    probe = install / "share" / "postgres.bki"
    if (pg_bin() / "postgres").stat().st_mode & stat.S_IXOTH and (
        not probe.exists() or probe.stat().st_mode & stat.S_IROTH
    ):
        return
    for root in (install, install.parent.parent / "pgserver.libs"):
        for dirpath, _dirs, files in os.walk(root):
            os.chmod(dirpath, os.stat(dirpath).st_mode | 0o055)
            for f in files:
                path = os.path.join(dirpath, f)
                mode = os.stat(path).st_mode
                os.chmod(path, mode | 0o044 | (0o011 if mode & stat.S_IXUSR else 0))
