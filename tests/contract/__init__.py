"""The import contract's own parts: a contract type import-linter lacks, and a second config.

The contract itself is configured in pyproject.toml ([tool.importlinter]) and checked by
`make lint` (and so by `make test`); tests/unit/test_import_contract.py shows it can fail.
"""
