"""The `metergraph` command (CONTRACT §1): dev, serve, worker, migrate, bootstrap, demo,
export-schema.

Only `dev` starts embedded PostgreSQL and Redis (and supervises the API and workers as
child processes, see `app.embedded.dev`). While it runs it publishes their URLs in
`<data dir>/services.json`, so `metergraph bootstrap`, `migrate` or `demo` in another
terminal reach the same services; the other commands otherwise need DATABASE_URL and
REDIS_URL. `--queue-name` puts a settings value (`Settings.extra["queue_name"]`) that
`workers.settings.configured_queue_name()` reads, for the API's enqueues and the workers alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import uvloop

from app.preflight import PUBLISHED, require_services, service_problems
from app.settings import Settings, configured_port, load_settings, parse_port, use_settings

# Organization.name is a CharField(max_length=200).
ORGANIZATION_NAME_MAX = 200


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    settings = load_settings(Path(data_dir) if data_dir else None)
    if getattr(args, "queue_name", None):
        settings = replace(settings, extra={**settings.extra, "queue_name": args.queue_name})
    return settings


def _with_published_services(settings: Settings, command: str, *, redis: bool = True) -> Settings:
    """Fill missing URLs from a running `metergraph dev`, or explain what is needed.
    `redis=False`: the command needs PostgreSQL only."""
    from app.embedded.dev import SERVICES_FILE

    published = settings.data_dir / SERVICES_FILE
    if (settings.database_url is None or settings.redis_url is None) and published.exists():
        urls = json.loads(published.read_text())
        filled = [
            name
            for name, url in (("DATABASE_URL", settings.database_url), ("REDIS_URL", settings.redis_url))
            if not url
        ]
        settings = settings.with_services(
            settings.database_url or urls["database_url"], settings.redis_url or urls["redis_url"]
        )
        # So that a message about them can say where they came from.
        settings = replace(settings, extra={**settings.extra, PUBLISHED: f"{published}:{','.join(filled)}"})
    missing = [
        name
        for name, url, needed in (
            ("DATABASE_URL", settings.database_url, True),
            ("REDIS_URL", settings.redis_url, redis),
        )
        if needed and url is None
    ]
    if missing:
        examples = {"DATABASE_URL": "postgresql://user:pass@host:5432/metergraph", "REDIS_URL": "redis://host:6379/0"}
        sys.exit(
            f"metergraph {command}: {' and '.join(missing)} must be set, e.g. "
            f"{' '.join(f'{name}={examples[name]}' for name in missing)} (or start "
            f"`metergraph dev --data-dir {settings.data_dir}` first: the other commands then use its embedded services)"
        )
    return settings


def cmd_dev(args: argparse.Namespace) -> None:
    from app.embedded.dev import port_free, run_dev

    if args.workers < 1:
        sys.exit("metergraph dev: --workers must be at least 1")
    port = args.port if args.port is not None else configured_port()
    # Before the settings, which write a generated key into the data directory: a refused
    # start leaves nothing behind.
    if not port_free(port):
        sys.exit(f"metergraph dev: port {port} is already in use; choose another with --port")
    settings = replace(_settings(args), port=port)
    # Services named by URL must answer before anything starts (embedded ones are ours).
    require_services(settings, "dev")
    sys.exit(run_dev(settings, workers=args.workers, demo=args.demo))


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.http.coalescing import CoalescingHttpToolsProtocol
    from app.main import create_app

    settings = _settings(args)
    port = args.port if args.port is not None else settings.port
    settings = _with_published_services(settings, "serve")
    # The API starts all the same (/healthz answers 503 naming the part until it answers),
    # but whoever starts it learns at once that the URL is wrong.
    for problem in service_problems(settings):
        logging.getLogger("metergraph").warning("%s; /healthz answers 503 until it answers", problem)
    use_settings(settings)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=port,
        log_level=args.log_level,
        http=CoalescingHttpToolsProtocol,  # a response's head and body in one write (app.http.coalescing)
    )


def cmd_worker(args: argparse.Namespace) -> None:
    from workers.settings import worker_options
    from workers.wake import WakeableWorker

    settings = _with_published_services(_settings(args), "worker")
    require_services(settings, "worker")
    use_settings(settings)
    # arq logs every job at INFO; `dev` asks for warnings only, so its output stays readable.
    logging.getLogger("arq").setLevel(args.log_level.upper())
    # The API serves on uvloop (uvicorn's choice when it is installed); the worker runs on it
    # too: its loop moves every batch, COPY and delivery through asyncpg, Redis and aiohttp.
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    WakeableWorker(**worker_options()).run()


def cmd_demo(args: argparse.Namespace) -> None:
    from app.services.demo import load_demo_organization
    from workers.settings import queue_client, worker_options

    settings = _with_published_services(_settings(args), "demo")
    require_services(settings, "demo")
    use_settings(settings)
    logging.getLogger("arq").setLevel(logging.WARNING)  # its own worker, when no other runs: quiet
    loading = load_demo_organization(
        settings,
        out=lambda line: print(line, flush=True),
        queue_client=queue_client,
        worker_options=worker_options,
    )
    sys.exit(asyncio.run(loading))


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.db import run_migrations

    settings = _with_published_services(_settings(args), "migrate", redis=False)
    require_services(settings, "migrate", redis=False)
    asyncio.run(run_migrations(settings.database_url))
    print("Migrations applied.")


def cmd_bootstrap(args: argparse.Namespace) -> None:
    from app.db import close_db, init_db
    from app.services.organizations import bootstrap_organization

    settings = _with_published_services(_settings(args), "bootstrap", redis=False)
    require_services(settings, "bootstrap", redis=False)
    use_settings(settings)

    async def run() -> dict:
        await init_db(settings.database_url)
        try:
            return (await bootstrap_organization(args.org)).as_json()
        finally:
            await close_db()

    print(json.dumps(asyncio.run(run())))


def cmd_export_schema(args: argparse.Namespace) -> None:
    from app.graphql.export import export_schema

    try:
        Path(args.output).write_text(export_schema())
    except OSError as exc:
        sys.exit(f"metergraph export-schema: cannot write {args.output}: {exc.strerror or exc}")
    print(f"Wrote {args.output}")


def _queue_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--queue-name",
        default=None,
        help="arq queue name (default metergraph:queue); lets several deployments share one Redis",
    )


def _log_level_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def _port(text: str) -> int:
    try:
        return parse_port(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _organization_name(text: str) -> str:
    name = text.strip()
    if not name:
        raise argparse.ArgumentTypeError("an organization needs a name")
    if len(name) > ORGANIZATION_NAME_MAX:
        raise argparse.ArgumentTypeError(f"a name has at most {ORGANIZATION_NAME_MAX} characters, not {len(name)}")
    if any(not character.isprintable() for character in name):
        raise argparse.ArgumentTypeError("a name cannot hold control characters")
    return name


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="metergraph", description="Metergraph usage-based billing engine")
    sub = root.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run everything locally: embedded services, migrations, API and worker")
    dev.add_argument("--port", type=_port, default=None, help="API port (default $PORT, else 8000)")
    dev.add_argument("--data-dir", default=None)
    dev.add_argument("--workers", type=int, default=1, help="number of worker processes (default 1)")
    dev.add_argument("--demo", action="store_true", help="also load the demo organization (as `metergraph demo`)")
    dev.set_defaults(func=cmd_dev)
    serve = sub.add_parser("serve", help="run the API")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=_port, default=None, help="port (default $PORT, else 8000)")
    _log_level_option(serve)
    worker = sub.add_parser("worker", help="run a worker")
    _log_level_option(worker)
    migrate = sub.add_parser("migrate", help="apply migrations")
    boot = sub.add_parser("bootstrap", help="create an organization with an Administrator service user")
    boot.add_argument("--org", required=True, type=_organization_name, help="the new organization's name")
    demo = sub.add_parser("demo", help="load a demo organization with two months of usage and bills")
    for command, func in (
        (dev, cmd_dev),
        (serve, cmd_serve),
        (worker, cmd_worker),
        (migrate, cmd_migrate),
        (boot, cmd_bootstrap),
        (demo, cmd_demo),
    ):
        if command is not dev:
            command.add_argument("--data-dir", default=None)
        if command is not migrate and command is not boot:
            _queue_option(command)
        command.set_defaults(func=func)
    export = sub.add_parser("export-schema", help="write the GraphQL schema")
    export.add_argument("--output", default="schema.graphql")
    export.set_defaults(func=cmd_export_schema)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    # Workers log job failures and ingest warnings through logging; without a handler
    # they would go nowhere.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Tortoise announces every close_connections() at INFO ("Tortoise-ORM shutdown"):
    # `dev` closes after migrating and bootstrapping, which printed it before anything ran.
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    try:
        args.func(args)
    except KeyboardInterrupt:
        # Ctrl-C is how one stops a command, not a crash: no traceback (`dev`'s children
        # get it too when a terminal's Ctrl-C arrives while they are still starting).
        sys.exit(130)


if __name__ == "__main__":
    main()
