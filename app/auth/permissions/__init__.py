"""Permission policies: pure evaluation of ALLOW/DENY statements (SEMANTICS §2.3).

This package is self-contained (standard library only) and does no I/O: callers load
the statements of every policy attached to a principal (user or service user) and ask
whether an *action* on a *resource* is allowed.

Statements
    ``Statement(effect, actions, resources)``: ``effect`` is ``ALLOW`` or ``DENY``;
    ``actions`` and ``resources`` are non-empty tuples of validated patterns. A
    statement *matches* a request when one of its actions matches the request's
    action AND one of its resources matches the request's resource (``statements``).

Actions
    The nine canonical actions are in :data:`ACTIONS` (``config:create``,
    ``config:retrieve``, ``config:update``, ``config:delete``, ``measurements:upload``,
    ``measurements:retrieve``, ``bills:run``, ``bills:approve``, ``users:manage``).
    The upper-snake forms (``CONFIG_CREATE`` ...) are accepted and normalized to the
    canonical form. Action *patterns* may also be ``*`` (every action) or a service
    wildcard such as ``config:*`` (every ``config:`` action). Spelling is exact: no
    other casing, no surrounding whitespace.

Resource patterns (in statements)
    ``*``                        every resource
    ``config:*``                 every resource of the service
    ``config:meter``             every meter: the collection and every item
    ``config:meter/*``           same as ``config:meter``
    ``config:meter/item/*``      same as ``config:meter``
    ``config:meter/item/<id>``   that one item only (NOT the collection)
    The service is one of ``config``, ``measurements``, ``bills``, ``users``; the type
    is ``[A-Za-z][A-Za-z0-9_]*`` or ``*``; an id is ``[A-Za-z0-9][A-Za-z0-9_.-]*`` (a
    UUID in practice) or ``*``. Nothing else is accepted (no partial globs such as
    ``me*``), and nothing is stripped.

Resources being checked (requests)
    Always concrete: ``config:meter/item/<id>`` for one item, or
    ``config:meter/item/*`` for "the collection / a new item" (list and create checks).
    A request resource that does not have this shape is never allowed (fail closed).
    A request action must be one of the nine concrete actions (either spelling);
    anything else is a programming error and raises ``ValueError``.

Matching
    Segment-wise (service, type, id), never via regular expressions built from user
    text. The service is compared exactly; the type and the id are compared
    case-insensitively, so a DENY on ``config:plan/item/<UUID in upper case>`` also
    covers the same UUID in lower case.

Decision
    An explicit DENY that matches (action and resource) beats any ALLOW; otherwise the
    request is allowed iff at least one ALLOW matches; no matching ALLOW means denied.

Managed policies
    :data:`MANAGED_POLICIES` holds the policies that always exist and cannot be edited:
    ``Administrator`` (ALLOW ``*`` on ``*``), ``ReadOnly`` (ALLOW ``config:retrieve``
    and ``measurements:retrieve`` on ``*``) and ``IngestOnly`` (ALLOW
    ``measurements:upload`` on ``*``).

Fast path
    :class:`PermissionSet` is built once per principal from all its statements and
    answers :meth:`PermissionSet.allows` with the same result as :func:`is_allowed`,
    but with per-action precomputed allow/deny pattern lists.

Whole types and grants
    :meth:`PermissionSet.allows_some` answers whether any item of a type could be
    allowed (a read by code, before the item is known); :meth:`PermissionSet.grants`
    whether the set holds everything an ALLOW statement would give, which bounds what
    a principal may hand out to others (attach a policy, invite, write a policy).

Client input
    :func:`parse_statements` turns ``[{effect, action: [...], resource: [...]}]`` into
    statements and collects every problem as ``(path, message)`` without raising.
"""

from app.auth.permissions.actions import ACTIONS, SERVICES, action_matches, normalize_action
from app.auth.permissions.parsing import parse_statements
from app.auth.permissions.permission_set import PermissionSet
from app.auth.permissions.resources import MAX_RESOURCE_LENGTH, normalize_resource, resource_matches
from app.auth.permissions.statements import MANAGED_POLICIES, Effect, Statement, is_allowed, is_managed_policy

__all__ = [
    "ACTIONS",
    "MANAGED_POLICIES",
    "MAX_RESOURCE_LENGTH",
    "SERVICES",
    "Effect",
    "PermissionSet",
    "Statement",
    "action_matches",
    "is_allowed",
    "is_managed_policy",
    "normalize_action",
    "normalize_resource",
    "parse_statements",
    "resource_matches",
]
