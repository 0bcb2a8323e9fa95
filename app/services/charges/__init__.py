"""Ad hoc charges (SEMANTICS §9): their use cases (`charges`), input rules (`checks`) and
their place on bills (`billing`)."""

from app.services.charges.charges import create_charge, delete_charge, update_charge

__all__ = ["create_charge", "delete_charge", "update_charge"]
