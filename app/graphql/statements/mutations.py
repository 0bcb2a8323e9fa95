"""`generateBillStatement` (SEMANTICS §12.2 rule 2): a bill's statement on demand, any
status. Generated in the request (one bill's lines; the documents are then downloadable at
`GET /bills/{id}/statement.json|.csv`), so the answer already says what is stored."""

from __future__ import annotations

import strawberry

from app.graphql.authorization import authorize
from app.graphql.billing.types import Bill
from app.graphql.context import Info
from app.graphql.errors import UserError, respond
from app.graphql.inputs import parse_id
from app.graphql.lookups import input_item
from app.graphql.organization.types import StatementMode
from app.models.billing import Bill as BillModel
from app.services import statements
from app.services.errors import ErrorCode, fail


@strawberry.input(description="The bill whose statement to generate now.")
class GenerateBillStatementInput:
    bill_id: strawberry.ID = strawberry.field(description="The bill, in any status.")
    mode: StatementMode = strawberry.field(
        default=StatementMode.JSON_AND_CSV,
        description="JSON or JSON_AND_CSV (the default); formats stored before are regenerated too.",
    )


@strawberry.type(description="Result of generateBillStatement.")
class GenerateBillStatementPayload:
    bill: Bill | None = strawberry.field(description="The bill, with its statement flags after generation.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


async def _generate(organization_id, input: GenerateBillStatementInput, actor: str) -> BillModel:  # noqa: ANN001
    if input.mode is StatementMode.NONE:
        raise fail(("input", "mode"), ErrorCode.INVALID, "name the formats to generate: JSON or JSON_AND_CSV")
    bill_id = parse_id(input.bill_id, ("input", "billId"))
    await statements.generate_statement(organization_id, bill_id, statements.MODES[input.mode.value], actor=actor)
    return await BillModel.get(organization_id=organization_id, id=bill_id)


@strawberry.type
class StatementMutation:
    @strawberry.mutation(
        description="Generate a bill's usage statement now (JSON, and CSV unless mode is JSON).",
        extensions=authorize("bills:run", "bill", input_item("bill_id")),
    )
    async def generate_bill_statement(
        self, info: Info, input: GenerateBillStatementInput
    ) -> GenerateBillStatementPayload:
        p = info.context.require_principal()
        return await respond(
            GenerateBillStatementPayload, "bill", lambda: _generate(p.organization_id, input, p.actor), Bill.of
        )
