"""Use cases: each takes a session, validates, writes, and returns a summary of what changed."""
