"""Pure billing logic: standard library only, no I/O, no clock."""
