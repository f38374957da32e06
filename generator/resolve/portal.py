"""resolve_portal(): the steps of resolution in order, and what one resolution keeps while it runs."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..load import Source
from ..model import CheckIn, KeyResult, Model, unknown_name
from ..problems import Location, Problem
from .alignment import resolve_alignment
from .calendar import check_date, resolve_periods
from .goals import resolve_objectives
from .kpis import resolve_kpis
from .nodes import Period, Portal
from .org import resolve_org


class Resolver:
    """One resolution's state: the model, today, the problems found so far, and what is skipped or unchecked."""

    def __init__(self, model: Model, today: dt.date):
        self.model = model
        self.today = today
        self.problems: list[Problem] = []
        self.kept_checkins: dict[int, tuple] = {}
        self.skipped: set[str] = set()
        """"PERIOD:UNIT/*" of the files of an unknown unit: their objectives are not linked."""
        self.undated = {pid for pid, d in model.org.periods.items() if d.end < d.start} if model.org else set()
        """Periods whose dates in org.yaml are wrong (reported): no date is checked against them."""

    def checkins(self, kr: KeyResult, src: Source, path: tuple, period: Period, days: tuple[dt.date, dt.date]) -> list[CheckIn]:
        """A key result's effective check-ins, by date, one a day (the last written wins); a date outside
        the period or after today is reported.

        Taken from the last resolution of this process when it had the same key result model (load.py keeps
        those of an unchanged file), the same period dates and the same today, and found no problem.
        """
        first, last = days  # the period's start, and its end or today when sooner
        kept = _last_checkins.get(id(kr))
        if kept is not None and kept[0] is kr and kept[1] == first and kept[2] == last:
            self.kept_checkins[id(kr)] = kept
            return list(kept[3])
        checkins = kr.checkins
        ordered = True  # dates one after another, as people write them: the check-ins are already effective
        fine = period.id not in self.undated  # (dates not checked against wrong period dates: not kept either)
        previous = None
        for c, checkin in zip(self.model.places(kr, "checkins"), checkins):
            day = checkin.date
            # a large company has hundreds of thousands of dates: most are fine
            if not first <= day <= last and (period.id not in self.undated or day > self.today):
                check_date(self, src, (*path, "checkins", c, "date"), day, period, "checkins.date")
                fine = False
            if previous is not None and day <= previous:
                ordered = False
            previous = day
        if ordered:
            effective = list(checkins)
        else:
            latest: dict[dt.date, CheckIn] = {}
            for checkin in checkins:
                latest[checkin.date] = checkin
            effective = [latest[d] for d in sorted(latest)]
        if fine:
            self.kept_checkins[id(kr)] = (kr, first, last, tuple(effective))
        return effective

    # A name that was not found is reported unless the part that would define it did not validate
    # (`place`: "org/NAME", "kpi/NAME" or the goal's ref; see Model.unverified): one error in a file
    # must not cascade into dozens, and a file's other problems are reported all the same.
    def unknown(self, where: Location, what: str, name: str, known: Iterable[str], place: str, hint: str | None = None) -> None:
        if not self.model.unverified(place) and not any(place.startswith(s[:-1]) for s in self.skipped):
            self.problems.append(unknown_name(where, what, name, known, hint))


def resolve_portal(model: Model, today: dt.date) -> tuple[Portal | None, list[Problem]]:
    """Link the validated model; None when org.yaml itself is unusable."""
    if model.org is None:
        return None, []
    r = Resolver(model, today)
    org, src = model.org, model.org_source
    units, people = resolve_org(r, org, src)
    kpis = resolve_kpis(r, units, people)
    periods = resolve_periods(r, org, units)
    portal = Portal(units[org.company.id], org, org.settings, units, people, kpis, periods, {}, {}, set(model.partial))
    resolve_objectives(r, portal)
    resolve_alignment(r, portal)
    global _last_checkins
    _last_checkins = r.kept_checkins
    return portal, r.problems


#: {id(KeyResult): (the KeyResult, first day, last day, its effective check-ins)} of the last resolve_portal()
#: of this process, for the key results whose check-ins were all fine (it holds the model: an id is not reused).
_last_checkins: dict[int, tuple] = {}
