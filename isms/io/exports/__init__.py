"""Registers out: xlsx and CSV (and, from the exports issue, PDF and audit packs)."""
