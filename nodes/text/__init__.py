"""Text nodes: the prompt and its analysis (DOC)."""
