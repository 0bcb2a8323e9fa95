"""GraphQL surface of the organization: `me`, `organizationConfig`, currencies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from app.graphql.authorization import AUTHENTICATED, authorize
from app.graphql.context import Info
from app.graphql.errors import UserError, respond, respond_deleted
from app.graphql.inputs import command_fields, parse_id, provided
from app.graphql.lookups import by_id_or_code, input_item
from app.graphql.pagination import Connection, paginate
from app.models.organization import Currency as CurrencyModel
from app.models.organization import OrganizationConfig as ConfigModel
from app.services import currencies, organization_config
from app.services.rate_limits import config as rate_limit_config

READ = "config:retrieve"


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
    dt_created: datetime = strawberry.field(description="When it was created.")
    dt_last_modified: datetime = strawberry.field(description="When it last changed.")
    created_by: str | None = strawberry.field(description="Principal that created it.")
    last_modified_by: str | None = strawberry.field(description="Principal that last changed it.")

    @classmethod
    def of(cls, m: ConfigModel) -> OrganizationConfig:
        names = [f for f in cls.__annotations__ if f not in ("currency_conversions", "id", "rate_limits")]
        values = {name: getattr(m, name) for name in names}
        conversions = [
            CurrencyConversion(from_=c["from"], to=c["to"], multiplier=Decimal(c["multiplier"]))
            for c in m.currency_conversions
        ]
        return cls(
            id=strawberry.ID(str(m.id)),
            currency_conversions=conversions,
            rate_limits=RateLimits.of(m.rate_limits),
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


@strawberry.input(description="Fields to change; fields left out stay as they are.")
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


def _config_command(data: UpdateOrganizationConfigInput) -> organization_config.UpdateOrganizationConfig:
    fields = command_fields(organization_config.UpdateOrganizationConfig, data, exclude=("rate_limits",))
    if data.currency_conversions:
        fields["currency_conversions"] = [
            {"from": c.from_, "to": c.to, "multiplier": c.multiplier} for c in data.currency_conversions
        ]
    if data.rate_limits is not strawberry.UNSET:
        fields["rate_limits"] = _rate_limit_changes(data.rate_limits)
    return organization_config.UpdateOrganizationConfig(**fields)


def _rate_limit_changes(data: RateLimitsInput | None) -> dict | None:
    """{name: {"requestsPerSecond", "burst"} or None}; None for all of them back to the defaults."""
    if data is None:
        return None
    return {
        name: None if value is None else {"requestsPerSecond": value.requests_per_second, "burst": value.burst}
        for name, value in provided(data).items()
    }


@strawberry.type
class OrganizationQuery:
    @strawberry.field(description="The authenticated caller.", extensions=AUTHENTICATED)
    def me(self, info: Info) -> Me:
        p = info.context.require_principal()
        return Me(
            organization_id=strawberry.ID(str(p.organization_id)),
            principal_type=p.principal_type,
            principal_id=strawberry.ID(str(p.principal_id)),
            access_key_id=p.access_key_id,
        )

    @strawberry.field(
        description="The organization's billing configuration.", extensions=authorize(READ, "organization")
    )
    async def organization_config(self, info: Info) -> OrganizationConfig:
        org = info.context.require_principal().organization_id
        return OrganizationConfig.of(await organization_config.get_config(org))

    @strawberry.field(description="Currencies of the organization.", extensions=authorize(READ, "currency"))
    async def currencies(
        self, info: Info, first: int | None = None, after: str | None = None, codes: list[str] | None = None
    ) -> Connection[Currency]:
        query = CurrencyModel.filter(organization_id=info.context.require_principal().organization_id)
        if codes:
            query = query.filter(code__in=codes)
        return await paginate(query, first, after, Currency.of, order_by=("code",))

    @strawberry.field(description="One currency by id or code.", extensions=authorize(READ, "currency"))
    async def currency(self, info: Info, id: strawberry.ID | None = None, code: str | None = None) -> Currency | None:
        query = CurrencyModel.filter(organization_id=info.context.require_principal().organization_id)
        found = await by_id_or_code(query, id, code)
        return Currency.of(found) if found else None


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(
        description="Change the organization's configuration.", extensions=authorize("config:update", "organization")
    )
    async def update_organization_config(
        self, info: Info, input: UpdateOrganizationConfigInput
    ) -> OrganizationConfigPayload:
        p = info.context.require_principal()
        return await respond(
            OrganizationConfigPayload,
            "organization_config",
            lambda: organization_config.update_config(p.organization_id, _config_command(input), actor=p.actor),
            OrganizationConfig.of,
        )

    @strawberry.mutation(description="Add a currency.", extensions=authorize("config:create", "currency"))
    async def create_currency(self, info: Info, input: CreateCurrencyInput) -> CurrencyPayload:
        p = info.context.require_principal()
        return await respond(
            CurrencyPayload,
            "currency",
            lambda: currencies.create_currency(p.organization_id, input.to_command(), actor=p.actor),
            Currency.of,
        )

    @strawberry.mutation(
        description="Change a currency.", extensions=authorize("config:update", "currency", input_item())
    )
    async def update_currency(self, info: Info, input: UpdateCurrencyInput) -> CurrencyPayload:
        p = info.context.require_principal()
        return await respond(
            CurrencyPayload,
            "currency",
            lambda: currencies.update_currency(p.organization_id, input.to_command(), actor=p.actor),
            Currency.of,
        )

    @strawberry.mutation(
        description="Delete a currency (never USD, nor one in use).",
        extensions=authorize("config:delete", "currency", input_item()),
    )
    async def delete_currency(self, info: Info, input: DeleteInput) -> DeletePayload:
        p = info.context.require_principal()
        return await respond_deleted(
            lambda: currencies.delete_currency(p.organization_id, parse_id(input.id), version=input.version), input.id
        )
