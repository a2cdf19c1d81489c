"""Use cases. Each takes a session, validates, writes, and returns a small summary of what changed."""
