"""pact: the desktop app of a local divorce pact (scheidingspact)."""

__version__ = "0.1.0"
