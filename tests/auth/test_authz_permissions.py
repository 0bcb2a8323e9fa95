"""Whole types and grants of `PermissionSet` (app/auth/permissions.py), as tables and as
laws over a small universe of actions, types and items."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.auth.permissions import ACTIONS, MANAGED_POLICIES, PermissionSet, Statement
from tests.case_ids import case_id

X, Y = "0b6d6c3e-8d0a-4c3b-9f43-0d8f5a9c0001", "0b6d6c3e-8d0a-4c3b-9f43-0d8f5a9c0002"
ADMIN = PermissionSet(MANAGED_POLICIES["Administrator"])
READ_ONLY = PermissionSet(MANAGED_POLICIES["ReadOnly"])
MANAGER = PermissionSet([Statement.of("ALLOW", ["users:manage", "config:retrieve"], ["*"])])
ADMIN_BUT_X = PermissionSet(
    [*MANAGED_POLICIES["Administrator"], Statement.of("DENY", ["config:retrieve"], [f"config:meter/item/{X}"])]
)
ONLY_X = PermissionSet([Statement.of("ALLOW", ["config:retrieve"], [f"config:meter/item/{X}"])])
NO_METERS = PermissionSet(
    [*MANAGED_POLICIES["Administrator"], Statement.of("DENY", ["config:retrieve"], ["config:meter"])]
)


@pytest.mark.parametrize(
    "holder, action, resource, expected",
    [
        (ADMIN, "*", "*", True),
        (READ_ONLY, "config:retrieve", "*", True),
        (READ_ONLY, "*", "*", False),
        (READ_ONLY, "config:*", "config:meter", False),
        (MANAGER, "*", "*", False),  # the Administrator policy is more than a user manager holds
        (MANAGER, "users:manage", "users:user/*", True),
        (MANAGER, "config:retrieve", f"config:plan/item/{X}", True),
        (MANAGER, "measurements:retrieve", "*", False),  # so ReadOnly cannot be handed out either
        (ADMIN_BUT_X, "*", "*", False),  # its DENY overlaps everything
        (ADMIN_BUT_X, "config:retrieve", "config:meter", False),
        (ADMIN_BUT_X, "config:retrieve", f"config:meter/item/{Y}", True),
        (ADMIN_BUT_X, "config:update", "config:meter", True),
        (ONLY_X, "config:retrieve", f"config:meter/item/{X}", True),
        (ONLY_X, "config:retrieve", "config:meter/*", False),
    ],
    ids=case_id,
)
def test_grants(holder, action, resource, expected):
    assert holder.grants(action, resource) is expected


@pytest.mark.parametrize(
    "holder, expected_some, expected_every",
    [
        (ADMIN, True, True),
        (READ_ONLY, True, True),
        (ADMIN_BUT_X, True, False),
        (ONLY_X, True, False),
        (NO_METERS, False, False),
        (PermissionSet([]), False, False),
    ],
    ids=case_id,
)
def test_a_type_as_a_whole(holder, expected_some, expected_every):
    assert holder.allows_some("config:retrieve", "config:meter/item/*") is expected_some
    assert holder.allows_every_item("config:retrieve", "config:meter/item/*") is expected_every
    assert holder.denies_single_items("config:retrieve", "config:meter/item/*") is (holder is ADMIN_BUT_X)


# ------------------------------------------------------------------------------- laws

TYPES = ("meter", "plan")
IDS = (X, Y)
REQUESTS = [(a, f"{a.split(':')[0]}:{t}/item/{i}") for a in sorted(ACTIONS) for t in TYPES for i in (*IDS, "*")]
RESOURCE_PATTERNS = st.sampled_from(
    [
        "*",
        "config:*",
        "users:*",
        *[f"config:{t}" for t in TYPES],
        *[f"config:{t}/item/{i}" for t in TYPES for i in IDS],
        "users:meter/item/*",
    ]
)
ACTION_PATTERNS = st.sampled_from(["*", "config:*", "users:manage", "config:retrieve", "config:update"])
STATEMENTS = st.builds(
    lambda effect, actions, resources: Statement.of(effect, actions, resources),
    st.sampled_from(["ALLOW", "DENY"]),
    st.lists(ACTION_PATTERNS, min_size=1, max_size=2),
    st.lists(RESOURCE_PATTERNS, min_size=1, max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(held=st.lists(STATEMENTS, max_size=4), action=ACTION_PATTERNS, resource=RESOURCE_PATTERNS)
def test_what_is_granted_is_allowed_everywhere_it_reaches(held, action, resource):
    """grants(a, r) ⇒ every request an ALLOW a on r would allow is allowed to the holder."""
    holder = PermissionSet(held)
    given_away = Statement.of("ALLOW", [action], [resource])
    if holder.grants(action, resource):
        for request in REQUESTS:
            if given_away.matches(*request):
                assert holder.allows(*request), request


@settings(max_examples=300, deadline=None)
@given(held=st.lists(STATEMENTS, max_size=4), rtype=st.sampled_from(TYPES))
def test_whole_type_answers_agree_with_items(held, rtype):
    holder = PermissionSet(held)
    collection = f"config:{rtype}/item/*"
    items = [holder.allows("config:retrieve", f"config:{rtype}/item/{i}") for i in IDS]
    if not holder.allows_some("config:retrieve", collection):
        assert not any(items)
    if holder.allows_every_item("config:retrieve", collection):
        assert all(items) and holder.allows("config:retrieve", collection)
