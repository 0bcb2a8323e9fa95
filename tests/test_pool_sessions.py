"""Pooled connections carry no session state (app/db.py `keep_session`).

The pool hands a released connection to the next caller without asyncpg's reset query
(`pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`), so code must never leave
anything on a session that the next caller would inherit. Checked here on the code:
- settings are `SET LOCAL` (ended with the transaction), never plain `SET` or
  `set_config(..., false)`;
- advisory locks are transaction-scoped (`pg_advisory_xact_lock`), never session locks;
- no `LISTEN` and no `WITH HOLD` cursor on them (the webhook listener connects on its own).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SESSION_STATE = {
    "a session setting": re.compile(
        r"""["']\s*SET\s+(?!LOCAL\b|CONSTRAINTS\b|TRANSACTION\b)(SESSION\s+)?[a-z_.]+\s*(=|TO\b)""", re.I
    ),
    "set_config for the session": re.compile(r"set_config\([^)]*,\s*false\s*\)", re.I),
    "a session advisory lock": re.compile(r"pg_(try_)?advisory_(un)?lock(_shared)?\s*\(", re.I),
    "LISTEN": re.compile(r"""["']\s*LISTEN\s""", re.I),
    "a cursor WITH HOLD": re.compile(r"WITH\s+HOLD", re.I),
}
# The webhook listener's LISTEN is on a connection of its own (asyncpg.connect), not pooled.
OWN_CONNECTIONS = {"app/services/webhooks/listener.py"}


def _sources() -> list[Path]:
    return [p for folder in ("app", "workers") for p in sorted((ROOT / folder).rglob("*.py"))]


def test_the_code_leaves_no_session_state_on_pooled_connections():
    found = []
    for path in _sources():
        name = path.relative_to(ROOT).as_posix()
        text = path.read_text()
        for what, pattern in SESSION_STATE.items():
            for match in pattern.finditer(text):
                if name not in OWN_CONNECTIONS:
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{name}:{line}: {what}: {match.group(0).strip()}")
    assert found == []


def test_the_patterns_find_what_they_are_for():
    """The check above can fail: each pattern finds its own example."""
    examples = {
        "a session setting": 'await conn.execute("SET statement_timeout = 5")',
        "set_config for the session": "SELECT set_config('app.org', $1, false)",
        "a session advisory lock": "SELECT pg_advisory_lock(42)",
        "LISTEN": "await conn.execute('LISTEN metergraph_events')",
        "a cursor WITH HOLD": "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
    }
    assert {what: bool(SESSION_STATE[what].search(text)) for what, text in examples.items()} == dict.fromkeys(
        examples, True
    )
    allowed = ["\"SET LOCAL lock_timeout = '5s'\"", "pg_advisory_xact_lock(1)", "UPDATE bills SET locked = true"]
    assert not any(p.search(text) for p in SESSION_STATE.values() for text in allowed)
