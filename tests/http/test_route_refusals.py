"""Refusals on the plain routes.

- "A principal sees only what its policies allow, on every route": an export job's file
  holds the whole collection, so a reader denied one bill may not download it, even a job
  an administrator created (createExportJob already refuses that reader; the download
  did not).
- "Never a 500": console paths that can name no file (a NUL, an over-long name).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from app.http.console import console_routes
from app.services.exports import CreateExportJob, create_export_job, run_export_job
from tests.graphql.test_permissions_enforced import custom_policy, principal
from tests.http.test_exports import make_bill


async def test_a_reader_denied_one_bill_may_not_download_a_bills_export_job(tenant):
    shown, hidden = await make_bill(tenant, "shown", 1), await make_bill(tenant, "hidden", 1)
    org = uuid.UUID(tenant.organization_id)
    job = await create_export_job(org, CreateExportJob("BILLS", "JSONL", {}), actor="admin")
    assert await run_export_job(org, job.id) == "COMPLETE"
    url = f"/exports/jobs/{job.id}/download"
    admin = await tenant.client.get(url, headers={"Authorization": f"Bearer {tenant.token}"})
    assert admin.status_code == 200 and str(hidden.id) in admin.text and str(shown.id) in admin.text

    policy = await custom_policy(
        tenant,
        "all but one bill",
        [
            {"effect": "ALLOW", "action": ["config:retrieve"], "resource": ["*"]},
            {"effect": "DENY", "action": ["config:retrieve"], "resource": [f"config:bill/item/{hidden.id}"]},
        ],
    )
    token = await principal(tenant, custom=[policy])
    refused = await tenant.client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403, refused.text
    assert str(hidden.id) not in refused.text
    assert "not permitted: config:retrieve on config:bill/item/*" in refused.json()["message"]

    reader = await principal(tenant, managed=["ReadOnly"])  # no DENY: the file is theirs to read
    assert (await tenant.client.get(url, headers={"Authorization": f"Bearer {reader}"})).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/console/a%00b", 200),  # a page of the app, as any other unknown path
        ("/console/" + "a" * 5000, 200),  # longer than a file name may be
        ("/console/" + "/".join(["a" * 250] * 30), 200),  # longer than a path may be
        ("/console/assets/a%00b.js", 404),  # no such asset
    ],
)
async def test_console_paths_no_file_can_have_are_answered_not_500(tmp_path: Path, path: str, status: int):
    """`/console/a%00b` and over-long names were 500s: resolving them raised."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html>")
    app = Starlette(routes=console_routes(tmp_path))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.get(path)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.text == "<!doctype html>"
