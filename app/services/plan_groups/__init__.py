"""Plan groups (SEMANTICS §10): the groups (`groups`), their links (`links`), attaching one
to an account (`attach`), the product rule (`collisions`) and their bills (`billing`)."""

from app.services.plan_groups.groups import create_plan_group, delete_plan_group, update_plan_group
from app.services.plan_groups.links import create_plan_group_link, delete_plan_group_link

__all__ = [
    "create_plan_group",
    "create_plan_group_link",
    "delete_plan_group",
    "delete_plan_group_link",
    "update_plan_group",
]
