"""Plan group tags on a CHILD-mode bill (SEMANTICS §10.2 rule 2, §7.3).

A child billed in CHILD mode under its parent's group account plan is rated on the group's
member plans, so its lines are member lines and carry the group's ``plan_group_id``.
**Decision**: the group's own lines (standing charge, minimum) are not added there: they
belong to the account plan that attached the group, the parent's, as a plan's standing
charge and minimums stay on the parent's bill in CHILD mode. The group is charged once per
period, and its minimum counts the parent's bill alone, so no bill depends on another
account's recalculation.
"""

from __future__ import annotations

from collections.abc import Mapping

from .context import BillContext, Step
from .lines import DraftLine
from .plan_groups import GroupMember
from .snapshots import EntityId

__all__ = ["member_tags_step"]


def member_tags_step(members: Mapping[EntityId, GroupMember]) -> tuple[Step, ...]:
    """The step tagging member lines with their group (none without groups)."""
    if not members:
        return ()

    def tag_members(context: BillContext, lines: list[DraftLine]) -> None:
        for line in lines:
            member = members.get(line.account_plan_id) if line.account_plan_id is not None else None
            if member is not None and line.plan_group_id is None:
                line.plan_group_id = member.group.id

    return (tag_members,)
