"""Read queries over the ledger: rows for the faces, never writes."""
