"""Plan groups (SEMANTICS §10): PlanGroup and PlanGroupLink, their queries and mutations."""

from app.graphql.plan_groups.mutations import PlanGroupMutation
from app.graphql.plan_groups.queries import PlanGroupQuery
from app.graphql.plan_groups.types import PlanGroup, PlanGroupLink

__all__ = ["PlanGroup", "PlanGroupLink", "PlanGroupMutation", "PlanGroupQuery"]
