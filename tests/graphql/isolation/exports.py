"""Export jobs and export routes across tenants (SEMANTICS §15): B lists and reads none of
A's jobs, cannot download A's file, and B's exports naming A's accounts hold nothing of A."""

from __future__ import annotations

from typing import Any

from tests.conftest import Tenant, data_of
from tests.graphql.isolation.entities import Check
from tests.graphql.isolation.world import World, accepted, on_session_queue
from tests.workers import run_burst_worker

CREATE = """mutation($input: CreateExportJobInput!) { createExportJob(input: $input) {
  exportJob { id status } userErrors { field code message } } }"""
JOB = "query($id: ID!) { exportJob(id: $id) { id status rowCount downloadUrl } }"


async def build_exports(app: Any, a: Tenant, ids: dict[str, str]) -> None:
    """A's export of its bills, written by a real burst worker (COMPLETE, with a file)."""
    async with on_session_queue(app):
        created = data_of(await a.gql(CREATE, {"input": {"kind": "BILLS", "format": "JSONL"}}))
        ids["a_export_job"] = accepted(created["createExportJob"])["exportJob"]["id"]
        await run_burst_worker()
    job = data_of(await a.gql(JOB, {"id": ids["a_export_job"]}))["exportJob"]
    assert job["status"] == "COMPLETE" and job["rowCount"] >= 1, job


def _a_ids(w: World) -> set[str]:
    return {value for value in w.ids.values() if isinstance(value, str) and len(value) == 36} | {
        entity["id"] for entity in w.a_has.values()
    }


def _shows_nothing_of_a(w: World, text: str) -> None:
    assert not [i for i in _a_ids(w) if i in text], text[:2000]


async def q_export_jobs(w: World) -> None:
    listed = (await w.as_b("{ exportJobs(first: 100) { totalCount nodes { id filters } } }"))["exportJobs"]
    assert listed == {"totalCount": 0, "nodes": []}


async def q_export_job(w: World) -> None:
    assert (await w.as_b(JOB, {"id": w.ids["a_export_job"]}))["exportJob"] is None
    headers = {"Authorization": f"Bearer {w.b.token}"}
    download = await w.b.client.get(f"/exports/jobs/{w.ids['a_export_job']}/download", headers=headers)
    assert download.status_code == 404
    # The streamed routes too: A's account named as a filter finds nothing.
    account = w.a_has["account"]["id"]
    for path, params in (
        ("/exports/bills.jsonl", {"accountIds": account}),
        ("/exports/measurements.csv", {"accountIds": account}),
        ("/exports/usage.jsonl", {"accountIds": account, "from": "2025-01-01", "to": "2027-01-01"}),
    ):
        response = await w.b.client.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        _shows_nothing_of_a(w, response.text)
        assert response.text.count("\n") <= 1, (path, response.text)  # at most a CSV header


async def m_create_export_job(w: World) -> None:
    """A filter naming A's account is a filter: B's job runs over B's records only."""
    account = w.a_has["account"]["id"]
    created = await w.as_b(CREATE, {"input": {"kind": "BILLS", "format": "CSV", "filters": {"accountIds": [account]}}})
    job_id = accepted(created["createExportJob"])["exportJob"]["id"]
    await run_burst_worker()
    job = (await w.as_b(JOB, {"id": job_id}))["exportJob"]
    assert job["status"] == "COMPLETE" and job["rowCount"] == 0, job
    file = await w.b.client.get(job["downloadUrl"], headers={"Authorization": f"Bearer {w.b.token}"})
    _shows_nothing_of_a(w, file.text)
    assert (await w.as_a(JOB, {"id": job_id}))["exportJob"] is None


def generated() -> dict[str, dict[str, Check]]:
    return {
        "Query": {"exportJobs": q_export_jobs, "exportJob": q_export_job},
        "Mutation": {"createExportJob": m_create_export_job},
    }
