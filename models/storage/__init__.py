"""Storage: the engine and sessions, the tables, and the schema's migrations glue."""
