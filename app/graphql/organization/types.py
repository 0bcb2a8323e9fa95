"""Output types of the organization: `me`, its configuration (rate limits included), currencies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from app.graphql.balances.kinds import CreditSourceKind, credit_order_of
from app.models.organization import Currency as CurrencyModel
from app.models.organization import OrganizationConfig as ConfigModel
from app.services.rate_limits import config as rate_limit_config
from app.services.scheduling.next_run import next_scheduled_run

READ = "config:retrieve"


@strawberry.enum(description="Unit of the auto-approval grace period.")
class GracePeriodUnit(Enum):
    MINUTES = strawberry.enum_value("MINUTES", description="Minutes.")
    HOURS = strawberry.enum_value("HOURS", description="Hours.")
    DAYS = strawberry.enum_value("DAYS", description="Days.")


@strawberry.enum(description="Which date a bill gives accounting systems as its invoice date (SEMANTICS §13.2).")
class ExternalInvoiceDate(Enum):
    FIRST_DAY_OF_NEXT_PERIOD = strawberry.enum_value(
        "FIRST_DAY_OF_NEXT_PERIOD", description="The bill date: the day after the period (the default)."
    )
    LAST_DAY_OF_ARREARS = strawberry.enum_value(
        "LAST_DAY_OF_ARREARS", description="The last day of the period billed (billDate − 1 day)."
    )


@strawberry.enum(description="Statements generated when a bill is approved or locked (SEMANTICS §12.2).")
class StatementMode(Enum):
    NONE = strawberry.enum_value("NONE", description="None (the default); generateBillStatement still works.")
    JSON = strawberry.enum_value("JSON", description="The JSON statement.")
    JSON_AND_CSV = strawberry.enum_value("JSON_AND_CSV", description="The JSON and the CSV statement.")


@strawberry.type(description="Who is calling.")
class Me:
    organization_id: strawberry.ID = strawberry.field(description="The caller's organization.")
    principal_type: str = strawberry.field(description="USER or SERVICE_USER.")
    principal_id: strawberry.ID = strawberry.field(description="Id of the user or service user.")
    access_key_id: str | None = strawberry.field(description="The access key a service user's token came from.")


@strawberry.type(description="A conversion between two currencies: to_amount = from_amount × multiplier.")
class CurrencyConversion:
    from_: str = strawberry.field(name="from", description="Currency converted from.")
    to: str = strawberry.field(description="Currency converted to.")
    multiplier: Decimal = strawberry.field(description="Exact multiplier, greater than 0.")


@strawberry.type(description="A rate limit: a sustained rate and the burst allowed above it (GCRA).")
class RateLimit:
    requests_per_second: int = strawberry.field(description="Requests per second admitted on average.")
    burst: int = strawberry.field(description="Requests admitted at once after a quiet spell.")


@strawberry.type(
    description="The organization's rate limits. A refused request gets HTTP 429 with Retry-After "
    "(ingest) or a top-level RATE_LIMITED error with extensions.retryAfter (GraphQL)."
)
class RateLimits:
    graphql_per_organization: RateLimit = strawberry.field(description="GraphQL operations of the whole organization.")
    graphql_per_access_key: RateLimit = strawberry.field(
        description="GraphQL operations per access key (a user's login token counts as one key)."
    )
    ingest_per_organization: RateLimit = strawberry.field(description="Ingest requests of the whole organization.")
    ingest_per_access_key: RateLimit = strawberry.field(description="Ingest requests per access key.")

    @classmethod
    def of(cls, stored: dict | None) -> RateLimits:
        rates = rate_limit_config.effective(stored)
        return cls(
            **{
                _snake(name): RateLimit(requests_per_second=int(rate.per_second), burst=rate.burst)
                for name, rate in rates.items()
            }
        )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@strawberry.type(description="Organization-wide billing configuration (one per organization).")
class OrganizationConfig:
    id: strawberry.ID = strawberry.field(description="Id of the configuration.")
    version: int = strawberry.field(description="Incremented by every update; send it back to update.")
    timezone: str = strawberry.field(description="IANA name or fixed offset; bill dates are local dates here.")
    currency: str = strawberry.field(description="Billing currency code.")
    day_epoch: date = strawberry.field(description="Anchor date for DAILY bills.")
    week_epoch: date = strawberry.field(description="Anchor date for WEEKLY bills.")
    month_epoch: date = strawberry.field(description="Anchor date for MONTHLY bills.")
    year_epoch: date = strawberry.field(description="Anchor date for ANNUALLY bills.")
    days_before_bill_due: int = strawberry.field(description="Days from bill date to due date.")
    standing_charge_bill_in_advance: bool = strawberry.field(description="Default standing-charge timing.")
    minimum_spend_bill_in_advance: bool = strawberry.field(description="Default minimum-spend timing.")
    commitment_fee_bill_in_advance: bool = strawberry.field(description="Default commitment-fee timing.")
    currency_conversions: list[CurrencyConversion] = strawberry.field(description="Conversion rates.")
    allow_overlapping_plans: bool = strawberry.field(description="Whether account plans of one product may overlap.")
    bill_prefix: str | None = strawberry.field(description="Prefix of sequential invoice numbers; none = no numbering.")
    sequence_start_number: int = strawberry.field(description="Invoice numbers start after this number.")
    suppressed_empty_bills: bool = strawberry.field(description="Whether bills without line items are not stored.")
    custom_fields: JSON = strawberry.field(description="Custom name → string or number map.")
    rate_limits: RateLimits = strawberry.field(description="Rate limits in force: the defaults and any set here.")
    scheduled_bill_interval: Decimal = strawberry.field(
        description="Hours between scheduled bill runs: 0 (off), 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12 or 24."
    )
    scheduled_bill_offset: int = strawberry.field(
        description="Local hour (0–23) of the daily run; only with scheduledBillInterval 24."
    )
    auto_approve_bills_grace_period: int | None = strawberry.field(
        description="Time after a bill's period ends (or it is created, if later) before it is approved; none = off."
    )
    auto_approve_bills_grace_period_unit: GracePeriodUnit | None = strawberry.field(
        description="Unit of autoApproveBillsGracePeriod."
    )
    next_scheduled_run: datetime | None = strawberry.field(
        description="When the next scheduled bill run starts; none while the schedule is off."
    )
    external_invoice_date: ExternalInvoiceDate = strawberry.field(
        description="The date bills give accounting systems as their invoice date (a bill job may override it)."
    )
    export_retention_days: int = strawberry.field(
        description="Days an export job's file is kept before it is deleted (1–90, default 7)."
    )
    auto_generate_statement_mode: StatementMode = strawberry.field(
        description="Statements generated by a worker when a bill becomes APPROVED or locked: NONE, JSON, JSON_AND_CSV."
    )
    credit_application_order: list[CreditSourceKind] = strawberry.field(
        description="Order bills draw on commitments (PREPAYMENT) and balances (BALANCE); accounts may override it."
    )
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @classmethod
    def of(cls, m: ConfigModel) -> OrganizationConfig:
        computed = (
            "currency_conversions",
            "id",
            "rate_limits",
            "next_scheduled_run",
            "auto_approve_bills_grace_period_unit",
            "external_invoice_date",
            "auto_generate_statement_mode",
            "credit_application_order",
        )
        names = [f for f in cls.__annotations__ if f not in computed]
        values = {name: getattr(m, name) for name in names}
        conversions = [
            CurrencyConversion(from_=c["from"], to=c["to"], multiplier=Decimal(c["multiplier"]))
            for c in m.currency_conversions
        ]
        return cls(
            id=strawberry.ID(str(m.id)),
            currency_conversions=conversions,
            rate_limits=RateLimits.of(m.rate_limits),
            next_scheduled_run=next_scheduled_run(m, datetime.now(UTC)),
            auto_approve_bills_grace_period_unit=(
                GracePeriodUnit(m.auto_approve_bills_grace_period_unit)
                if m.auto_approve_bills_grace_period_unit
                else None
            ),
            external_invoice_date=ExternalInvoiceDate(m.external_invoice_date),
            auto_generate_statement_mode=StatementMode(m.auto_generate_statement_mode),
            credit_application_order=credit_order_of(m.credit_application_order or ["PREPAYMENT", "BALANCE"]) or [],
            **values,
        )


@strawberry.type(description="A currency and how its amounts are rounded.")
class Currency:
    id: strawberry.ID = strawberry.field(description="Id of the currency.")
    version: int = strawberry.field(description="Incremented by every update.")
    code: str = strawberry.field(description="Currency code, e.g. USD.")
    name: str = strawberry.field(description="Display name.")
    max_decimal_places: int = strawberry.field(description="Decimal places amounts are rounded to (0–5).")
    rounding_mode: str = strawberry.field(description="UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN or HALF_EVEN.")

    @classmethod
    def of(cls, m: CurrencyModel) -> Currency:
        return cls(
            id=strawberry.ID(str(m.id)),
            version=m.version,
            code=m.code,
            name=m.name,
            max_decimal_places=m.max_decimal_places,
            rounding_mode=m.rounding_mode,
        )
