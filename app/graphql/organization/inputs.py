"""Inputs and payloads of the organization mutations, the shared delete input and payload, and the
commands the configuration inputs become."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from app.graphql.balances.kinds import CreditSourceKind
from app.graphql.errors import UserError
from app.graphql.inputs import command_fields, parse_id, provided
from app.graphql.organization.types import (
    Currency,
    ExternalInvoiceDate,
    GracePeriodUnit,
    OrganizationConfig,
    StatementMode,
)
from app.services import currencies, organization_config


@strawberry.input(description="A conversion rate.")
class CurrencyConversionInput:
    from_: str = strawberry.field(name="from", description="Currency converted from.")
    to: str = strawberry.field(description="Currency converted to.")
    multiplier: Decimal = strawberry.field(description="Greater than 0.")


@strawberry.input(description="A rate limit to set.")
class RateLimitInput:
    requests_per_second: int = strawberry.field(description="Requests per second on average, 1–100000.")
    burst: int = strawberry.field(description="Requests at once after a quiet spell, 1–100000.")


@strawberry.input(description="Rate limits to change: a limit left out stays as it is, null returns it to the default.")
class RateLimitsInput:
    graphql_per_organization: RateLimitInput | None = strawberry.field(
        default=strawberry.UNSET, description="GraphQL operations of the whole organization."
    )
    graphql_per_access_key: RateLimitInput | None = strawberry.field(
        default=strawberry.UNSET, description="GraphQL operations per access key."
    )
    ingest_per_organization: RateLimitInput | None = strawberry.field(
        default=strawberry.UNSET, description="Ingest requests of the whole organization."
    )
    ingest_per_access_key: RateLimitInput | None = strawberry.field(
        default=strawberry.UNSET, description="Ingest requests per access key."
    )


@strawberry.input(
    description="Fields to change; fields left out stay as they are. The timezone and the epochs cut bill "
    "periods: a new value is refused once the organization has a bill or a running bill job."
)
class UpdateOrganizationConfigInput:
    version: int = strawberry.field(description="The version you read.")
    timezone: str | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    day_epoch: date | None = strawberry.UNSET
    week_epoch: date | None = strawberry.UNSET
    month_epoch: date | None = strawberry.UNSET
    year_epoch: date | None = strawberry.UNSET
    days_before_bill_due: int | None = strawberry.UNSET
    standing_charge_bill_in_advance: bool | None = strawberry.UNSET
    minimum_spend_bill_in_advance: bool | None = strawberry.UNSET
    commitment_fee_bill_in_advance: bool | None = strawberry.UNSET
    currency_conversions: list[CurrencyConversionInput] | None = strawberry.UNSET
    allow_overlapping_plans: bool | None = strawberry.UNSET
    bill_prefix: str | None = strawberry.UNSET
    sequence_start_number: int | None = strawberry.UNSET
    suppressed_empty_bills: bool | None = strawberry.UNSET
    custom_fields: JSON | None = strawberry.UNSET
    rate_limits: RateLimitsInput | None = strawberry.field(
        default=strawberry.UNSET, description="Rate limits to change; null returns all of them to the defaults."
    )
    scheduled_bill_interval: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="Hours between scheduled runs: 0 (off), 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24.",
    )
    scheduled_bill_offset: int | None = strawberry.field(
        default=strawberry.UNSET, description="Local hour (0–23) of the daily run; only with interval 24."
    )
    auto_approve_bills_grace_period: int | None = strawberry.field(
        default=strawberry.UNSET, description="Auto-approval grace period (> 0), set with its unit; null = off."
    )
    auto_approve_bills_grace_period_unit: GracePeriodUnit | None = strawberry.field(
        default=strawberry.UNSET, description="MINUTES, HOURS or DAYS; set with the grace period."
    )
    external_invoice_date: ExternalInvoiceDate | None = strawberry.field(
        default=strawberry.UNSET, description="The date bills give accounting systems as their invoice date."
    )
    export_retention_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="Days an export job's file is kept (1–90)."
    )
    auto_generate_statement_mode: StatementMode | None = strawberry.field(
        default=strawberry.UNSET, description="Statements generated when a bill is approved or locked."
    )
    credit_application_order: list[CreditSourceKind] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Order bills draw on commitments (PREPAYMENT) and balances (BALANCE); null: commitments first.",
    )

    def to_command(self) -> organization_config.UpdateOrganizationConfig:
        fields = command_fields(organization_config.UpdateOrganizationConfig, self, exclude=("rate_limits",))
        if self.currency_conversions:
            fields["currency_conversions"] = [
                {"from": c.from_, "to": c.to, "multiplier": c.multiplier} for c in self.currency_conversions
            ]
        if self.rate_limits is not strawberry.UNSET:
            fields["rate_limits"] = _rate_limit_changes(self.rate_limits)
        return organization_config.UpdateOrganizationConfig(**fields)


@strawberry.type(description="Result of updateOrganizationConfig.")
class OrganizationConfigPayload:
    organization_config: OrganizationConfig | None = strawberry.field(description="The configuration after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.input(description="A new currency.")
class CreateCurrencyInput:
    code: str = strawberry.field(description="Currency code: letters, digits, _ and $.")
    name: str = strawberry.field(description="Display name.")
    max_decimal_places: int | None = strawberry.field(default=2, description="0–5, default 2.")
    rounding_mode: str | None = strawberry.field(default="HALF_UP", description="Default HALF_UP.")

    def to_command(self) -> currencies.CurrencyFields:
        return currencies.CurrencyFields(**command_fields(currencies.CurrencyFields, self))


@strawberry.input(description="Currency fields to change.")
class UpdateCurrencyInput:
    id: strawberry.ID = strawberry.field(description="Currency to change.")
    version: int = strawberry.field(description="The version you read.")
    name: str | None = strawberry.UNSET
    max_decimal_places: int | None = strawberry.UNSET
    rounding_mode: str | None = strawberry.UNSET

    def to_command(self) -> currencies.UpdateCurrency:
        changes = currencies.CurrencyFields(**command_fields(currencies.CurrencyFields, self))
        return currencies.UpdateCurrency(parse_id(self.id), self.version, changes)


@strawberry.input(description="Identifies an entity to delete at the version you read.")
class DeleteInput:
    id: strawberry.ID = strawberry.field(description="Entity to delete.")
    version: int = strawberry.field(description="The version you read.")


@strawberry.type(description="Result of a currency mutation.")
class CurrencyPayload:
    currency: Currency | None = strawberry.field(description="The currency after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


@strawberry.type(description="Result of a delete.")
class DeletePayload:
    deleted_id: strawberry.ID | None = strawberry.field(description="Id of the deleted entity.")
    user_errors: list[UserError] = strawberry.field(description="Why the input was refused; empty on success.")


def _rate_limit_changes(data: RateLimitsInput | None) -> dict | None:
    """{name: {"requestsPerSecond", "burst"} or None}; None for all of them back to the defaults."""
    if data is None:
        return None
    return {
        name: None if value is None else {"requestsPerSecond": value.requests_per_second, "burst": value.burst}
        for name, value in provided(data).items()
    }
