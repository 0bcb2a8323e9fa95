"""The global lock date over many bills (SEMANTICS §13.2 rule 5), at the service level.

One organization with `--accounts` accounts × 12 monthly bills of 2026, all APPROVED
(inserted straight into the bills table: bill runs have their own benchmark). Printed:
- lock_seconds: setting billLockDate = 2026-06-30 (locks the 6 months through June);
- later_seconds: moving it to 2026-09-30 (locks 3 more months, the PENDING check again);
- back_seconds: moving it back to 2026-03-31 (unlocks April to September);
- clear_seconds: clearing it (unlocks the rest);
- writer_check_ms: the cost a bill writer pays per stored chunk (the shared advisory lock
  and the read of the date, in its own transaction; mean of 1,000).

    .venv/bin/python bench/lock_date.py [--accounts 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date

from _harness import figure, print_result, scratch_database, services

from app.db import close_db, connection, init_db, run_migrations
from app.models.billing import Bill
from app.services.billing import lock_date
from app.services.billing.commands import UpdateBillConfig
from app.services.organizations import create_organization

BILLS_SQL = """INSERT INTO bills (id, organization_id, version, dt_created, dt_last_modified, account_id, account_code,
                   bill_date, due_date, start_date, end_date, billing_frequency, currency, status, locked, bill_total)
               SELECT gen_random_uuid(), $1, 1, now(), now(), a.id, 'acct-' || a.n,
                      make_date(2026, 1, 1) + make_interval(months => m), make_date(2026, 1, 1)
                      + make_interval(months => m, days => 30), make_date(2026, 1, 1) + make_interval(months => m - 1),
                      make_date(2026, 1, 1) + make_interval(months => m), 'MONTHLY', 'USD', 'APPROVED', false, 10
               FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $2) AS n) AS a,
                    generate_series(1, 12) AS m"""


async def timed(organization_id, lock: date | None) -> float:  # noqa: ANN001
    version = (await lock_date.get_bill_config(organization_id)).version
    started = time.perf_counter()
    await lock_date.update_bill_config(organization_id, UpdateBillConfig(lock, version), actor="bench")
    return time.perf_counter() - started


async def measure(url: str, accounts: int) -> dict:
    await run_migrations(url)
    await init_db(url)
    try:
        org = await create_organization("Lock date bench")
        async with connection() as conn:
            await conn.execute(BILLS_SQL, org.id, accounts)
        bills = await Bill.filter(organization_id=org.id).count()
        figures = {
            "bills": bills,
            "lock_seconds": await timed(org.id, date(2026, 6, 30)),
            "locked_after_lock": await Bill.filter(organization_id=org.id, locked=True).count(),
            "later_seconds": await timed(org.id, date(2026, 9, 30)),
            "back_seconds": await timed(org.id, date(2026, 3, 31)),
            "locked_after_back": await Bill.filter(organization_id=org.id, locked=True).count(),
            "clear_seconds": await timed(org.id, None),
        }
        started = time.perf_counter()
        for _ in range(1000):
            async with connection() as conn, conn.transaction():
                await lock_date.lock_date_for_share(conn, org.id)
        figures["writer_check_ms"] = (time.perf_counter() - started) / 1000 * 1000
    finally:
        await close_db()
    return figures


def main(accounts: int) -> None:
    with services() as (server_url, _), scratch_database(server_url) as url:
        figures = asyncio.run(measure(url, accounts))
    for name, value in figures.items():
        print(f"{name}: {value:.4f}" if isinstance(value, float) else f"{name}: {value}")
    print_result("lock_date", [figure(name, value) for name, value in figures.items() if isinstance(value, float)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    main(parser.parse_args().accounts)
