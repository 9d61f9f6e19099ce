"""Use cases. Plain Python: no Qt. They take a unit of work and return frozen dataclasses."""
