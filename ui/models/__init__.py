"""Qt item models over isms queries: ids first, rows fetched lazily, sort and filter in SQL."""
