"""GraphQL surface of exports (SEMANTICS §15.2 rule 3): export jobs, their list and the
`createExportJob` mutation. The file itself is downloaded over HTTP
(`GET /exports/jobs/{id}/download`, app.http.exports)."""

from app.graphql.exports.schema import ExportJob, ExportMutation, ExportQuery

__all__ = ["ExportJob", "ExportMutation", "ExportQuery"]
