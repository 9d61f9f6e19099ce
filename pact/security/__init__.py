"""Credentials, recovery keys and (later) passwords and the audit chain."""
