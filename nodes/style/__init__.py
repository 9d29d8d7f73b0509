"""Style embedding (STYLE)."""
