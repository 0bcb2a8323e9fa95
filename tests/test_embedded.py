"""app.embedded: embedded PostgreSQL + Redis, real processes, no mocks.

Runs without conftest (plain functions + asyncio.run):
    .venv/bin/pytest --noconftest -q tests/test_embedded.py
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis
import redis.asyncio

from app.embedded import start_embedded_redis, start_services

REPO = Path(__file__).resolve().parents[1]


def gone(pid: int) -> bool:
    """No such process (or only an unreaped zombie, if init does not reap)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_gone(*pids: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(gone(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def pg(url: str, sql: str):
    async def run():
        conn = await asyncpg.connect(url, timeout=10)
        try:
            if sql.lstrip().lower().startswith("select"):
                return await conn.fetch(sql)
            return await conn.execute(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def redis_usable(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.ConnectionError, OSError):
        return False


def postgres_socket(url: str) -> Path:
    return Path(url.split("host=", 1)[1]) / ".s.PGSQL.5432"


def test_start_use_stop_restart_keeps_data(tmp_path):
    data = tmp_path / "data"
    svc = start_services(data, database_url=None, redis_url=None)
    try:
        assert svc.database_url.startswith("postgresql://postgres@/metergraph?host=")
        assert svc.tortoise_url.startswith("postgres://postgres@/metergraph?host=")
        assert svc.redis_url == f"unix://{data.resolve()}/redis.sock"
        assert pg(svc.database_url, "select 1 as one")[0]["one"] == 1
        pg(svc.database_url, "create table invoices (id int primary key); insert into invoices values (7)")
        r = redis.Redis.from_url(svc.redis_url)
        assert r.ping()
        r.rpush("queue", "job-1")
        pids = (svc.postgres_pid, svc.redis_pid)
        assert all(not gone(p) for p in pids)
    finally:
        svc.stop()
    assert all(gone(p) for p in pids)  # stop() waits for exit
    svc.stop()  # idempotent
    assert not postgres_socket(svc.database_url).exists()
    assert not redis_usable(svc.redis_url)
    assert not (data / "postgres.state.json").exists() and not (data / "redis.state.json").exists()

    svc2 = start_services(data, database_url=None, redis_url=None)
    try:
        assert (svc2.postgres_pid, svc2.redis_pid) != pids
        assert [r["id"] for r in pg(svc2.database_url, "select id from invoices")] == [7]
        assert redis.Redis.from_url(svc2.redis_url).lrange("queue", 0, -1) == [b"job-1"]  # AOF
    finally:
        svc2.stop()


def test_urls_accepted_by_tortoise_arq_and_redis_asyncio(tmp_path):
    from arq.connections import RedisSettings, create_pool
    from tortoise.backends.asyncpg import AsyncpgDBClient
    from tortoise.backends.base.config_generator import expand_db_url

    with start_services(tmp_path, database_url=None, redis_url=None) as svc:
        sock_dir = str(postgres_socket(svc.database_url).parent)
        creds = expand_db_url(svc.tortoise_url)["credentials"]
        assert creds["host"] == sock_dir and creds["port"] == 5432
        assert creds["database"] == "metergraph" and creds["user"] == "postgres"
        settings = RedisSettings.from_dsn(svc.redis_url)
        assert settings.unix_socket_path == str(tmp_path.resolve() / "redis.sock")

        async def run():
            client = AsyncpgDBClient(connection_name="default", **creds)
            await client.create_connection(with_db=True)
            try:
                rows = await client.execute_query_dict("select current_database() as db")
                assert rows == [{"db": "metergraph"}]
            finally:
                await client.close()
            pool = await create_pool(settings)
            try:
                assert await pool.ping()
            finally:
                await pool.aclose()
            r = redis.asyncio.Redis.from_url(svc.redis_url)
            try:
                assert await r.ping()
            finally:
                await r.aclose()

        asyncio.run(run())


def test_restart_after_services_were_sigkilled(tmp_path):
    svc = start_services(tmp_path, database_url=None, redis_url=None)
    try:
        pg(svc.database_url, "create table t (x int); insert into t values (1)")
        redis.Redis.from_url(svc.redis_url).set("k", "v")
        # a crashed dev: both servers die hard, nothing is cleaned up
        os.kill(svc.postgres_pid, signal.SIGKILL)
        os.kill(svc.redis_pid, signal.SIGKILL)
        assert wait_gone(svc.postgres_pid, svc.redis_pid)
        assert (tmp_path / "postgres" / "postmaster.pid").exists()
        assert (tmp_path / "redis.sock").exists()

        svc2 = start_services(tmp_path, database_url=None, redis_url=None)
        try:
            assert pg(svc2.database_url, "select x from t")[0]["x"] == 1
            assert redis.Redis.from_url(svc2.redis_url).get("k") == b"v"
        finally:
            svc2.stop()
    finally:
        svc.stop()  # must not disturb anything (its processes are long gone)
    assert wait_gone(svc2.postgres_pid, svc2.redis_pid, timeout=1)


def test_given_urls_start_nothing(tmp_path):
    data = tmp_path / "data"
    svc = start_services(data, database_url="postgresql://u:p@db.example:5432/x", redis_url="redis://cache:6379/2")
    assert svc.database_url == "postgresql://u:p@db.example:5432/x"
    assert svc.tortoise_url == "postgres://u:p@db.example:5432/x"
    assert svc.redis_url == "redis://cache:6379/2"
    assert svc.postgres_pid is None and svc.redis_pid is None
    svc.stop()
    assert not data.exists()


def test_only_missing_service_is_started(tmp_path):
    url, stop_redis = start_embedded_redis(tmp_path / "r")
    try:
        svc = start_services(tmp_path / "d", database_url=None, redis_url=url)
        assert svc.redis_url == url and svc.redis_pid is None
        svc.stop()
        assert gone(svc.postgres_pid)
        assert redis_usable(url)  # not ours to stop
    finally:
        stop_redis()
    assert not redis_usable(url)


def test_second_instance_on_same_dir_is_refused(tmp_path):
    with start_services(tmp_path, database_url=None, redis_url=None) as svc:
        with pytest.raises(RuntimeError, match="already running"):
            start_services(tmp_path, database_url=None, redis_url=None)
        assert pg(svc.database_url, "select 1 as one")[0]["one"] == 1  # untouched
        assert redis_usable(svc.redis_url)


def test_long_data_dir_puts_sockets_in_short_tmp_dir(tmp_path):
    data = tmp_path.joinpath(*["a-rather-long-directory-name"] * 5)
    assert len(str(data / "redis.sock")) > 107
    with start_services(data, database_url=None, redis_url=None) as svc:
        assert svc.redis_url.startswith("unix:///tmp/metergraph-")
        assert "host=/tmp/metergraph-" in svc.database_url
        assert pg(svc.database_url, "select 1 as one")[0]["one"] == 1
        assert redis_usable(svc.redis_url)
    shutil.rmtree(Path(svc.redis_url[len("unix://") :]).parent, ignore_errors=True)


# ---------------------------------------------------------------- CLI-like --
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from app.embedded import start_services
    svc = start_services(Path(sys.argv[1]), database_url=None, redis_url=None)
    try:
        print(json.dumps([svc.postgres_pid, svc.redis_pid]), flush=True)
        while True:
            time.sleep(1)
    finally:
        svc.stop()
    """
)


def spawn_dev(data: Path, python: str = sys.executable, **kwargs) -> tuple[subprocess.Popen, list[int]]:
    proc = subprocess.Popen(
        [python, "-c", CHILD, str(data)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **kwargs,
    )
    line = proc.stdout.readline()
    assert line, f"child failed (exit {proc.wait()})"
    return proc, json.loads(line)


def test_ctrl_c_leaves_no_child_process(tmp_path):
    proc, pids = spawn_dev(tmp_path)
    assert all(not gone(p) for p in pids)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    proc.wait(30)
    assert all(gone(p) for p in pids)
    assert not (tmp_path / "redis.sock").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_children_die_with_their_parent(tmp_path, sig):
    proc, pids = spawn_dev(tmp_path)
    os.kill(proc.pid, sig)  # no finally, no atexit
    proc.wait(10)
    assert wait_gone(*pids), "embedded servers outlived their parent"
    with start_services(tmp_path, database_url=None, redis_url=None) as svc:
        assert pg(svc.database_url, "select 1 as one")[0]["one"] == 1


def test_orphans_of_a_crashed_run_are_stopped_at_next_start(tmp_path):
    # started from a non-main thread no PDEATHSIG is armed, so SIGKILLing the
    # parent leaves both servers running as orphans
    script = CHILD.replace(
        "svc = start_services(Path(sys.argv[1]), database_url=None, redis_url=None)",
        "import threading\nbox = []\n"
        "t = threading.Thread(target=lambda: box.append(start_services("
        "Path(sys.argv[1]), database_url=None, redis_url=None)))\n"
        "t.start(); t.join(); svc = box[0]",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    orphans = json.loads(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    time.sleep(0.3)
    assert all(not gone(p) for p in orphans)
    with start_services(tmp_path, database_url=None, redis_url=None) as svc:
        assert all(gone(p) for p in orphans)
        assert pg(svc.database_url, "select 1 as one")[0]["one"] == 1
        assert redis_usable(svc.redis_url)


def test_start_failure_raises_with_log_tail_and_leaves_nothing(tmp_path):
    start_services(tmp_path, database_url=None, redis_url=None).stop()
    with open(tmp_path / "postgres" / "postgresql.conf", "a") as f:
        f.write("\nthis is = not valid postgresql.conf\n")
    with pytest.raises(RuntimeError, match="syntax error") as err:
        start_services(tmp_path, database_url=None, redis_url=None)
    assert "embedded PostgreSQL exited" in str(err.value)

    (tmp_path / "redis" / "appendonly.aof").write_bytes(b"*1\r\n$4\r\nPING\r\ngarbage\r\n")
    with pytest.raises(RuntimeError, match="redis-server exited") as err:
        start_services(tmp_path, database_url="postgresql://x@/y", redis_url=None)
    assert "Bad file format" in str(err.value)
    leftovers = [p for p in psutil.process_iter(["cmdline"]) if str(tmp_path) in " ".join(p.info["cmdline"] or [])]
    assert leftovers == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_as_root_and_as_normal_user(tmp_path):
    """As root postgres runs as the `pgserver` user; a normal user runs it as
    itself.  Here root has run the other tests; run the same flow as that
    unprivileged user (in a dir it owns, outside root's 0700 pytest dir)."""
    with start_services(tmp_path, database_url=None, redis_url=None) as svc:
        assert psutil.Process(svc.postgres_pid).username() != "root"
    user = pwd.getpwnam("pgserver")
    # root's interpreter may live under /root (0700): fall back to a system
    # python of the same version, pointed at our site-packages
    site = str(Path(psutil.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), site])}
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        try:
            subprocess.run(
                [python, "-c", "import app.embedded"],
                cwd=REPO,
                env=env,
                user=user.pw_uid,
                check=True,
                capture_output=True,
            )
            break
        except (OSError, subprocess.CalledProcessError):
            continue
    else:
        pytest.skip("no Python interpreter with our packages is accessible to user pgserver")
    data = Path(tempfile.mkdtemp(prefix="mg-user-"))
    try:
        os.chown(data, user.pw_uid, user.pw_gid)
        proc, pids = spawn_dev(
            data,
            python=python,
            user=user.pw_uid,
            group=user.pw_gid,
            extra_groups=[],
            env={**env, "HOME": str(data)},
        )
        assert psutil.Process(pids[0]).username() == "pgserver"
        assert psutil.Process(pids[1]).username() == "pgserver"
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(30)
        assert all(gone(p) for p in pids)
    finally:
        shutil.rmtree(data, ignore_errors=True)
