"""Periods and dates: a period id's dates in the fiscal year, the company's overrides, dates inside a period."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..load import Source
from ..model import Org
from ..problems import Location, error
from .nodes import OrgUnit, Period, UnitPeriod

if TYPE_CHECKING:
    from .portal import Resolver

PERIOD_KINDS = {"Q": "quarter", "H": "half"}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_dates(pid: str, fiscal_start_month: int = 1) -> tuple[str, dt.date, dt.date]:
    """(kind, start, end) of a period id; a fiscal year is named by the calendar year it ends in."""
    year = int(pid[:4])
    fy_start = dt.date(year - 1 if fiscal_start_month > 1 else year, fiscal_start_month, 1)
    if len(pid) == 4:
        kind, offset, months = "year", 0, 12
    else:
        kind, n = PERIOD_KINDS[pid[5]], int(pid[6])
        months = 3 if kind == "quarter" else 6
        offset = months * (n - 1)
    start = _add_months(fy_start, offset)
    return kind, start, _add_months(start, months) - dt.timedelta(days=1)



def resolve_periods(r: Resolver, org: Org, units: dict[str, OrgUnit]) -> dict[str, Period]:
    """Every period with goal files, with its dates (org.yaml's override when sound), and its files of known units."""
    periods = {}
    for pid in sorted(r.model.periods):
        kind, start, end = period_dates(pid, org.settings.fiscal_year_start_month)
        override = org.periods.get(pid)
        if override is not None and override.start <= override.end:
            start, end = override.start, override.end
        periods[pid] = Period(pid, kind, start, end)
    for pid, files in sorted(r.model.periods.items()):
        for unit_id, (pf, src, _) in sorted(files.items()):
            unit = units.get(unit_id)
            if unit is None:
                r.unknown(Location(src.path), "unit", unit_id, units, f"org/{unit_id}",
                          "Name the file after a unit in org.yaml (or the company id).")
                r.skipped.add(f"{pid}:{unit_id}/*")
                continue
            periods[pid].files[unit_id] = UnitPeriod(periods[pid], unit, src.path, retrospective=pf.retrospective,
                                                      private=pf.visibility == "private")
    return periods



def check_date(r: Resolver, src: Source, keys: tuple, day: dt.date, period: Period, name: str) -> None:
    """A date of the file at `keys` must lie in its period and not after today.

    The location is looked up only for a problem: a large company has hundreds of thousands of dates.
    """
    if not period.start <= day <= period.end and period.id not in r.undated:
        r.problems.append(error(src.at(*keys), "resolve.date-outside-period",
                                f"{name}: Expected a date inside {period.id} ({period.start} to {period.end}), got {day}",
                                "Check-ins belong to the period of their file; record this one in the right period."))
    elif day > r.today:
        r.problems.append(error(src.at(*keys), "resolve.future-date",
                                f"{name}: Expected a date on or before today ({r.today}), got {day}",
                                "Check-ins record what happened; date them when they are made (or pass --today)."))
