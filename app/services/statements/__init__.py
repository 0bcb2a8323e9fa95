"""Bill statements (SEMANTICS §12.2): documents, generation, the requests after approval
or locking, and reading them back for download."""

from app.services.statements.generate import MODES, generate_due_statements, generate_statement
from app.services.statements.reads import StatementNotFound, read_statement
from app.services.statements.requests import GENERATE_JOB, request_lock_date_statements, request_statements
from app.services.statements.sweep import sweep_due_statements

__all__ = [
    "GENERATE_JOB",
    "MODES",
    "StatementNotFound",
    "generate_due_statements",
    "generate_statement",
    "read_statement",
    "request_lock_date_statements",
    "request_statements",
    "sweep_due_statements",
]
