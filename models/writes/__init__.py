"""Writes to the ledger, each with its journal rows."""
