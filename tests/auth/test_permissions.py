"""Table tests for app.auth.permissions (SEMANTICS §2.3 permission policies)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.auth.permissions import (
    ACTIONS,
    MANAGED_POLICIES,
    Effect,
    PermissionSet,
    Statement,
    action_matches,
    is_allowed,
    is_managed_policy,
    normalize_action,
    normalize_resource,
    parse_statements,
    resource_matches,
)
from tests.case_ids import case_id

A = Effect.ALLOW
D = Effect.DENY
U1 = "0b6f3c1e-4a4e-4f52-9d0c-2f7f1f0f1a11"
U2 = "7d1e5a2b-9c3f-4b8e-8a6d-1e2f3a4b5c66"
METER_1 = f"config:meter/item/{U1}"
METER_2 = f"config:meter/item/{U2}"
METERS = "config:meter/item/*"
PLAN_1 = f"config:plan/item/{U1}"
PLANS = "config:plan/item/*"
MEASUREMENTS = "measurements:measurement/item/*"
USER_1 = f"users:user/item/{U1}"


def S(effect: Effect, actions: list[str], resources: list[str]) -> Statement:
    return Statement.of(effect, actions, resources)


# ----------------------------------------------------------------------- actions


def test_actions_are_the_nine_canonical_ones() -> None:
    assert ACTIONS == {
        "config:create",
        "config:retrieve",
        "config:update",
        "config:delete",
        "measurements:upload",
        "measurements:retrieve",
        "bills:run",
        "bills:approve",
        "users:manage",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("config:create", "config:create"),
        ("CONFIG_CREATE", "config:create"),
        ("CONFIG_RETRIEVE", "config:retrieve"),
        ("CONFIG_UPDATE", "config:update"),
        ("CONFIG_DELETE", "config:delete"),
        ("MEASUREMENTS_UPLOAD", "measurements:upload"),
        ("MEASUREMENTS_RETRIEVE", "measurements:retrieve"),
        ("BILLS_RUN", "bills:run"),
        ("BILLS_APPROVE", "bills:approve"),
        ("USERS_MANAGE", "users:manage"),
        ("users:manage", "users:manage"),
        ("*", "*"),
        ("config:*", "config:*"),
        ("measurements:*", "measurements:*"),
        ("bills:*", "bills:*"),
        ("users:*", "users:*"),
    ],
    ids=case_id,
)
def test_normalize_action_accepts(text: str, expected: str) -> None:
    assert normalize_action(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "config:create ",
        " config:create",
        "Config:Create",
        "config_create",
        "CONFIG:CREATE",
        "config:destroy",
        "CONFIG_DESTROY",
        "config",
        "config:",
        "foo:*",
        "**",
        "*:*",
        "config:cre*",
        "users:manage\n",
    ],
    ids=case_id,
)
def test_normalize_action_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        normalize_action(text)


def test_normalize_action_message_names_the_action() -> None:
    with pytest.raises(ValueError) as info:
        normalize_action("x")
    assert str(info.value) == "unknown action 'x'"


@pytest.mark.parametrize("value", [None, 1, ["config:create"]], ids=case_id)
def test_normalize_action_rejects_non_strings(value: object) -> None:
    with pytest.raises(TypeError):
        normalize_action(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", "config:create", True),
        ("*", "users:manage", True),
        ("config:*", "config:create", True),
        ("config:*", "config:delete", True),
        ("config:*", "measurements:upload", False),
        ("bills:*", "bills:approve", True),
        ("bills:*", "config:retrieve", False),
        ("config:create", "config:create", True),
        ("config:create", "CONFIG_CREATE", True),
        ("CONFIG_CREATE", "config:create", True),
        ("config:create", "config:update", False),
        ("measurements:retrieve", "config:retrieve", False),
        ("users:*", "users:manage", True),
    ],
    ids=case_id,
)
def test_action_matches(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


@pytest.mark.parametrize(
    ("pattern", "action"),
    [("config:nope", "config:create"), ("*", "config:nope"), ("*", "*"), ("*", "config:*")],
    ids=case_id,
)
def test_action_matches_rejects_bad_input(pattern: str, action: str) -> None:
    with pytest.raises(ValueError):
        action_matches(pattern, action)


# --------------------------------------------------------------------- resources


@pytest.mark.parametrize(
    "text",
    [
        "*",
        "config:*",
        "config:meter",
        "config:meter/*",
        "config:meter/item/*",
        f"config:plan/item/{U1}",
        "config:*/*",
        "config:*/item/*",
        f"config:*/item/{U1}",
        "measurements:*",
        "bills:bill/item/abc_123.x-y",
        "users:user",
        "config:planTemplate_2/item/A1",
    ],
    ids=case_id,
)
def test_normalize_resource_accepts_unchanged(text: str) -> None:
    assert normalize_resource(text) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must not be empty"),
        (" *", "whitespace"),
        ("* ", "whitespace"),
        ("config:meter/* ", "whitespace"),
        ("\tconfig:meter", "whitespace"),
        ("meter", "must be '\\*' or look like"),
        ("**", "must be '\\*' or look like"),
        ("billing:meter", "unknown service 'billing'"),
        ("CONFIG:meter", "unknown service 'CONFIG'"),
        (":meter", "unknown service ''"),
        ("*:meter", "unknown service"),
        ("config:", "invalid resource type ''"),
        ("config:1meter", "invalid resource type '1meter'"),
        ("config:me*", "invalid resource type 'me\\*'"),
        ("config:me ter", "invalid resource type"),
        ("config:meter/", "after the type"),
        ("config:meter/item", "after the type"),
        ("config:meter/items/abc", "after the type"),
        ("config:meter/item/abc/def", "after the type"),
        ("config:meter/**", "after the type"),
        ("config:meter//item/x", "after the type"),
        ("config:meter/item/", "invalid item id ''"),
        ("config:meter/item/ab*", "invalid item id 'ab\\*'"),
        ("config:meter/item/a b", "invalid item id"),
        ("config:meter/item/-abc", "invalid item id"),
        ("config:meter/item/" + "a" * 600, "longer than"),
    ],
    ids=case_id,
)
def test_normalize_resource_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalize_resource(text)


def test_normalize_resource_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        normalize_resource(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        # '*' matches everything
        ("*", METER_1, True),
        ("*", METERS, True),
        ("*", USER_1, True),
        # service wildcard
        ("config:*", METER_1, True),
        ("config:*", PLANS, True),
        ("config:*", MEASUREMENTS, False),
        ("config:*", USER_1, False),
        ("users:*", USER_1, True),
        # type, with or without '/*' / '/item/*': collection and every item
        ("config:meter", METER_1, True),
        ("config:meter", METERS, True),
        ("config:meter", PLAN_1, False),
        ("config:meter/*", METER_1, True),
        ("config:meter/*", METER_2, True),
        ("config:meter/*", METERS, True),
        ("config:meter/*", PLAN_1, False),
        ("config:meter/*", PLANS, False),
        ("config:meter/item/*", METER_1, True),
        ("config:meter/item/*", METERS, True),
        ("config:meter/item/*", PLANS, False),
        # one item: that item only, never the collection
        (f"config:meter/item/{U1}", METER_1, True),
        (f"config:meter/item/{U1}", METER_2, False),
        (f"config:meter/item/{U1}", METERS, False),
        (f"config:meter/item/{U1}", PLAN_1, False),
        (f"config:meter/item/{U1.upper()}", METER_1, True),  # ids compare case-insensitively
        # same type name in another service is another resource
        ("bills:meter/*", METER_1, False),
        # wildcard type
        ("config:*/*", PLAN_1, True),
        (f"config:*/item/{U1}", PLAN_1, True),
        (f"config:*/item/{U1}", METER_1, True),
        (f"config:*/item/{U1}", METER_2, False),
        (f"config:*/item/{U1}", PLANS, False),
        # no prefix tricks: 'config:meter' does not cover 'config:meterX'
        ("config:meter", "config:meterX/item/*", False),
        ("config:meter/*", f"config:meterX/item/{U1}", False),
    ],
    ids=case_id,
)
def test_resource_matches(pattern: str, resource: str, expected: bool) -> None:
    assert resource_matches(pattern, resource) is expected


@pytest.mark.parametrize(
    "resource",
    ["*", "config:*", "config:meter", "config:meter/*", "config:*/item/*", "nope", ""],
    ids=case_id,
)
def test_resource_matches_non_concrete_request_never_matches(resource: str) -> None:
    assert resource_matches("*", resource) is False


def test_resource_matches_rejects_bad_pattern() -> None:
    with pytest.raises(ValueError):
        resource_matches("config:meter/item/a*", METER_1)


# -------------------------------------------------------------------- statements


def test_statement_of_normalizes_and_dedupes() -> None:
    s = Statement.of("DENY", ["CONFIG_CREATE", "config:create", "bills:*"], ["*", "*"])
    assert s.effect is Effect.DENY
    assert s.actions == ("config:create", "bills:*")
    assert s.resources == ("*",)
    assert s == Statement(Effect.DENY, ("config:create", "bills:*"), ("*",))
    assert hash(s) == hash(Statement(Effect.DENY, ("config:create", "bills:*"), ("*",)))
    assert s.to_dict() == {"effect": "DENY", "action": ["config:create", "bills:*"], "resource": ["*"]}


@pytest.mark.parametrize(
    ("effect", "actions", "resources", "error"),
    [
        (A, [], ["*"], ValueError),
        (A, ["*"], [], ValueError),
        ("allow", ["*"], ["*"], ValueError),
        ("MAYBE", ["*"], ["*"], ValueError),
        (A, ["config:nope"], ["*"], ValueError),
        (A, ["*"], ["config:meter/"], ValueError),
        (A, "config:create", ["*"], TypeError),  # a bare string is not a list
        (A, ["*"], "*", TypeError),
    ],
    ids=case_id,
)
def test_statement_of_rejects(effect, actions, resources, error) -> None:
    with pytest.raises(error):
        Statement.of(effect, actions, resources)


def test_statement_is_frozen() -> None:
    s = S(A, ["*"], ["*"])
    with pytest.raises(AttributeError):
        s.effect = D  # type: ignore[misc]


# -------------------------------------------------------------------- is_allowed

ALLOW_ALL = S(A, ["*"], ["*"])
SCENARIOS: dict[str, list[Statement]] = {
    "none": [],
    "allow_all": [ALLOW_ALL],
    "meter_retrieve": [S(A, ["config:retrieve"], ["config:meter/*"])],
    "one_meter_update": [S(A, ["config:update"], [f"config:meter/item/{U1}"])],
    "deny_one_meter": [ALLOW_ALL, S(D, ["*"], [f"config:meter/item/{U1}"])],
    "deny_meter_collection": [ALLOW_ALL, S(D, ["config:create"], ["config:meter/item/*"])],
    "deny_only": [S(D, ["config:delete"], ["*"])],
    "config_wildcard": [S(A, ["config:*"], ["config:*"])],
    "upper_snake": [S(A, ["CONFIG_UPDATE", "BILLS_RUN"], ["*"])],
    "deny_first_then_allow": [S(D, ["config:update"], ["config:plan"]), ALLOW_ALL],
    "deny_other_action": [ALLOW_ALL, S(D, ["config:delete"], ["config:meter/*"])],
}


@pytest.mark.parametrize(
    ("scenario", "action", "resource", "expected"),
    [
        # no statements / no ALLOW -> denied
        ("none", "config:retrieve", METER_1, False),
        ("deny_only", "config:retrieve", METER_1, False),
        ("deny_only", "config:delete", METER_1, False),
        # ALLOW * on *
        ("allow_all", "config:create", METERS, True),
        ("allow_all", "users:manage", USER_1, True),
        ("allow_all", "bills:approve", "bills:bill/item/x1", True),
        # ALLOW on a type
        ("meter_retrieve", "config:retrieve", METER_1, True),
        ("meter_retrieve", "config:retrieve", METERS, True),
        ("meter_retrieve", "config:retrieve", PLAN_1, False),
        ("meter_retrieve", "config:update", METER_1, False),
        # ALLOW on one item
        ("one_meter_update", "config:update", METER_1, True),
        ("one_meter_update", "config:update", METER_2, False),
        ("one_meter_update", "config:update", METERS, False),
        ("one_meter_update", "config:retrieve", METER_1, False),
        # DENY on one item beats ALLOW *: that item denied, others allowed
        ("deny_one_meter", "config:retrieve", METER_1, False),
        ("deny_one_meter", "config:delete", METER_1, False),
        ("deny_one_meter", "config:retrieve", METER_2, True),
        ("deny_one_meter", "config:retrieve", METERS, True),
        ("deny_one_meter", "config:retrieve", PLAN_1, True),
        # DENY on the collection: create/list of meters denied, items still allowed
        ("deny_meter_collection", "config:create", METERS, False),
        ("deny_meter_collection", "config:create", METER_1, False),  # collection covers items
        ("deny_meter_collection", "config:create", PLANS, True),
        ("deny_meter_collection", "config:retrieve", METERS, True),
        # service wildcards
        ("config_wildcard", "config:delete", PLAN_1, True),
        ("config_wildcard", "config:create", METERS, True),
        ("config_wildcard", "measurements:upload", MEASUREMENTS, False),
        ("config_wildcard", "config:retrieve", MEASUREMENTS, False),
        ("config_wildcard", "users:manage", USER_1, False),
        # upper-snake forms in statements and in the request
        ("upper_snake", "config:update", METER_1, True),
        ("upper_snake", "CONFIG_UPDATE", METER_1, True),
        ("upper_snake", "BILLS_RUN", "bills:bill/item/*", True),
        ("upper_snake", "config:create", METERS, False),
        # order does not matter
        ("deny_first_then_allow", "config:update", PLAN_1, False),
        ("deny_first_then_allow", "config:update", METER_1, True),
        # a DENY for another action does not deny this one
        ("deny_other_action", "config:update", METER_1, True),
        ("deny_other_action", "config:delete", METER_1, False),
        ("deny_other_action", "config:delete", PLAN_1, True),
        # non-concrete request resources are never allowed (fail closed)
        ("allow_all", "config:retrieve", "*", False),
        ("allow_all", "config:retrieve", "config:meter/*", False),
        ("allow_all", "config:retrieve", "config:meter/item/a/b", False),
        ("allow_all", "config:retrieve", "nope:meter/item/*", False),
    ],
    ids=case_id,
)
def test_is_allowed(scenario: str, action: str, resource: str, expected: bool) -> None:
    statements = SCENARIOS[scenario]
    assert is_allowed(statements, action, resource) is expected
    assert is_allowed(iter(statements), action, resource) is expected  # any iterable
    assert PermissionSet.from_statements(statements).allows(action, resource) is expected


@pytest.mark.parametrize("action", ["*", "config:*", "config:nope", "", "config:create "], ids=case_id)
def test_is_allowed_rejects_non_concrete_actions(action: str) -> None:
    with pytest.raises(ValueError):
        is_allowed([ALLOW_ALL], action, METER_1)
    with pytest.raises(ValueError):
        PermissionSet.from_statements([ALLOW_ALL]).allows(action, METER_1)


# -------------------------------------------------------------- managed policies


def test_managed_policy_names() -> None:
    assert set(MANAGED_POLICIES) == {"Administrator", "ReadOnly", "IngestOnly"}
    assert is_managed_policy("ReadOnly") is True
    assert is_managed_policy("readonly") is False
    with pytest.raises(TypeError):
        MANAGED_POLICIES["Custom"] = ()  # type: ignore[index]


EVERY_REQUEST = [
    ("config:create", METERS),
    ("config:retrieve", METER_1),
    ("config:update", PLAN_1),
    ("config:delete", METER_2),
    ("measurements:upload", MEASUREMENTS),
    ("measurements:retrieve", MEASUREMENTS),
    ("bills:run", "bills:bill/item/*"),
    ("bills:approve", f"bills:bill/item/{U1}"),
    ("users:manage", USER_1),
]
assert {a for a, _ in EVERY_REQUEST} == ACTIONS

MANAGED_EXPECTED = {
    "Administrator": set(ACTIONS),
    "ReadOnly": {"config:retrieve", "measurements:retrieve"},
    "IngestOnly": {"measurements:upload"},
}


@pytest.mark.parametrize("policy", sorted(MANAGED_EXPECTED), ids=case_id)
@pytest.mark.parametrize(("action", "resource"), EVERY_REQUEST, ids=case_id)
def test_managed_policies(policy: str, action: str, resource: str) -> None:
    expected = action in MANAGED_EXPECTED[policy]
    statements = MANAGED_POLICIES[policy]
    assert is_allowed(statements, action, resource) is expected
    assert PermissionSet.from_statements(statements).allows(action, resource) is expected


@pytest.mark.parametrize(
    ("policy", "action", "resource", "expected"),
    [
        ("Administrator", "users:manage", USER_1, True),
        ("ReadOnly", "config:retrieve", METER_1, True),
        ("ReadOnly", "config:update", METER_1, False),
        ("ReadOnly", "measurements:upload", MEASUREMENTS, False),
        ("IngestOnly", "measurements:upload", MEASUREMENTS, True),
        ("IngestOnly", "measurements:retrieve", MEASUREMENTS, False),
        ("IngestOnly", "config:retrieve", METER_1, False),
    ],
    ids=case_id,
)
def test_managed_policies_named_cases(policy: str, action: str, resource: str, expected: bool) -> None:
    assert is_allowed(MANAGED_POLICIES[policy], action, resource) is expected


# ------------------------------------------------------- several policies combined

COMBINED = [*MANAGED_POLICIES["ReadOnly"], S(D, ["*"], ["config:plan/*"])]
COMBINED_ADMIN = [
    *MANAGED_POLICIES["Administrator"],
    *MANAGED_POLICIES["IngestOnly"],
    S(D, ["measurements:upload"], ["*"]),
]


@pytest.mark.parametrize(
    ("statements", "action", "resource", "expected"),
    [
        (COMBINED, "config:retrieve", METER_1, True),
        (COMBINED, "config:retrieve", METERS, True),
        (COMBINED, "config:retrieve", PLAN_1, False),
        (COMBINED, "config:retrieve", PLANS, False),
        (COMBINED, "config:update", METER_1, False),
        (COMBINED, "measurements:retrieve", MEASUREMENTS, True),
        (COMBINED_ADMIN, "measurements:upload", MEASUREMENTS, False),
        (COMBINED_ADMIN, "config:update", PLAN_1, True),
        (COMBINED_ADMIN, "users:manage", USER_1, True),
    ],
    ids=case_id,
)
def test_several_policies_combined(statements, action, resource, expected) -> None:
    assert is_allowed(statements, action, resource) is expected
    assert PermissionSet.from_statements(statements).allows(action, resource) is expected


# -------------------------------------------------------------- parse_statements


def test_parse_statements_valid() -> None:
    statements, problems = parse_statements(
        [
            {"effect": "ALLOW", "action": ["CONFIG_RETRIEVE", "config:update"], "resource": ["config:meter/*"]},
            {"effect": "DENY", "action": ["*"], "resource": [f"config:meter/item/{U1}"]},
        ]
    )
    assert problems == []
    assert statements == [
        Statement(A, ("config:retrieve", "config:update"), ("config:meter/*",)),
        Statement(D, ("*",), (f"config:meter/item/{U1}",)),
    ]


def test_parse_statements_collects_every_problem_with_paths() -> None:
    statements, problems = parse_statements(
        [
            {"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["*"]},  # fine
            {"effect": "allow", "action": ["config:create", "config:nope"], "resource": ["config:meter/"]},
            {"action": "config:create", "resource": []},
            "not an object",
            {"effect": "DENY", "actions": ["*"], "resource": ["*", 7, " *"]},
        ]
    )
    assert statements == [Statement(A, ("config:retrieve",), ("*",))]
    paths = [path for path, _ in problems]
    assert paths == [
        ["1", "effect"],
        ["1", "action", "1"],
        ["1", "resource", "0"],
        ["2", "effect"],
        ["2", "action"],
        ["2", "resource"],
        ["3"],
        ["4", "actions"],
        ["4", "action"],
        ["4", "resource", "1"],
        ["4", "resource", "2"],
    ]
    messages = dict((tuple(path), message) for path, message in problems)
    assert messages[("1", "effect")] == "effect must be 'ALLOW' or 'DENY'"
    assert messages[("1", "action", "1")] == "unknown action 'config:nope'"
    assert "after the type" in messages[("1", "resource", "0")]
    assert messages[("2", "effect")] == "effect is required"
    assert messages[("2", "action")] == "action must be a list of strings"
    assert messages[("2", "resource")] == "resource must not be empty"
    assert messages[("3",)] == "statement must be an object"
    assert "unknown field" in messages[("4", "actions")]
    assert messages[("4", "action")] == "action is required"
    assert messages[("4", "resource", "1")] == "resource entries must be strings"
    assert "whitespace" in messages[("4", "resource", "2")]


@pytest.mark.parametrize("raw", [None, "ALLOW", {"effect": "ALLOW"}, 5], ids=case_id)
def test_parse_statements_not_a_list(raw) -> None:
    statements, problems = parse_statements(raw)  # type: ignore[arg-type]
    assert statements == []
    assert problems == [([], "statements must be a list")]


def test_parse_statements_empty_list_is_fine() -> None:
    assert parse_statements([]) == ([], [])


@pytest.mark.parametrize("effect", [None, 1, ["ALLOW"], "Allow", " ALLOW"], ids=case_id)
def test_parse_statements_bad_effects(effect) -> None:
    statements, problems = parse_statements([{"effect": effect, "action": ["*"], "resource": ["*"]}])
    assert statements == []
    assert problems == [(["0", "effect"], "effect must be 'ALLOW' or 'DENY'")]


# ---------------------------------------------------------------- PermissionSet


def test_permission_set_fast_path_for_administrator() -> None:
    ps = PermissionSet.from_statements(MANAGED_POLICIES["Administrator"])
    assert ps.allows("users:manage", USER_1) is True
    assert ps.allows("USERS_MANAGE", USER_1) is True
    assert ps.allows("users:manage", "users:user") is False  # still fail closed
    with pytest.raises(ValueError):
        ps.allows("users:nope", USER_1)


def test_permission_set_keeps_statements() -> None:
    statements = [ALLOW_ALL, S(D, ["config:delete"], ["*"])]
    ps = PermissionSet.from_statements(iter(statements))
    assert ps.statements == tuple(statements)
    assert ps.allows("config:delete", METER_1) is False
    assert ps.allows("config:update", METER_1) is True


# Hypothesis: PermissionSet agrees with is_allowed; DENY only removes, ALLOW only adds.

_SERVICES = ["config", "measurements", "bills", "users"]
_TYPES = ["meter", "plan", "Meter"]
_IDS = ["a1", "b2", "A1"]

action_patterns = st.sampled_from(
    sorted(ACTIONS) + ["*"] + [f"{s}:*" for s in _SERVICES] + ["CONFIG_CREATE", "USERS_MANAGE"]
)
resource_patterns = st.one_of(
    st.just("*"),
    st.builds(lambda s: f"{s}:*", st.sampled_from(_SERVICES)),
    st.builds(
        lambda s, t, tail: f"{s}:{t}{tail}",
        st.sampled_from(_SERVICES),
        st.sampled_from(_TYPES + ["*"]),
        st.sampled_from(["", "/*", "/item/*"] + [f"/item/{i}" for i in _IDS]),
    ),
)
statements_st = st.builds(
    Statement.of,
    st.sampled_from([A, D]),
    st.lists(action_patterns, min_size=1, max_size=3),
    st.lists(resource_patterns, min_size=1, max_size=3),
)
request_actions = st.sampled_from(sorted(ACTIONS) + ["BILLS_RUN", "CONFIG_DELETE"])
request_resources = st.one_of(
    st.builds(
        lambda s, t, i: f"{s}:{t}/item/{i}",
        st.sampled_from(_SERVICES),
        st.sampled_from(_TYPES),
        st.sampled_from(_IDS + ["*"]),
    ),
    st.sampled_from(["*", "config:meter", "config:meter/*", "bad"]),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(statements_st, max_size=6),
    st.lists(st.tuples(request_actions, request_resources), min_size=1, max_size=8),
)
def test_permission_set_agrees_with_is_allowed(statements, requests) -> None:
    ps = PermissionSet.from_statements(statements)
    for action, resource in requests:
        assert ps.allows(action, resource) is is_allowed(statements, action, resource)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(statements_st, max_size=5),
    statements_st,
    request_actions,
    request_resources,
)
def test_deny_never_grants_and_allow_never_revokes(statements, extra, action, resource) -> None:
    before = is_allowed(statements, action, resource)
    after = is_allowed([*statements, extra], action, resource)
    if extra.effect is Effect.DENY:
        assert not (after and not before)
        if extra.matches(action, resource):
            assert after is False
    else:
        assert not (before and not after)
        if extra.matches(action, resource) and not any(
            s.effect is Effect.DENY and s.matches(action, resource) for s in statements
        ):
            assert after is True
