"""Columns rendered as text by the database, identically on SQLite and PostgreSQL, for exports.

A million-row export spends most of its time turning values into Python objects and back into text;
the database can write dates, instants, flags and enum codes as text itself. The instants are UTC.
"""

from typing import Any

from sqlalchemy import String, case, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


class day_text(FunctionElement[str]):
    """A DATE as YYYY-MM-DD."""

    type = String()
    inherit_cache = True


class utc_text(FunctionElement[str]):
    """A UTC timestamp as ISO 8601 to the second: 2025-01-31T14:05:00+00:00."""

    type = String()
    inherit_cache = True


@compiles(day_text, "sqlite")
def _day_sqlite(element: day_text, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)  # SQLAlchemy stores SQLite dates as YYYY-MM-DD text


@compiles(day_text, "postgresql")
def _day_postgresql(element: day_text, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@compiles(utc_text, "sqlite")
def _utc_sqlite(element: utc_text, compiler: Any, **kw: Any) -> str:
    # stored as UTC text (db.base.UtcDateTime), 'YYYY-MM-DD HH:MM:SS.ffffff'
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {compiler.process(element.clauses, **kw)})"


@compiles(utc_text, "postgresql")
def _utc_postgresql(element: utc_text, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')"""


def flag_text(column: Any) -> ColumnElement[str]:
    """A boolean as true / false (null stays null)."""
    return case((column.is_(True), "true"), (column.is_(False), "false"))


def code_text(column: Any) -> ColumnElement[str]:
    """An enum column (stored as its name) as that text, without building the Python enum."""
    return type_coerce(column, String())


class money_text(FunctionElement[str]):
    """Integer cents as a decimal string: 1230 -> 12.30, -5 -> -0.05 (rules.money.format_cents, in SQL)."""

    type = String()
    inherit_cache = True


@compiles(money_text, "sqlite")
def _money_sqlite(element: money_text, compiler: Any, **kw: Any) -> str:
    c = compiler.process(element.clauses, **kw)
    return f"printf('%s%d.%02d', CASE WHEN {c} < 0 THEN '-' ELSE '' END, abs({c}) / 100, abs({c}) % 100)"


@compiles(money_text, "postgresql")
def _money_postgresql(element: money_text, compiler: Any, **kw: Any) -> str:
    c = compiler.process(element.clauses, **kw)
    return (f"CASE WHEN {c} < 0 THEN '-' ELSE '' END || (abs({c}) / 100)::text || '.' "
            f"|| lpad((abs({c}) % 100)::text, 2, '0')")

