"""The `metergraph` command (CONTRACT §1): dev, serve, worker, migrate, bootstrap,
export-schema.

Only `dev` starts embedded PostgreSQL and Redis. While it runs it publishes their URLs in
`<data dir>/services.json`, so `metergraph bootstrap` or `migrate` in another terminal
reach the same services; the other commands otherwise need DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import replace
from pathlib import Path

from app.settings import Settings, load_settings, use_settings

SERVICES_FILE = "services.json"


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if getattr(args, "data_dir", None):
        settings = replace(settings, data_dir=Path(args.data_dir).resolve())
    return settings


def _with_published_services(settings: Settings) -> Settings:
    """Fill missing URLs from a running `metergraph dev`, or explain what is needed."""
    published = settings.data_dir / SERVICES_FILE
    if (settings.database_url is None or settings.redis_url is None) and published.exists():
        urls = json.loads(published.read_text())
        settings = settings.with_services(settings.database_url or urls["database_url"], settings.redis_url or urls["redis_url"])
    if settings.database_url is None or settings.redis_url is None:
        sys.exit("DATABASE_URL and REDIS_URL must be set (or run `metergraph dev`, which starts embedded ones).")
    return settings


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


def cmd_dev(args: argparse.Namespace) -> None:
    from app.db import run_migrations
    from app.services_runtime import start_services

    settings = _settings(args)
    settings = replace(settings, port=args.port or settings.port)
    services = start_services(settings.data_dir, database_url=settings.database_url, redis_url=settings.redis_url)
    published = settings.data_dir / SERVICES_FILE
    try:
        settings = settings.with_services(services.database_url, services.redis_url)
        use_settings(settings)
        published.write_text(json.dumps({"database_url": settings.database_url, "redis_url": settings.redis_url}))
        asyncio.run(run_migrations(settings.database_url))
        credentials = asyncio.run(_bootstrap_if_empty(settings))
        print(f"Metergraph is running: GraphiQL at http://127.0.0.1:{settings.port}/graphql", flush=True)
        if credentials:
            print("Administrator credentials (shown once, keep them): " + json.dumps(credentials), flush=True)
        asyncio.run(_serve_with_worker(settings))
    except KeyboardInterrupt:
        pass
    finally:
        published.unlink(missing_ok=True)
        services.stop()
        print("Metergraph stopped.", flush=True)


async def _serve_with_worker(settings: Settings) -> None:
    """API and one worker in one event loop; uvicorn owns the signals, the worker stops
    when the server does."""
    import uvicorn
    from arq.worker import Worker

    from app.main import create_app
    from workers.settings import worker_options

    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=settings.port, log_level="warning"))
    worker = Worker(**worker_options(handle_signals=False))
    worker_task = asyncio.create_task(worker.async_run())
    try:
        await server.serve()
    finally:
        worker_task.cancel()
        await asyncio.gather(worker_task, return_exceptions=True)
        await worker.close()


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.main import create_app

    settings = _with_published_services(_settings(args))
    use_settings(settings)
    uvicorn.run(create_app(settings), host=args.host, port=args.port or settings.port, log_level="info")


def cmd_worker(args: argparse.Namespace) -> None:
    from arq.worker import Worker

    from workers.settings import worker_options

    use_settings(_with_published_services(_settings(args)))
    Worker(**worker_options()).run()


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.db import run_migrations

    settings = _with_published_services(_settings(args))
    asyncio.run(run_migrations(settings.database_url))
    print("Migrations applied.")


def cmd_bootstrap(args: argparse.Namespace) -> None:
    from app.db import close_db, init_db
    from app.services.organizations import bootstrap_organization

    settings = _with_published_services(_settings(args))
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

    Path(args.output).write_text(export_schema())
    print(f"Wrote {args.output}")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="metergraph", description="Metergraph usage-based billing engine")
    sub = root.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run everything locally: embedded services, migrations, API and worker")
    dev.add_argument("--port", type=int, default=None)
    dev.add_argument("--data-dir", default=None)
    dev.set_defaults(func=cmd_dev)
    serve = sub.add_parser("serve", help="run the API")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--data-dir", default=None)
    serve.set_defaults(func=cmd_serve)
    for name, func, text in (("worker", cmd_worker, "run a worker"), ("migrate", cmd_migrate, "apply migrations")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--data-dir", default=None)
        command.set_defaults(func=func)
    boot = sub.add_parser("bootstrap", help="create an organization with an Administrator service user")
    boot.add_argument("--org", required=True)
    boot.add_argument("--data-dir", default=None)
    boot.set_defaults(func=cmd_bootstrap)
    export = sub.add_parser("export-schema", help="write the GraphQL schema")
    export.add_argument("--output", default="schema.graphql")
    export.set_defaults(func=cmd_export_schema)
    return root


def main(argv: list[str] | None = None) -> None:
    import logging

    args = parser().parse_args(argv)
    # Workers log job failures and ingest warnings through logging; without a handler
    # they would go nowhere.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args.func(args)


if __name__ == "__main__":
    main()
