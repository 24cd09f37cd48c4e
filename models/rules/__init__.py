"""Pure rules of the ledger: no database session, no I/O."""
