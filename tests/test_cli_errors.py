"""Predictable mistakes with the `metergraph` command get a message saying what to change,
never a traceback: a missing or malformed URL, a database or Redis that does not answer, a
bad port, a data directory that is a file, a bad organization name, an unwritable output.
Each runs the command a user runs (the virtual environment's entry point)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from app.models.organization import Organization

ROOT = Path(__file__).resolve().parents[1]
METERGRAPH = ROOT / ".venv" / "bin" / "metergraph"
# Nothing listens on port 1.
DEAD_DATABASE = "postgresql://postgres:s3cret@127.0.0.1:1/metergraph"
DEAD_REDIS = "redis://127.0.0.1:1/0"
ORGANIZATION_NAME_MAX = Organization._meta.fields_map["name"].max_length


def run(*args: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """`metergraph ARGS` with only the METERGRAPH_* / URL / PORT variables given here."""
    names = ("DATABASE_URL", "REDIS_URL", "PORT")
    base = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("METERGRAPH_")}
    return subprocess.run(
        [str(METERGRAPH), *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def refused(done: subprocess.CompletedProcess, code: int = 1) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr


@pytest.mark.parametrize("command", [["migrate"], ["bootstrap", "--org", "Acme"], ["worker"], ["demo"]])
def test_an_unreachable_database_is_named_with_its_url(tmp_path, service_urls, command):
    err = refused(
        run(*command, "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=DEAD_DATABASE, REDIS_URL=service_urls[1])
    )
    shown = "postgresql://postgres:***@127.0.0.1:1/metergraph"  # the password hidden
    assert f"metergraph {command[0]}: cannot reach PostgreSQL at {shown} (DATABASE_URL)" in err
    assert "s3cret" not in err


@pytest.mark.parametrize("command", [["worker"], ["demo"]])
def test_an_unreachable_redis_is_named_with_its_url(tmp_path, service_urls, command):
    err = refused(
        run(*command, "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=service_urls[0], REDIS_URL=DEAD_REDIS)
    )
    assert f"metergraph {command[0]}: cannot reach Redis at {DEAD_REDIS} (REDIS_URL)" in err


def test_dev_refuses_an_unreachable_redis_url_before_starting_anything(tmp_path, service_urls):
    data_dir = tmp_path / "data"
    urls = {"DATABASE_URL": service_urls[0], "REDIS_URL": DEAD_REDIS}
    err = refused(run("dev", "--port", str(_free_port()), "--data-dir", str(data_dir), cwd=tmp_path, **urls))
    assert f"metergraph dev: cannot reach Redis at {DEAD_REDIS} (REDIS_URL)" in err
    assert "exited with code" not in err  # not a worker dying of it after everything started


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_that_does_not_exist_says_so(tmp_path, service_urls):
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(service_urls[0])
    missing = urlunsplit(parts._replace(path="/metergraph_no_such_database"))
    err = refused(run("migrate", "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=missing))
    assert 'database "metergraph_no_such_database" does not exist' in err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@127.0.0.1/metergraph"),
        ("DATABASE_URL", "localhost:5432"),
        ("REDIS_URL", "127.0.0.1:6379"),
    ],
)
def test_a_url_of_the_wrong_kind_is_refused(tmp_path, service_urls, variable, value):
    urls = {"DATABASE_URL": service_urls[0], "REDIS_URL": service_urls[1], variable: value}
    err = refused(run("worker", "--data-dir", str(tmp_path / "data"), cwd=tmp_path, **urls))
    assert err.startswith(f"metergraph: {variable} must be a URL starting with ")
    assert not (tmp_path / "data").exists()  # refused before the generated key is written


@pytest.mark.parametrize("command", ["worker", "demo"])
def test_a_missing_url_is_named(tmp_path, service_urls, command):
    err = refused(run(command, "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=service_urls[0]))
    assert err.startswith(f"metergraph {command}: REDIS_URL must be set")
    err = refused(run(command, "--data-dir", str(tmp_path), cwd=tmp_path))
    assert err.startswith(f"metergraph {command}: DATABASE_URL and REDIS_URL must be set")


@pytest.mark.parametrize("port", ["abc", "0", "-1", "65536"])
@pytest.mark.parametrize("command", ["dev", "serve"])
def test_a_bad_port_option_is_refused(tmp_path, command, port):
    err = refused(run(command, "--port", port, "--data-dir", str(tmp_path / "data"), cwd=tmp_path), code=2)
    assert f"argument --port: {port!r} is not a port number (1-65535)" in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", ["dev", "serve", "migrate"])
def test_a_bad_port_variable_is_refused(tmp_path, service_urls, command):
    urls = {"DATABASE_URL": service_urls[0], "REDIS_URL": service_urls[1]} if command != "dev" else {}
    err = refused(run(command, "--data-dir", str(tmp_path / "data"), cwd=tmp_path, PORT="eighty", **urls))
    assert err.strip() == "metergraph: PORT='eighty' is not a port number (1-65535)"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("command", ["dev", "serve", "migrate"])
def test_a_data_dir_that_is_a_file_is_refused(tmp_path, service_urls, command):
    urls = {"DATABASE_URL": service_urls[0], "REDIS_URL": service_urls[1]} if command != "dev" else {}
    a_file = tmp_path / "data"
    a_file.write_text("not a directory")
    args = [command, "--data-dir", str(a_file)] + (["--port", str(_free_port())] if command == "dev" else [])
    err = refused(run(*args, cwd=tmp_path, **urls))
    assert f"metergraph: the data directory {a_file} is a file, not a directory" in err
    err = refused(run(*[a if a != str(a_file) else str(a_file / "below") for a in args], cwd=tmp_path, **urls))
    assert f"cannot keep the generated secret key in the data directory {a_file / 'below'} (Not a directory)" in err
    assert a_file.read_text() == "not a directory"


def test_dev_with_a_data_dir_below_a_file_and_a_configured_key(tmp_path):
    a_file = tmp_path / "data"
    a_file.write_text("")
    err = refused(
        run(
            "dev",
            "--port",
            str(_free_port()),
            "--data-dir",
            str(a_file / "below"),
            cwd=tmp_path,
            METERGRAPH_SECRET_KEY="k" * 40,
        )
    )
    assert f"metergraph dev: cannot start the embedded services in {a_file / 'below'}" in err


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "an organization needs a name"),
        ("   ", "an organization needs a name"),
        ("x" * (ORGANIZATION_NAME_MAX + 1), f"a name has at most {ORGANIZATION_NAME_MAX} characters, not 201"),
        ("Acme\nCorp", "a name cannot hold control characters"),
    ],
    ids=["empty", "blank", "too-long", "control"],
)
def test_a_bad_organization_name_is_refused_before_anything_is_written(tmp_path, name, why):
    err = refused(
        run("bootstrap", "--org", name, "--data-dir", str(tmp_path), cwd=tmp_path, DATABASE_URL=DEAD_DATABASE), code=2
    )
    assert f"argument --org: {why}" in err


def test_the_name_limit_is_the_columns():
    from app.cli import ORGANIZATION_NAME_MAX as checked

    assert checked == ORGANIZATION_NAME_MAX


def test_export_schema_to_an_unwritable_place(tmp_path):
    err = refused(run("export-schema", "--output", str(tmp_path), cwd=tmp_path))
    assert err.strip() == f"metergraph export-schema: cannot write {tmp_path}: Is a directory"
    err = refused(run("export-schema", "--output", str(tmp_path / "no" / "schema.graphql"), cwd=tmp_path))
    assert "No such file or directory" in err


def test_a_stale_services_file_of_a_dead_dev_is_named(tmp_path):
    urls = {
        "database_url": f"postgresql://postgres@/metergraph?host={tmp_path}",
        "redis_url": f"unix://{tmp_path}/r.sock",
    }
    (tmp_path / "services.json").write_text(json.dumps(urls))
    err = refused(run("migrate", "--data-dir", str(tmp_path), cwd=tmp_path))
    assert f"published by `metergraph dev` in {tmp_path / 'services.json'}: is it still running?" in err
