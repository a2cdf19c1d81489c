"""Field values as JSON and back, exactly: what a recorded change stores of each record.

JSON has no dates or enums, so those are written as small tagged objects (``{"$": "date",
"v": "2026-03-01"}``) and read back as the same Python values: a ``date``, an aware
``datetime``, the same enum member. Lists stay lists (tuples become lists, as the services take
them); a dict is tagged too, so a stored value can never be mistaken for a tag.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from isms.model import enums

Values = dict[str, Any]

#: The enums a record's fields hold, by class name (all of ``isms.model.enums``).
_ENUMS: dict[str, type[enum.Enum]] = {
    name: kind for name, kind in vars(enums).items()
    if isinstance(kind, type) and issubclass(kind, enum.Enum) and kind.__module__ == enums.__name__
}


def encode(value: object) -> Any:
    """A JSON-ready form of a field value that :func:`decode` turns back into it."""
    if isinstance(value, enum.Enum):
        name = type(value).__name__
        if _ENUMS.get(name) is not type(value):
            raise TypeError(f"cannot record a value of {type(value).__qualname__}")
        return {"$": "enum", "t": name, "v": value.value}
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"$": "dict", "v": {str(k): encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot record a value of {type(value).__qualname__}")


def decode(stored: Any) -> Any:
    """The value :func:`encode` was given."""
    if isinstance(stored, list):
        return [decode(item) for item in stored]
    if not isinstance(stored, dict):
        return stored
    tag, value = stored.get("$"), stored.get("v")
    if tag == "enum":
        return _ENUMS[str(stored["t"])](value)
    if tag == "datetime":
        return datetime.fromisoformat(str(value))
    if tag == "date":
        return date.fromisoformat(str(value))
    if tag == "dict" and isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    raise ValueError(f"not a recorded value: {stored!r}")


def encode_values(values: Values) -> dict[str, Any]:
    return {name: encode(value) for name, value in values.items()}


def decode_values(stored: dict[str, Any]) -> Values:
    return {name: decode(value) for name, value in stored.items()}
