"""A new pooled connection knows the array types before its first statement (app/db.py
`prime_array_codecs`): no statement stops to introspect one."""

from __future__ import annotations

import asyncpg
from tortoise import connections

from app.db import PRIMED_ARRAY_TYPES, connection


async def test_a_new_pooled_connection_binds_every_primed_array_type_without_introspecting(app, monkeypatch):
    looked_up: list[set[int]] = []
    introspect = asyncpg.Connection._introspect_types

    async def counted(self, type_oids, timeout):  # noqa: ANN001, ANN202 - asyncpg's own signature
        looked_up.append(set(type_oids))
        return await introspect(self, type_oids, timeout)

    monkeypatch.setattr(asyncpg.Connection, "_introspect_types", counted)
    await connections.get("default")._expire_connections()  # the next acquire connects anew
    async with connection() as conn:
        assert len(looked_up) == 1, "the new connection's set-up looks every type up at once"
        for name in PRIMED_ARRAY_TYPES:
            assert await conn.fetchval(f"SELECT cardinality($1::{name}[])", []) == 0
        assert await conn.fetchval("SELECT cardinality(array_agg(gen_random_uuid()))") == 1
    assert len(looked_up) == 1, f"statements stopped to introspect: {looked_up[1:]}"
