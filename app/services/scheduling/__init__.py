"""Scheduled billing (SEMANTICS §13): the organization's schedule settings, and the
scheduler tick that claims each due run once and starts its bill jobs."""

from app.services.scheduling.tick import run_scheduled_billing, start_due_run

__all__ = ["run_scheduled_billing", "start_due_run"]
