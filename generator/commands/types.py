"""The argument types of the verbs: each checks its value and fails with what it expected (click's usage error, exit 2)."""

from __future__ import annotations

import datetime as dt

import click

from ..ids import PERIOD_RE, SLUG_RE


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"expected a date YYYY-MM-DD, got {value!r}", param, ctx)


class NumberType(click.ParamType):
    """A finite number; whole numbers stay whole (12, not 12.0, in the goal file)."""

    name = "NUMBER"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            self.fail(f"expected a finite number, got {value!r}", param, ctx)
        return number


class KeyResultRefType(click.ParamType):
    """UNIT/OBJECTIVE/KR: three ids."""

    name = "UNIT/OBJECTIVE/KR"

    def convert(self, value, param, ctx):
        parts = str(value).split("/")
        if len(parts) != 3 or not all(SLUG_RE.match(p) for p in parts):
            self.fail(f"expected UNIT/OBJECTIVE/KR (three ids), got {value!r}", param, ctx)
        return tuple(parts)


class PeriodIdType(click.ParamType):
    """A period id: YYYY, YYYY-HN or YYYY-QN."""

    name = "PERIOD"

    def convert(self, value, param, ctx):
        if not PERIOD_RE.match(str(value)):
            self.fail(f"expected a period id (2026, 2026-H2, 2026-Q4), got {value!r}", param, ctx)
        return str(value)
