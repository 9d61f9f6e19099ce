"""itemmodels."""
