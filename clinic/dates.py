"""The years a date in a request may name, for every form and page that reads one.

Python's datetime ends at 9999-12-31 and starts at year 1: a date near either end overflows when
it is converted to another zone or stepped a day, and PostgreSQL stores instants psycopg cannot
read back. Nothing in this clinic happens outside these years, so a date outside them is refused
with a message instead. Site-wide, in clinic/, because both apps use it; the admins' mixin is
`clinic.admin.DateDrillDownInRange`.
"""

from datetime import date

MIN_YEAR, MAX_YEAR = 2000, 2100


def in_range(day: date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def year_in_range(value: str | None) -> bool:
    """Whether a ?<field>__year= value from a query string is a year in range."""
    return (
        value is not None
        and value.isascii()
        and value.isdigit()
        and (MIN_YEAR <= int(value) <= MAX_YEAR)
    )
