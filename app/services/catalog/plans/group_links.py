"""A template's plans linked into plan groups (SEMANTICS §10.1, §10.2 rule 1): a group's
plans share its currency, billFrequency and billFrequencyInterval. Plans read these live
from their template, so a template update that would break a link is refused, as the link
itself would have been."""

from __future__ import annotations

import uuid
from typing import Any

from app.models.catalog import Plan, PlanTemplate
from app.models.plan_groups import PlanGroup, PlanGroupLink
from app.services.errors import ErrorCode, ProblemCollector

SCHEDULE = (("bill_frequency", "billFrequency"), ("bill_frequency_interval", "billFrequencyInterval"))


async def report_broken_group_links(
    organization_id: uuid.UUID, template: PlanTemplate, values: dict[str, Any], at: ProblemCollector
) -> None:
    """`values` are the template's checked new columns; the caller holds the plan catalog
    lock, which link creation takes too."""
    columns = ("currency", *(column for column, _ in SCHEDULE))
    if any(values.get(column) is None for column in columns):
        return  # a missing or bad value is reported by the template checks
    if all(values[column] == getattr(template, column) for column in columns):
        return
    plans = await Plan.filter(organization_id=organization_id, plan_template_id=template.id).values_list(
        "id", flat=True
    )
    links = await PlanGroupLink.filter(organization_id=organization_id, plan_id__in=list(plans))
    for group in await PlanGroup.filter(
        organization_id=organization_id, id__in=list({link.plan_group_id for link in links})
    ):
        if values["currency"] != group.currency:
            at.add(
                "currency",
                ErrorCode.IN_USE,
                f"a plan of the template is in plan group {group.code}, which bills in {group.currency}",
            )
        if why := await _schedule_break(organization_id, template, values, group):
            at.add(*why)


async def _schedule_break(
    organization_id: uuid.UUID, template: PlanTemplate, values: dict[str, Any], group: PlanGroup
) -> tuple[str, ErrorCode, str] | None:
    """The group's plans of other templates keep their schedule: the new one must match it."""
    linked = await PlanGroupLink.filter(organization_id=organization_id, plan_group_id=group.id).values_list(
        "plan_id", flat=True
    )
    template_ids = await Plan.filter(organization_id=organization_id, id__in=list(linked)).values_list(
        "plan_template_id", flat=True
    )
    other = await PlanTemplate.filter(
        organization_id=organization_id, id__in=[t for t in template_ids if t != template.id]
    ).first()
    if other is None:
        return None
    for column, key in SCHEDULE:
        if values[column] != getattr(other, column):
            schedule = f"{other.bill_frequency} every {other.bill_frequency_interval}"
            return key, ErrorCode.IN_USE, f"plan group {group.code} holds plans billed {schedule}"
    return None
