"""Dialogs; each exposes a small ``ask(...)``-style entry point so tests can drive it."""
