"""Scheduled billing (SEMANTICS §13): the organization's schedule settings, and the
scheduler tick that claims each due run once and starts its bill jobs."""
