"""`metergraph dev`: every part of Metergraph on one machine, supervised.

The worker runs as its own child process (`metergraph worker`, the production code path)
rather than beside the API in one event loop: Tortoise keeps one global context per
process, and two initialisations in one process were the reason the old in-process worker
never ran a job. The API runs as `metergraph serve` for the same reason of symmetry, so
the parent only starts services, migrates, bootstraps and watches: if any part dies, all
of it stops and `dev` exits non-zero naming the part (see `supervisor`).
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
import urllib.error
import urllib.request

from app.settings import Settings, redact_url, use_settings

from . import _proc, start_services
from .supervisor import Children, Part, report_death, service_part, stop_signals, watch

SERVICES_FILE = "services.json"
CREDENTIALS_MARK = "Administrator credentials (shown once, keep them): "
READY_TIMEOUT = 90.0


def _child_env(settings: Settings) -> dict[str, str]:
    # Children read the same services and the same signing key as the parent (it hashed
    # the bootstrap secret with that key).
    return _proc.child_env() | {
        "DATABASE_URL": settings.database_url or "",
        "REDIS_URL": settings.redis_url or "",
        "METERGRAPH_SECRET_KEY": settings.secret_key,
        "METERGRAPH_DATA_DIR": str(settings.data_dir),
        # A local receiver (http://127.0.0.1:...) is what one tries webhooks with on one machine.
        "METERGRAPH_WEBHOOK_ALLOW_PRIVATE": "1",
        # One developer's machine: its administrators are the deployment's operators.
        "METERGRAPH_OPERATOR_ORGANIZATIONS": "*",
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def _common(settings: Settings) -> list[str]:
    queue = settings.extra.get("queue_name")
    return ["--data-dir", str(settings.data_dir), *(["--queue-name", queue] if queue else [])]


async def _bootstrap_if_empty(settings: Settings) -> dict | None:
    from app.db import close_db, init_db
    from app.models.organization import Organization
    from app.services.organizations import bootstrap_organization

    await init_db(settings.database_url)
    try:
        if await Organization.all().exists():
            return None
        return (await bootstrap_organization("Metergraph")).as_json()
    finally:
        await close_db()


class ReadyTimeout(RuntimeError):
    pass


def _fail(message: str) -> int:
    print(f"metergraph dev: {message}", file=sys.stderr, flush=True)
    return 1


def port_free(port: int) -> bool:
    """Checked before anything starts: otherwise another program answering on the port
    could pass for our API while it waits to be ready."""
    with socket.socket() as probe:
        # as uvicorn binds: a port left in TIME_WAIT by the previous run is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _api_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _workers_announced(settings: Settings, pids: set[int]) -> bool:
    from redis import Redis

    from app.services.system import heartbeat_pids
    from workers.settings import configured_queue_name

    client = Redis.from_url(settings.redis_url)
    try:
        return pids <= heartbeat_pids(client, configured_queue_name(settings))
    finally:
        client.close()


def _wait_ready(
    settings: Settings, parts: list[Part], worker_pids: set[int], received: list[int]
) -> tuple[Part, int] | None:
    """Until the API answers /healthz and every worker has written its heartbeat."""
    deadline = time.monotonic() + READY_TIMEOUT
    while not received:
        for part in parts:
            code = part.poll()
            if code is not None:
                return part, code
        if _api_answers(settings.port) and _workers_announced(settings, worker_pids):
            return None
        if time.monotonic() > deadline:
            raise ReadyTimeout(f"the API or a worker was not ready within {READY_TIMEOUT:.0f} s")
        time.sleep(0.1)
    return None


def _where(url: str, embedded_pid: int | None) -> str:
    if embedded_pid is None:
        return redact_url(url)
    return f"embedded (pid {embedded_pid}), {url}"


def _banner(settings: Settings, services, workers: int, credentials: dict | None) -> None:  # noqa: ANN001
    from app.http.console import is_built

    base = f"http://127.0.0.1:{settings.port}"
    lines = ["Metergraph is running:", f"  API         {base}", f"  GraphiQL    {base}/graphql"]
    if is_built():  # only once `make console` has built it (app/http/console.py)
        lines.append(f"  Console     {base}/console")
    lines += [
        f"  PostgreSQL  {_where(settings.database_url, services.postgres_pid)}",
        f"  Redis       {_where(settings.redis_url, services.redis_pid)}",
        f"  Workers     {workers}",
    ]
    if credentials:
        lines.append(CREDENTIALS_MARK + json.dumps(credentials))
    lines.append("Ctrl-C stops everything.")
    print("\n".join(lines), flush=True)


def _start_children(settings: Settings, children: Children, workers: int) -> tuple[list[Part], set[int]]:
    env, common = _child_env(settings), _common(settings)
    api = children.spawn(
        _cli("serve", "--host", "127.0.0.1", "--port", str(settings.port), "--log-level", "warning", *common), env
    )
    parts = [Part("the API", api.pid, api.poll)]
    for number in range(1, workers + 1):
        worker = children.spawn(_cli("worker", "--log-level", "warning", *common), env)
        parts.append(Part(f"worker {number}" if workers > 1 else "the worker", worker.pid, worker.poll))
    return parts, {p.pid for p in parts[1:]}


def _service_parts(settings: Settings, services) -> list[Part]:  # noqa: ANN001
    found = [
        service_part("embedded PostgreSQL", services.postgres_pid, str(settings.data_dir / "postgres.log")),
        service_part("embedded Redis", services.redis_pid, str(settings.data_dir / "redis.log")),
    ]
    return [part for part in found if part is not None]


def _demo_part(settings: Settings, children: Children) -> Part:
    """`--demo`: load the demo organization through `metergraph demo` beside the rest."""
    proc = children.spawn(_cli("demo", *_common(settings)), _child_env(settings))
    return Part("the demo loader", proc.pid, proc.poll)


def run_dev(settings: Settings, *, workers: int = 1, demo: bool = False) -> int:
    """Run everything until Ctrl-C (0) or until a part dies (1)."""
    from app.db import run_migrations

    if not port_free(settings.port):
        return _fail(f"port {settings.port} is already in use; choose another with --port")
    # Until the supervisor takes over, SIGTERM interrupts like Ctrl-C does, so that the
    # embedded services started so far are stopped by the `finally` below. SIGINT too, even
    # when we inherited it ignored (started with `&` from a script): later on, the supervisor
    # honours it, so it must not be lost while the services start.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        services = start_services(settings.data_dir, database_url=settings.database_url, redis_url=settings.redis_url)
    except KeyboardInterrupt:  # start_services stopped what it had started
        print("Metergraph stopped.", flush=True)
        return 0
    except RuntimeError as exc:  # an embedded service did not start; the message says why
        return _fail(str(exc))
    except OSError as exc:  # the data directory cannot hold them (permissions, a full disk)
        return _fail(f"cannot start the embedded services in {settings.data_dir}: {exc}")
    published, children = settings.data_dir / SERVICES_FILE, Children()
    try:
        settings = settings.with_services(services.database_url, services.redis_url)
        use_settings(settings)
        published.write_text(json.dumps({"database_url": settings.database_url, "redis_url": settings.redis_url}))
        asyncio.run(run_migrations(settings.database_url))
        credentials = asyncio.run(_bootstrap_if_empty(settings))
        with stop_signals() as received:
            parts, worker_pids = _start_children(settings, children, workers)
            parts += _service_parts(settings, services)
            died = _wait_ready(settings, parts, worker_pids, received)
            if died is None and not received:
                _banner(settings, services, workers, credentials)
                demo_part = _demo_part(settings, children) if demo else None
                died = watch(parts, received, finished_ok=[demo_part] if demo_part else [])
        if died is not None:
            report_death(*died)
            return 1
        return 0
    except KeyboardInterrupt:
        return 0
    except ReadyTimeout as exc:
        return _fail(str(exc))
    finally:
        children.stop()
        published.unlink(missing_ok=True)
        services.stop()
        print("Metergraph stopped.", flush=True)
