"""Hypothesis strategies shared by the fuzz tests: values for the schema's custom scalars
(as GraphQL value nodes, for hypothesis-graphql) and hostile text."""

from __future__ import annotations

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

# Text that has broken parsers before: NUL and other control characters, lone
# surrogates' neighbours, very long runs, numbers past every column's range.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\u202e",
            "\ufeff",
            "%s%n",
            "' OR 1=1 --",
            "../../etc/passwd",
            "1e20000000",
            "-0",
            "NaN",
            "Infinity",
            "9" * 400,
            "\U0001f4a9" * 50,
            "a" * 5000,
        ]
    ),
)


def _decimal_text() -> st.SearchStrategy[str]:
    exact = st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str)
    return st.one_of(
        exact,
        st.sampled_from(
            [
                "0",
                "0.15",
                "-1",
                "1e20000000",
                "1E-30000",
                "NaN",
                "sNaN",
                "Infinity",
                "1" * 200,
                "0." + "0" * 300 + "1",
                "",
                "abc",
            ]
        ),
    )


def _datetime_text() -> st.SearchStrategy[str]:
    aware = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    return st.one_of(
        aware,
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(
            [
                "2026-01-01T00:00:00Z",
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-12:00",
                "2026-02-30T00:00:00Z",
                "yesterday",
                "",
            ]
        ),
    )


def _date_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(
            ["2026-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2026-13-01", "", "2026-01-01T00:00:00Z"]
        ),
    )


def _json_node() -> st.SearchStrategy[graphql.ValueNode]:
    leaves = st.one_of(
        st.none().map(lambda _: graphql.NullValueNode()),
        st.booleans().map(nodes.Boolean),
        st.integers().map(nodes.Int),
        HOSTILE_TEXT.map(nodes.String),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    )

    def extend(children: st.SearchStrategy[graphql.ValueNode]) -> st.SearchStrategy[graphql.ValueNode]:
        field = st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True), children)
        objects = st.lists(field, max_size=4, unique_by=lambda f: f[0]).map(
            lambda fields: nodes.Object(
                [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in fields]
            )
        )
        return st.one_of(st.lists(children, max_size=4).map(nodes.List), objects)

    return st.recursive(leaves, extend, max_leaves=12)


SCALARS = {
    "Decimal": _decimal_text().map(nodes.String),
    "DateTime": _datetime_text().map(nodes.String),
    "Date": _date_text().map(nodes.String),
    "JSON": _json_node(),
}
