"""Full-text search over assets and risks (SQLite FTS5, trigram tokenizer: substring matching).

Each FTS table is external-content over a view that joins in the owner's name, so FTS5's own
``rebuild`` and ``integrity-check`` commands work against exactly what is indexed. Triggers keep
the index in step with every write, ORM or Core (bulk inserts, imports, undo): inserts, deletes,
updates of the indexed columns, and renames of a person who owns assets or risks.

Only SQLite: on other databases this revision does nothing and searches keep using ILIKE.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: (table, FTS table, view, the table's text column after ref and name)
_INDEXED = (
    ("asset", "asset_fts", "asset_search", "name"),
    ("risk", "risk_fts", "risk_search", "title"),
)


def _values(prefix: str, text_column: str, owner: str) -> str:
    return f"{prefix}.id, {prefix}.ref, {prefix}.{text_column}, {prefix}.description, {owner}"


def _statements(table: str, fts: str, view: str, text_column: str) -> list[str]:
    columns = f"rowid, ref, {text_column}, description, owner"
    owner_of = "(SELECT name FROM person WHERE id = {}.owner_id)"
    delete_old = (
        f"INSERT INTO {fts}({fts}, {columns}) "
        f"VALUES ('delete', {_values('old', text_column, owner_of.format('old'))});"
    )
    insert_new = (
        f"INSERT INTO {fts}({columns}) "
        f"VALUES ({_values('new', text_column, owner_of.format('new'))});"
    )
    return [
        f"CREATE VIEW {view} AS SELECT t.id AS id, t.ref AS ref, t.{text_column} AS "
        f"{text_column}, t.description AS description, p.name AS owner FROM {table} AS t "
        "LEFT JOIN person AS p ON p.id = t.owner_id",
        f"CREATE VIRTUAL TABLE {fts} USING fts5(ref, {text_column}, description, owner, "
        f"content='{view}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert_new} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete_old} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF ref, {text_column}, description, owner_id "
        f"ON {table} BEGIN {delete_old} {insert_new} END",
        # A renamed person: re-index what they own, removing the rows as they were indexed.
        f"CREATE TRIGGER {fts}_owner_au AFTER UPDATE OF name ON person BEGIN "
        f"INSERT INTO {fts}({fts}, {columns}) SELECT 'delete', "
        f"{_values('t', text_column, 'old.name')} FROM {table} AS t WHERE t.owner_id = old.id; "
        f"INSERT INTO {fts}({columns}) SELECT {_values('t', text_column, 'new.name')} "
        f"FROM {table} AS t WHERE t.owner_id = new.id; END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for spec in _INDEXED:
        for statement in _statements(*spec):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for _table, fts, view, _column in _INDEXED:
        for suffix in ("ai", "ad", "au", "owner_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
        op.execute(f"DROP VIEW IF EXISTS {view}")
