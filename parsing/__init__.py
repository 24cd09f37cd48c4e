"""parsing layer."""
