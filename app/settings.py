"""Runtime settings: the only module that reads ``os.environ``.

Every other module receives a ``Settings`` (or reads ``get_settings()``), so tests and the
CLI can point the whole program at other services without touching the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATA_DIR = ".metergraph"
# Requests larger than this are refused before they are parsed (ingest batches are capped at
# 512,000 bytes by SEMANTICS §6; configuration inputs are far smaller).
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    redis_url: str | None
    secret_key: str
    data_dir: Path
    allowed_origins: tuple[str, ...] = ()
    port: int = 8000
    max_body_bytes: int = MAX_BODY_BYTES
    token_lifetime_seconds: int = 18000
    # How long a process trusts what it read about a principal (key status, policies).
    # SEMANTICS §2.3 allows 60 s for a deactivated key; half of it leaves margin.
    principal_cache_seconds: float = 30.0
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 5000
    # Webhooks to private, loopback and link-local addresses, and over plain http
    # (SEMANTICS §14.3): off in production, on in `metergraph dev` and in tests.
    webhook_allow_private: bool = False
    # Organizations whose administrators may read the deployment's workers and queues
    # (`system`): they are shared by every tenant, so by default nobody's. Ids, or "*" for
    # every organization (a deployment of one tenant; `metergraph dev` and the tests).
    operator_organizations: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def is_operator(self, organization_id: object) -> bool:
        return "*" in self.operator_organizations or str(organization_id) in self.operator_organizations

    def with_services(self, database_url: str, redis_url: str) -> Settings:
        return replace(self, database_url=database_url, redis_url=redis_url)


MIN_SECRET_KEY_LENGTH = 32  # characters: HS256 wants a key of at least its 256-bit output


class SettingsError(SystemExit):
    """A configuration the program must not start with; the message says what to change.
    A SystemExit: whatever command reads the settings stops with the message alone (exit
    status 1), not a traceback, and no `except Exception` on the way swallows it."""

    def __init__(self, message: str) -> None:
        super().__init__(f"metergraph: {message}")


def _secret_key(data_dir: Path) -> str:
    """The signing key: from the environment, else one kept in the data directory.

    Keeping a generated key on disk lets `metergraph dev` restart without invalidating
    the tokens and secret hashes it issued before.
    """
    configured = os.environ.get("METERGRAPH_SECRET_KEY")
    if configured:
        if len(configured) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(
                f"METERGRAPH_SECRET_KEY is {len(configured)} characters long; it must be at least "
                f"{MIN_SECRET_KEY_LENGTH} (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return configured
    key_file = data_dir / "secret_key"
    try:
        if key_file.exists():
            return key_file.read_text().strip()
        data_dir.mkdir(parents=True, exist_ok=True)
        return _create_key_file(key_file)
    except OSError as exc:
        raise SettingsError(
            f"cannot keep the generated secret key in the data directory {data_dir} ({exc.strerror or exc}); "
            "choose a writable directory with --data-dir or METERGRAPH_DATA_DIR, or set METERGRAPH_SECRET_KEY"
        ) from None


def _create_key_file(key_file: Path) -> str:
    """Write a new key readable by its owner only. The file is created with mode 0600
    (never world-readable, not even for an instant) and O_EXCL: if another process
    created it first, its key is the one everybody uses."""
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


def parse_port(text: str) -> int:
    """A TCP port to listen on, 1-65535; ValueError saying so otherwise."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ValueError(f"{text!r} is not a port number (1-65535)")
    return port


def configured_port() -> int:
    try:
        return parse_port(os.environ.get("PORT", "8000"))
    except ValueError as exc:
        raise SettingsError(f"PORT={exc}") from None


# The spellings app.db accepts for PostgreSQL, and those redis-py and arq accept for Redis.
DATABASE_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg", "asyncpg")
REDIS_SCHEMES = ("redis", "rediss", "unix")


def _service_url(variable: str, url: str | None, schemes: tuple[str, ...], example: str) -> str | None:
    url = url or None
    if url is not None and _scheme(url) not in schemes:
        raise SettingsError(
            f"{variable} must be a URL starting with {' or '.join(s + '://' for s in schemes[:2])} "
            f"(e.g. {example}); got {redact_url(url)!r}"
        )
    return url


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme
    except ValueError:  # e.g. an unclosed [IPv6 address
        return ""


def redact_url(url: str) -> str:
    """The URL with its password, if any, replaced by ***: fit for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(a malformed URL)"
    if parts.password:
        return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
    return url


def _data_dir(data_dir: Path | None) -> Path:
    data_dir = (data_dir or Path(os.environ.get("METERGRAPH_DATA_DIR", DEFAULT_DATA_DIR))).resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(
            f"the data directory {data_dir} is a file, not a directory; "
            "choose another with --data-dir or METERGRAPH_DATA_DIR"
        )
    return data_dir


def load_settings(data_dir: Path | None = None) -> Settings:
    """Settings from the environment; `data_dir` (the CLI's `--data-dir`) wins over
    METERGRAPH_DATA_DIR, so a generated secret key lives in the directory chosen."""
    data_dir = _data_dir(data_dir)
    origins = os.environ.get("METERGRAPH_ALLOWED_ORIGINS", "")
    operators = os.environ.get("METERGRAPH_OPERATOR_ORGANIZATIONS", "")
    # Every check before the secret key, which may write a file: a refused start writes nothing.
    database_url = _service_url(
        "DATABASE_URL", os.environ.get("DATABASE_URL"), DATABASE_SCHEMES, "postgresql://user:pass@host:5432/metergraph"
    )
    redis_url = _service_url("REDIS_URL", os.environ.get("REDIS_URL"), REDIS_SCHEMES, "redis://host:6379/0")
    port = configured_port()
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=_secret_key(data_dir),
        data_dir=data_dir,
        allowed_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        port=port,
        webhook_allow_private=os.environ.get("METERGRAPH_WEBHOOK_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes"),
        operator_organizations=tuple(o.strip().lower() for o in operators.split(",") if o.strip()),
    )


_current: Settings | None = None


def get_settings() -> Settings:
    global _current
    if _current is None:
        _current = load_settings()
    return _current


def use_settings(settings: Settings) -> None:
    """Make `settings` the process-wide settings (CLI after starting services, tests)."""
    global _current
    _current = settings
