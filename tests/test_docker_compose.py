"""docker-compose.yml is consistent with the code: commands exist, env vars are read,
service hosts and dependencies name real services."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from app.cli import parser

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = ("api", "worker")
REQUIRED_ENV = ("DATABASE_URL", "REDIS_URL", "METERGRAPH_SECRET_KEY")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _subcommands() -> set[str]:
    root = parser()
    (sub,) = [a for a in root._actions if a.dest == "command"]
    return set(sub.choices)


def _metergraph_invocations(command) -> list[list[str]]:
    """Every `metergraph ...` invocation in a service command (list or string form,
    through `sh -c` and `&&` chains)."""
    if isinstance(command, list):
        text = command[-1] if command[:2] == ["sh", "-c"] else shlex.join(command)
    else:
        text = command
    invocations = []
    for part in re.split(r"&&|\|\||;", text):
        words = shlex.split(part)
        if words and words[0] == "metergraph":
            invocations.append(words[1:])
    return invocations


def test_services_exist(compose):
    assert {"postgres", "redis", "api", "worker"} <= set(compose["services"])


def test_subcommands_match_the_cli(compose):
    available = _subcommands()
    assert {"serve", "worker", "migrate"} <= available
    api = _metergraph_invocations(compose["services"]["api"]["command"])
    worker = _metergraph_invocations(compose["services"]["worker"]["command"])
    assert [args[0] for args in api] == ["migrate", "serve"]
    assert [args[0] for args in worker] == ["worker"]
    for args in api + worker:
        assert args[0] in available
        parser().parse_args(args)  # the options parse too (exits on an unknown one)
    serve = parser().parse_args(api[1])
    assert serve.port == 8000


def test_app_services_set_the_environment_settings_reads(compose):
    source = (ROOT / "app" / "settings.py").read_text()
    read = set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z_]+)[\"']", source))
    assert set(REQUIRED_ENV) <= read
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert isinstance(env, dict), f"{name}: environment must be a mapping"
        for var in REQUIRED_ENV:
            assert env.get(var), f"{name} does not set {var}"
        # Every METERGRAPH_* / URL variable set is one the code reads.
        for var in env:
            assert var in read, f"{name} sets {var}, which app/settings.py never reads"


def test_service_urls_point_at_compose_services(compose):
    services = set(compose["services"])
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        database, redis = urlsplit(env["DATABASE_URL"]), urlsplit(env["REDIS_URL"])
        assert database.scheme in ("postgresql", "postgres") and database.hostname == "postgres"
        assert redis.scheme == "redis" and redis.hostname == "redis"
        assert {database.hostname, redis.hostname} <= services
        assert database.port == 5432 and redis.port == 6379
    pg = compose["services"]["postgres"]["environment"]
    database = urlsplit(compose["services"]["api"]["environment"]["DATABASE_URL"])
    assert (database.username, database.password, database.path.lstrip("/")) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
        pg["POSTGRES_DB"],
    )


def test_healthchecks(compose):
    for name, service in compose["services"].items():
        if name == "worker":
            assert "healthcheck" not in service
        else:
            assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    api_check = " ".join(compose["services"]["api"]["healthcheck"]["test"])
    assert "/healthz" in api_check and ":8000" in api_check


def test_depends_on_names_existing_services(compose):
    services = set(compose["services"])
    for name, service in compose["services"].items():
        depends = service.get("depends_on", {})
        names = list(depends) if isinstance(depends, (dict, list)) else []
        assert set(names) <= services - {name}, f"{name} depends on {set(names) - services}"
        if isinstance(depends, dict):
            for dep, condition in depends.items():
                if condition.get("condition") == "service_healthy":
                    assert "healthcheck" in compose["services"][dep], (
                        f"{name} waits for {dep}, which has no healthcheck"
                    )
    assert set(compose["services"]["api"]["depends_on"]) == {"postgres", "redis"}
    assert set(compose["services"]["worker"]["depends_on"]) >= {"postgres", "redis"}
