"""Free-text search conditions for the register tables.

On SQLite the asset and risk tables have trigram FTS5 indexes (migration 0004) over reference,
name/title, description and owner name, so a substring search is an index lookup instead of a
scan of 100,000 rows. A trigram index cannot answer a term shorter than three characters, and
PostgreSQL registers have no such index: those searches use LIKE (SQLite) / ILIKE (PostgreSQL)
on the same columns, and a caller cannot tell which one answered.

All give the same rows: the term is a literal substring (``%``, ``_`` and ``"`` mean
themselves), matched without regard to case. One difference remains by design of SQLite itself:
LIKE folds only ASCII letters, FTS5 folds all of Unicode, so "É" finds "é" through the index
(PostgreSQL's ILIKE folds by the database's locale, all of Unicode in a UTF-8 one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, column, or_, select, table
from sqlalchemy.orm import Session

#: Shortest term the trigram index can answer.
FTS_MIN_CHARS = 3


def term_of(search: str | None) -> str:
    """The term actually searched for: the text with surrounding blanks removed."""
    return (search or "").strip()


def fts_phrase(term: str) -> str:
    """``term`` as one FTS5 string: inside double quotes every character is literal except the
    double quote itself, which is doubled."""
    return '"' + term.replace('"', '""') + '"'


def uses_index(session: Session, term: str) -> bool:
    return len(term) >= FTS_MIN_CHARS and session.get_bind().dialect.name == "sqlite"


def like_any(term: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive literal substring match in any of ``columns`` (LIKE with escaping)."""
    return or_(*(c.icontains(term, autoescape=True) for c in columns))


def fts_ids(index: str, term: str) -> Any:
    """``SELECT rowid FROM <index> WHERE <index> MATCH '"term"'`` as a subquery of ids."""
    fts = table(index, column("rowid"), column(index))
    return select(fts.c.rowid).where(fts.c[index].match(fts_phrase(term)))


def condition(
    session: Session, search: str | None, id_column: Any, index: str, *columns: Any
) -> ColumnElement[bool] | None:
    """The WHERE condition for a search box's text, or None for an empty search."""
    term = term_of(search)
    if not term:
        return None
    if uses_index(session, term):
        return id_column.in_(fts_ids(index, term))  # type: ignore[no-any-return]
    return like_any(term, *columns)
