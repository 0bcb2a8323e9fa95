"""The filter most catalog lists take: ids, codes, product."""

from __future__ import annotations

import uuid

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.errors import BadRequest


@strawberry.input(description="Narrows a catalog list; every given criterion must hold.")
class CatalogFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Only items of this product.")
    global_only: bool | None = strawberry.field(default=None, description="true: only global items (no product); false: only product items.")


def _uuids(values: list[strawberry.ID], name: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(str(v)) for v in values]
    except ValueError as exc:
        raise BadRequest(f"filter.{name} holds an invalid id") from exc


def apply_catalog_filter(query: QuerySet, flt: CatalogFilter | None, *, has_product: bool = True) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=_uuids(flt.ids, "ids"))
    if flt.codes is not None:
        query = query.filter(code__in=flt.codes)
    if has_product and flt.product_id is not None:
        query = query.filter(product_id=_uuids([flt.product_id], "productId")[0])
    if has_product and flt.global_only is not None:
        query = query.filter(product_id__isnull=flt.global_only)
    return query


def parse_uuid(value: str | None) -> uuid.UUID | None:
    """An id argument of a query: malformed ids find nothing rather than fail."""
    if value is None:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
