"""The one rule for the review dates people type: a risk's, an asset's or a control's next review
and the day evidence stops being current.

A date before 2000 or decades ahead is a slip of the keyboard (1900 for 2026, 2206 for 2026),
never a plan: taken as given it would hide a record from every "due" list for years, or show it
as overdue since before the council had a register. Meeting dates are checked with the meetings
(services/reviews).
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import ValidationError

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 10


def latest(today: date) -> date:
    """The last day a review date may fall on: ``YEARS_AHEAD`` years from ``today``."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February, ten years on, is 28 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_review_date(day: date, what: str, field: str, today: date | None = None) -> date:
    """``day`` if it is a plausible review date; else a ValidationError naming ``what`` ("the
    next review") and ``field``."""
    until = latest(today or date.today())
    if day < EARLIEST:
        raise ValidationError(
            f"{what[:1].upper()}{what[1:]} ({day}) is before {EARLIEST.year}: give the date it "
            "is due.", field=field)
    if day > until:
        raise ValidationError(
            f"{what[:1].upper()}{what[1:]} ({day}) is more than {YEARS_AHEAD} years ahead (after "
            f"{until}): give a nearer date.", field=field)
    return day


def check_valid_days(start: date, days: int, field: str = "valid_days",
                     today: date | None = None) -> int:
    """``days`` if evidence dated ``start`` and valid that long expires on a plausible date
    (see check_review_date); else a ValidationError naming ``field``."""
    until = latest(today or date.today())
    if days > (until - start).days:
        raise ValidationError(
            f"Valid for {days:,} days from {start} runs more than {YEARS_AHEAD} years ahead "
            f"(after {until}): give a nearer expiry.", field=field)
    check_review_date(start + timedelta(days=days), "the expiry", field, today)
    return days
