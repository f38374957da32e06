"""resolve_portal(): the steps of resolution in order, and what one resolution keeps while it runs."""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..load import Source
from ..model import CheckIn, KeyResult, Model, unknown_name
from ..problems import Location, Problem
from ..speed.memo import MISSING, Memo
from .alignment import resolve_alignment
from .calendar import check_date, resolve_periods
from .goals import resolve_objectives
from .kpis import resolve_kpis
from .nodes import Period, Portal
from .org import resolve_org


class Resolver:
    """One resolution's state: the model, today, the problems found so far, and what is skipped or unchecked."""

    def __init__(self, model: Model, today: dt.date, memo: Memo):
        self.model = model
        self.today = today
        self.problems: list[Problem] = []
        self.kept_checkins = memo.table("resolve-checkins")
        """{id(KeyResult): ((the KeyResult, first day, last day), its effective check-ins)}, for the key
        results whose check-ins were all fine (the model is kept with them: its id is not reused)."""
        self.skipped: set[str] = set()
        """"PERIOD:UNIT/*" of the files of an unknown unit: their objectives are not linked."""
        self.undated = {pid for pid, d in model.org.periods.items() if d.end < d.start} if model.org else set()
        """Periods whose dates in org.yaml are wrong (reported): no date is checked against them."""

    def checkins(self, kr: KeyResult, src: Source, path: tuple, period: Period, days: tuple[dt.date, dt.date]) -> list[CheckIn]:
        """A key result's effective check-ins, by date, one a day (the last written wins); a date outside
        the period or after today is reported.

        Taken from the last build's resolution (the memo) when it had the same key result model
        (validate_goals() keeps those of an unchanged file), the same period dates and the same today,
        and found no problem.
        """
        first, last = days  # the period's start, and its end or today when sooner
        kept = self.kept_checkins.get(id(kr), (kr, first, last), _same_key_result)
        if kept is not MISSING:
            return list(kept)
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
            self.kept_checkins.put(id(kr), (kr, first, last), tuple(effective))
        return effective

    # A name that was not found is reported unless the part that would define it did not validate
    # (`place`: "org/NAME", "kpi/NAME" or the goal's ref; see Model.unverified): one error in a file
    # must not cascade into dozens, and a file's other problems are reported all the same.
    def unknown(self, where: Location, what: str, name: str, known: Iterable[str], place: str, hint: str | None = None) -> None:
        if not self.model.unverified(place) and not any(place.startswith(s[:-1]) for s in self.skipped):
            self.problems.append(unknown_name(where, what, name, known, hint))


def resolve_portal(model: Model, today: dt.date, memo: Memo | None = None) -> tuple[Portal | None, list[Problem]]:
    """Link the validated model; None when org.yaml itself is unusable.

    With the `memo` of a rebuilding shell, the check-ins of an unchanged key result are taken as the
    last build ordered them (Resolver.checkins).
    """
    if model.org is None:
        return None, []
    r = Resolver(model, today, memo or Memo.none())
    org, src = model.org, model.org_source
    units, people = resolve_org(r, org, src)
    kpis = resolve_kpis(r, units, people)
    periods = resolve_periods(r, org, units)
    portal = Portal(units[org.company.id], org, org.settings, units, people, kpis, periods, {}, {}, set(model.partial))
    resolve_objectives(r, portal)
    resolve_alignment(r, portal)
    return portal, r.problems


def _same_key_result(old: tuple, new: tuple) -> bool:
    """The same key result model (by identity) in a period with the same first and last day."""
    return old[0] is new[0] and old[1] == new[1] and old[2] == new[2]
