"""The filter most catalog lists take: ids, codes, product."""

from __future__ import annotations

import strawberry
from tortoise.queryset import QuerySet

from app.graphql.inputs import filter_ids


@strawberry.input(description="Narrows a catalog list; every given criterion must hold.")
class CatalogFilter:
    ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these ids.")
    codes: list[str] | None = strawberry.field(default=None, description="Only these codes.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Only items of this product.")
    global_only: bool | None = strawberry.field(
        default=None, description="true: only global items (no product); false: only product items."
    )


def apply_catalog_filter(query: QuerySet, flt: CatalogFilter | None, *, has_product: bool = True) -> QuerySet:
    if flt is None:
        return query
    if flt.ids is not None:
        query = query.filter(id__in=filter_ids(flt.ids, "ids"))
    if flt.codes is not None:
        query = query.filter(code__in=flt.codes)
    if has_product and flt.product_id is not None:
        query = query.filter(product_id=filter_ids([flt.product_id], "productId")[0])
    if has_product and flt.global_only is not None:
        query = query.filter(product_id__isnull=flt.global_only)
    return query
