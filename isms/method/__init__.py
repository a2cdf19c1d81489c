"""The risk method: criteria, scoring, appetite, review cadence (pure functions over data)."""
