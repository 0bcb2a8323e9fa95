"""How a USAGE export's measurements fall into periods, as SQL (SEMANTICS §15.1 rule 2).

DAY and MONTH periods are the same for every account: one sorted array of bounds, and
`width_bucket` puts each measurement in its period. BILLING_PERIOD periods are each
account's (§7.1): per account and product, the bill dates of the account's first plan
for that product active in the range (epoch: account plan ?? account ?? organization),
else (decision) the organization's monthly bill dates with the account's epoch; they are
joined as (account, start, end) rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import asyncpg

from app.domain.exports.periods import billing_bounds, calendar_bounds
from app.domain.periods import BillFrequency, resolve_epoch

_PLANS = """SELECT ap.account_id, ap.product_id, ap.bill_epoch, t.bill_frequency, t.bill_frequency_interval
            FROM account_plans ap
            JOIN plans p ON p.organization_id = ap.organization_id AND p.id = ap.plan_id
            JOIN plan_templates t ON t.organization_id = p.organization_id AND t.id = p.plan_template_id
            WHERE ap.organization_id = $1 AND ap.account_id = ANY($2::uuid[])
              AND ap.start_date < $4 AND (ap.end_date IS NULL OR ap.end_date > $3)
            ORDER BY ap.account_id, ap.product_id, ap.start_date, ap.id"""
_JOIN = (
    "measurements m JOIN unnest(${a}::uuid[], ${s}::timestamptz[], ${e}::timestamptz[]) AS p(pa, ps, pe)"
    " ON m.account_id = p.pa AND m.ts >= p.ps AND m.ts < p.pe"
)


class PeriodPlan:
    def __init__(
        self,
        organization_id: uuid.UUID,
        granularity: str,
        start: datetime,
        end: datetime,
        tz: tzinfo,
        org_epochs: Mapping[BillFrequency, date],
    ) -> None:
        self.organization_id, self.granularity, self.start, self.end, self.tz = (
            organization_id,
            granularity,
            start,
            end,
            tz,
        )
        self.org_epochs = org_epochs
        self.calendar = granularity != "BILLING_PERIOD"
        # Raises TooManyPeriods before anything is written.
        self.bounds = calendar_bounds(start, end, "DAY" if not self.calendar else granularity, tz)
        self.estimate = len(self.bounds) - 1
        self.per_account: dict[tuple[uuid.UUID, uuid.UUID | None], list[datetime]] = {}

    async def prepare(self, conn: asyncpg.Connection, accounts: Sequence[Any]) -> None:
        """The billing periods of a chunk's accounts (nothing to do for DAY and MONTH)."""
        if self.calendar:
            return
        self.per_account = {}
        epochs = {row[0]: row[2] for row in accounts}
        plans = await conn.fetch(_PLANS, self.organization_id, list(epochs), self.start, self.end)
        for row in plans:
            key = (row[0], row[1])
            if key in self.per_account:  # the first plan of the product in the range decides
                continue
            frequency = BillFrequency(row[3])
            epoch = resolve_epoch(
                frequency, account_plan_epoch=row[2], account_epoch=epochs[row[0]], org_epochs=self.org_epochs
            )
            self.per_account[key] = billing_bounds(self.start, self.end, epoch, frequency, row[4], self.tz)
        self.fallback = {
            account: billing_bounds(
                self.start,
                self.end,
                resolve_epoch(
                    BillFrequency.MONTHLY, account_plan_epoch=None, account_epoch=epoch, org_epochs=self.org_epochs
                ),
                BillFrequency.MONTHLY,
                1,
                self.tz,
            )
            for account, epoch in epochs.items()
        }

    def sql(self, params: list[Any], accounts: Sequence[Any], product_id: uuid.UUID | None) -> tuple[str, list[str]]:
        """(FROM clause, period columns) for a query over `accounts` of a target of
        `product_id`; appends its parameters to `params`."""
        if self.calendar:
            params.append(self.bounds)
            return "measurements m", [f"width_bucket(m.ts, ${len(params)}::timestamptz[])"]
        ids, starts, ends = [], [], []
        for row in accounts:
            bounds = self.per_account.get((row[0], product_id)) or self.fallback[row[0]]
            for start, end in zip(bounds, bounds[1:], strict=False):
                ids.append(row[0])
                starts.append(start)
                ends.append(end)
        params.extend([ids, starts, ends])
        n = len(params)
        return _JOIN.format(a=n - 2, s=n - 1, e=n), ["p.ps", "p.pe"]

    def period_of(self, row: Any, width: int) -> tuple[datetime, datetime]:
        if self.calendar:
            index = row[-1]
            return self.bounds[index - 1], self.bounds[index]
        return row[-2], row[-1]
