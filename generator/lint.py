"""Advice on goals: the SMART and FAST checks an OKR coach would raise.

Each rule is a small class with an `ID` (kebab-case; its problem code is
`lint.<ID>`), a one-line `SUMMARY`, a `WHY` for the docs, and `objective()`,
which yields the warnings about one objective and its key results, or, for a
rule that compares goals with each other, `check()` over all of them (`Live`
gathers what the rules look at, once for all of them). Rules on objectives and
key results look only at running and upcoming periods: a closed period is
frozen history, and advice on it could never be acted on. KPI rules look at
every KPI, private ones too: `goalsite check` is read by the people who write the
goals, never published.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from .problems import Problem, warning
from .resolve import KeyResultNode, ObjectiveNode, Portal
from .score import Scores
from .speed.memo import Memo

MAX_KEY_RESULTS = 5
MAX_OBJECTIVES = 5
MAX_OWNED_KEY_RESULTS = 8
LOW_CONFIDENCE = 4


class Rule:
    """A lint rule: subclasses set ID, SUMMARY, WHY and implement objective(), or check() and
    PER_OBJECTIVE = False for a rule that compares goals with each other."""

    ID = ""
    SUMMARY = ""
    WHY = ""

    def check(self, live: "Live") -> Iterator[Problem]:
        """A rule that compares goals with each other (PER_OBJECTIVE = False): its warnings."""
        raise NotImplementedError

    def objective(self, obj: ObjectiveNode, live: "Live") -> Iterator[Problem]:
        """A rule on one objective and its key results: its warnings, from what `_inputs()` holds of it."""
        raise NotImplementedError

    #: Whether the rule looks at one objective at a time (objective()) rather than the whole portal (check()).
    PER_OBJECTIVE = True

    #: Whether the rule can warn about goals nobody changed, only because `today` moved on (a check-in or
    #: a KPI reading grew old). Such warnings pile up in any busy repository, so `--changed-since` never
    #: fails a proposal on them (see cli.md, "Checking a proposal").
    DATE_DRIVEN = False

    def warn(self, node, message: str, hint: str | None = None) -> Problem:
        return warning(node.location, f"lint.{self.ID}", message, hint)


class Live:
    """What the rules look at: the portal, its scores, and the periods not closed yet with their goals."""

    def __init__(self, portal: Portal, scores: Scores) -> None:
        self.portal = portal
        self.scores = scores
        self.periods = [p for p in portal.periods.values() if p.state(scores.today) != "closed"]
        self.objectives: list[ObjectiveNode] = [o for p in self.periods for up in p.files.values() for o in up.objectives
                                                if portal.objectives[o.ref] is o  # not a duplicate id
                                                and o.ref not in portal.incomplete]  # parts of it had errors


class NoKeyResults(Rule):
    ID = "no-key-results"
    SUMMARY = "An objective has no key results."
    WHY = "Without key results nobody can tell whether the objective was reached (SMART: measurable)."

    def objective(self, obj, live):
        if not obj.key_results:
            yield self.warn(obj, f"Objective '{obj.id}' has no key results",
                            "Add 1 to 4 key results that show, in numbers, that the objective was reached.")


class TooManyKeyResults(Rule):
    ID = "too-many-key-results"
    SUMMARY = f"An objective has more than {MAX_KEY_RESULTS} key results."
    WHY = "Focus: more than a handful of key results dilutes attention; most OKR guides advise 1 to 4."

    def objective(self, obj, live):
        if len(obj.key_results) > MAX_KEY_RESULTS:
            yield self.warn(obj, f"Objective '{obj.id}' has {len(obj.key_results)} key results; expected at most {MAX_KEY_RESULTS}",
                            "Keep the 3 or 4 that matter most; move the rest to initiatives or to a KPI.")


class TooManyObjectives(Rule):
    ID = "too-many-objectives"
    SUMMARY = f"A unit has more than {MAX_OBJECTIVES} objectives in a period."
    WHY = "A team that chases everything achieves little; focus is the first promise of OKRs."
    PER_OBJECTIVE = False

    def check(self, live):
        for period in live.periods:
            for up in period.files.values():
                if len(up.objectives) > MAX_OBJECTIVES:
                    yield self.warn(up.objectives[MAX_OBJECTIVES],
                                    f"Unit '{up.unit.id}' has {len(up.objectives)} objectives in {period.id}; expected at most {MAX_OBJECTIVES}",
                                    "Pick the few that matter most this period.")


class StaleCheckin(Rule):
    ID = "stale-checkin"
    SUMMARY = "A key result of the running period has no check-in within `checkin_every_days`."
    WHY = "FAST goals are frequently discussed: a weekly check-in keeps progress, confidence and blockers visible."
    DATE_DRIVEN = True

    def objective(self, obj, live):
        for kr in obj.key_results:
            fact = live.scores.key_results[kr.ref]
            if not fact.stale:
                continue
            since = f"since {fact.last_update}" if fact.last_update else "since the period started"
            if kr.from_kpi:
                every = kr.kpi.kpi.update_every_days or live.portal.settings.checkin_every_days
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' takes its values from KPI '{kr.kpi.id}', "
                                    f"which has had no new value {since} (more than {every} days)",
                                "Add the KPI's latest reading to its values, or check in on the key result itself.")
            else:
                every = live.portal.settings.checkin_every_days
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has had no check-in {since} (more than {every} days)",
                                "Add a check-in under its checkins: with date, value, confidence and a note.")


class MetricNoUnit(Rule):
    ID = "metric-no-unit"
    SUMMARY = "A key result's metric has no unit."
    WHY = "\"25\" means nothing to a reader; \"25 logos\" or \"25 %\" is specific."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.kr.metric is not None and not (kr.kr.metric.unit or "").strip():
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has a metric with no unit",
                                "Add unit: to the metric, e.g. unit: \"%\" or unit: customers.")


class Unaligned(Rule):
    ID = "unaligned"
    SUMMARY = "A team objective aligns to nothing."
    WHY = "Alignment shows how a team's work adds up to the company's goals; an unaligned objective may be a side quest."

    def objective(self, obj, live):
        if not obj.unit.is_company and not obj.obj.aligns_to:
            yield self.warn(obj, f"Objective '{obj.id}' of {obj.unit.id} aligns to nothing",
                            "Add aligns_to: with the parent objective or key result it supports, e.g. aligns_to: acme/grow-revenue.")


class OwnerOverloaded(Rule):
    ID = "owner-overloaded"
    SUMMARY = f"A person owns more than {MAX_OWNED_KEY_RESULTS} key results in one period."
    WHY = "Ownership means attention; nobody can push that many results forward at once."
    PER_OBJECTIVE = False

    def check(self, live):
        for period in live.periods:
            krs = [kr for up in period.files.values() for o in up.objectives for kr in o.key_results if kr.owner]
            counts = Counter(kr.owner.id for kr in krs)
            for person, n in sorted(counts.items()):
                if n > MAX_OWNED_KEY_RESULTS:
                    first = next(kr for kr in krs if kr.owner.id == person)
                    yield self.warn(first, f"{person} owns {n} key results in {period.id}; expected at most {MAX_OWNED_KEY_RESULTS}",
                                    "Share ownership with collaborators, or drop the least important results.")


_PERCENT_OR_MONEY = re.compile(r"\d\s*%|[$€£¥]\s*\d|\d\s*[kKmM]\b")
_DIGIT = re.compile(r"\d")


class ObjectiveLooksLikeKeyResult(Rule):
    ID = "objective-looks-like-kr"
    SUMMARY = "An objective's title holds a target (a percentage or an amount)."
    WHY = "Objectives say where to go and why, in words that inspire; the numbers belong in the key results."

    def objective(self, obj, live):
        if _PERCENT_OR_MONEY.search(obj.obj.title):
            yield self.warn(obj, f"Objective '{obj.id}' has a target in its title: {obj.obj.title!r}",
                            "Say what you want to achieve and why in the title; move the number into a key result.")


class KeyResultNoNumber(Rule):
    ID = "kr-vague-title"
    SUMMARY = "A measured key result's title names no number."
    WHY = "SMART: a reader of the title alone should know the target (\"from 85% to 92%\")."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.kr.metric is not None and not _DIGIT.search(kr.kr.title):
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' names no number in its title",
                                "State the target in the title, e.g. \"Raise NPS from 31 to 45\".")


class AllMilestones(Rule):
    ID = "all-milestones"
    SUMMARY = "Every key result of an objective is a milestone."
    WHY = "Milestones measure output (we shipped it), not outcome (it made a difference); keep at least one measured result."

    def objective(self, obj, live):
        if len(obj.key_results) > 1 and all(kr.kr.milestone for kr in obj.key_results):
            yield self.warn(obj, f"Every key result of '{obj.id}' is a milestone",
                            "Add a key result that measures the outcome the milestones should bring about.")


class LowConfidenceNoBlockers(Rule):
    ID = "low-confidence-no-blockers"
    SUMMARY = f"The latest check-in has a confidence of {LOW_CONFIDENCE} or less and names no blockers."
    WHY = "Transparency: when confidence drops, saying what blocks the result is how others can help."

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.from_kpi or live.scores.today > kr.objective.period.end:
                continue
            latest = live.scores.key_results[kr.ref].latest
            if latest is not None and latest.confidence is not None and latest.confidence <= LOW_CONFIDENCE and not latest.blockers:
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' has confidence {latest.confidence} on {latest.date} and no blockers",
                                "Add blockers: to that check-in, saying what stands in the way.")


class LeadingKpiPredictsNothing(Rule):
    ID = "leading-kpi-predicts-nothing"
    SUMMARY = "A leading KPI names no KPI it predicts."
    WHY = "A leading indicator earns its place by predicting a lagging one; say which."
    PER_OBJECTIVE = False

    def check(self, live):
        for kpi in live.portal.kpis.values():
            if kpi.kpi.indicator == "leading" and not kpi.kpi.predicts:  # as written: a KPI it names may have errors
                yield self.warn(kpi, f"Leading KPI '{kpi.id}' predicts no KPI",
                                "Add predicts: [LAGGING-KPI-ID].")


class KpiNoThreshold(Rule):
    ID = "kpi-no-threshold"
    SUMMARY = "A KPI has no health threshold."
    WHY = "Without a threshold nobody can tell when a KPI turns unhealthy and needs an OKR."
    PER_OBJECTIVE = False

    def check(self, live):
        for kpi in live.portal.kpis.values():
            if kpi.kpi.metric is None:
                yield self.warn(kpi, f"KPI '{kpi.id}' has no threshold",
                                "Add metric: {unit: ..., keep_above: X} (or keep_below, keep_between).")


class KpiStale(Rule):
    ID = "kpi-stale"
    SUMMARY = "A KPI has no value within its `update_every_days`."
    WHY = "A health metric that is not kept up to date cannot warn anyone."
    PER_OBJECTIVE = False
    DATE_DRIVEN = True

    def check(self, live):
        for kpi in live.portal.kpis.values():
            fact = live.scores.kpis[kpi.id]
            if fact.stale:
                since = f"since {fact.latest_date}" if fact.latest_date else "yet"
                yield self.warn(kpi, f"KPI '{kpi.id}' has no value {since} (update_every_days: {kpi.kpi.update_every_days})",
                                f"Add the latest reading from: {kpi.kpi.source or 'its source'}.")


# --- what a key result's title says of its metric ---------------------------------------------------------

_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_UNIT_SCALES = {"k": 1e3, "K": 1e3, "thousand": 1e3, "M": 1e6, "Mn": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9,
                "B": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"(?<![\w.,/:-])(?P<sign>[-−])?(?P<cur>[€$£¥])?\s?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<pct>\s?%)|(?P<suffix>k|K|M|bn|x)(?![\w-])|\s(?P<word>thousand|million|billion|bn|mn)\b)?"
    r"(?![\w:/-]|[.,]\d)")
_WORD = re.compile(r"\s+([^\W\d_]+(?:/[^\W\d_]+)?)(?![\w-])")
_STOP = {"to", "and", "or", "by", "in", "of", "for", "per", "on", "at", "a", "an", "the", "all", "this", "next", "each",
         "every", "across", "through", "during", "within", "before", "after", "from", "up", "down", "while", "with",
         "than", "over", "under", "new", "more", "less", "is", "are", "as", "again", "our", "their", "its"}


@dataclass(frozen=True)
class TitleNumber:
    """A quantity written in a title: "61%", "€2.4M", "142,000", "14 million", "12 days"."""

    value: float
    """The number as written, before any scale: 2.4 for "€2.4M", 61 for "61%"."""
    span: tuple[int, int]
    """Where it is in the title (start, end), its unit word included: what a writer would replace."""
    scale: float = 1.0
    """1e3 for "k" and "thousand", 1e6 for "M" and "million", 1e9 for "bn" and "billion"."""
    percent: bool = False
    currency: str = ""
    unit: str = ""
    """The word right after it ("days" of "12 days"), when it has no %, currency or scale and that word is not a
    small word ("to", "by", "new")."""
    places: int = 0
    """How many decimals were written: a title rounds, and "70%" is no contradiction of 70.2."""

    def agrees(self, value: float, unit: str | None = None) -> bool:
        """Whether a metric's `value` (in `unit`) can be what this number says: as written, in its scale
        ("€2.4M" and 2,400,000), as a fraction ("70%" and 0.7) or in the unit's scale ("€2,400,000" and 2.4 "€M")."""
        half = 0.5 * 10 ** -self.places + 1e-9
        factors = {1.0, self.scale, 0.01 if self.percent else 1.0}
        factors |= {f / _unit_scale(unit) for f in set(factors)}
        return any(abs(self.value * f - value) <= half * f for f in factors)


def _unit_scale(unit: str | None) -> float:
    return next((_UNIT_SCALES[w] for w in re.findall(r"[A-Za-z]+", unit or "") if w in _UNIT_SCALES), 1.0)


@dataclass(frozen=True)
class TitleClaim:
    """What a title says its metric is: `form` "range" (from, to), "target" (to), "keep_above", "keep_below"
    or "keep_between" (low, high), or "count" (a title's one number, e.g. "Sign 25 new logos")."""

    form: str
    numbers: tuple[TitleNumber, ...]
    text: str
    """The words that say it: "from 61% to 70%"."""


_BEFORE = [  # (form of a claim on one number, the words right before it)
    ("keep_above", re.compile(r"(?:\b(?:at or above|at least|above|no less than|not below|minimum of|min\.?)|≥|>=)\s*$", re.I)),
    ("keep_below", re.compile(r"(?:\b(?:at or below|at most|below|under|no more than|not above|maximum of|max\.?|"
                              r"less than|fewer than)|≤|<=)\s*$", re.I)),
]
_PAIRS = [  # (form, the words before the first number, the words between the two, whether the target comes first)
    ("range", re.compile(r"\bfrom\s*$", re.I), re.compile(r"^\s+to\s+$", re.I), False),
    ("range", None, re.compile(r"^\s*(?:→|->|⟶)\s*$"), False),
    ("range", None, re.compile(r"^[^\d]*[\s,](?:up|down)\s+from\s+$", re.I), True),
    ("keep_between", re.compile(r"\bbetween\s*$", re.I), re.compile(r"^\s+and\s+$", re.I), False),
]


def read_title(title: str) -> list[TitleClaim]:
    """What a key result's title says its metric is, from the quantities in it (see `title_numbers`).

    "from 61% to 70%", "61% → 70%" and "90%, up from 72%" are ranges; "between 99.9% and 100%", "at or above
    86%" and "at most 4 hours" keep forms; "to 70%" in a title with no other number a target; and a title's
    only number otherwise a count ("Sign 25 new logos"). Conservative: what it cannot read, it leaves out.
    """
    numbers = title_numbers(title)
    claims = []
    for a, b in zip(numbers, numbers[1:]):
        for form, before, between, reverse in _PAIRS:
            start = before.search(title[:a.span[0]]) if before is not None else None
            if between.match(title[a.span[1]:b.span[0]]) and (before is None or start) and (len(numbers) == 2 or not reverse):
                text = title[start.start() if start else a.span[0]:b.span[1]]
                claims.append(TitleClaim(form, (b, a) if reverse else (a, b), text))
    for n in numbers:
        for form, before in _BEFORE:
            if before.search(title[:n.span[0]]):
                claims.append(TitleClaim(form, (n,), title[before.search(title[:n.span[0]]).start():n.span[1]].strip()))
    if len(numbers) == 1 and not claims:
        n = numbers[0]
        to = re.search(r"\bto\s*$", title[:n.span[0]], re.I)
        claims.append(TitleClaim("target", (n,), title[to.start():n.span[1]]) if to else
                      TitleClaim("count", (n,), title[n.span[0]:n.span[1]]))
    return claims


def title_numbers(title: str) -> list[TitleNumber]:
    """Every quantity in a key result's title, in order.

    A number glued to a word is none ("Q4", "p95", "90-day", "tier-1", "24/7", "15:00"), nor is a year (a
    whole number from 1900 to 2100 with nothing around it). The unit word of "12 days" goes with its number.
    """
    out = []
    for m in _NUMBER.finditer(title):
        digits = m["digits"]
        value = float(digits.replace(",", "")) * (-1 if m["sign"] else 1)
        scale = (m["suffix"] or m["word"] or "").lower()
        bare = not (m["cur"] or m["pct"] or scale)
        if bare and "." not in digits and "," not in digits and 1900 <= value <= 2100:
            continue
        end, unit = m.end(), ""
        following = _WORD.match(title, end)
        if bare and following and following[1].lower() not in _STOP and following[1].lower() not in _SCALES:
            unit, end = following[1], following.end()
        out.append(TitleNumber(value, (m.start(), end), _SCALES.get(scale, 1.0), bool(m["pct"]), m["cur"] or "",
                               unit, len(digits.split(".")[1]) if "." in digits else 0))
    return out


def _words(text: str) -> list[str]:
    """The words of `text`, lowercase, a plural's "s" dropped ("days" and "day" alike; "ms" stays "ms")."""
    return [w.lower()[:-1] if len(w) > 3 and w.lower().endswith("s") else w.lower() for w in re.findall(r"[^\W\d_]+", text)]


def _claim_for(kr: KeyResultNode) -> tuple[TitleClaim, tuple[float, ...]] | None:
    """The one claim of the title that speaks of the metric's form, and the metric's values it must agree with."""
    m = kr.kr.metric
    title = kr.kr.title
    values = {"increase": (m.from_, m.to), "reduce": (m.from_, m.to), "keep_between": tuple(m.keep_between or ()),
              "keep_above": (m.keep_above,), "keep_below": (m.keep_below,)}[m.form]
    forms = ("range", "target", "count") if m.form in ("increase", "reduce") else (m.form,)
    claims = [c for c in read_title(title) if c.form in forms]
    if len(claims) != 1:
        return None  # nothing said, or more than one thing: too unsure to tell
    claim, unit = claims[0], m.unit or ""
    words = set(_words(unit))
    loose = claim.form in ("target", "count")  # "to 300 apparel products": the unit may follow an adjective
    if words and any(n.unit and not (set(_words(n.unit)) & words or loose and words & set(_words(title[n.span[0]:])[:6]))
                     for n in claim.numbers):
        return None  # "from 1.2 s to 800 ms" of a metric in ms: a conversion, not a contradiction
    if claim.form == "count" and (m.from_ != 0 or not _counts(claim.numbers[0], title, unit)):
        return None  # "Win 3 markets" may count something else than the metric does
    return claim, values[-1:] if claim.form in ("target", "count") else values


def _counts(n: TitleNumber, title: str, unit: str) -> bool:
    """Whether a title's only number counts what the metric's unit names: the unit is among the next words
    ("25 new mid-market logos"), or written on the number itself ("€15M" of "€M", "60%" of "%")."""
    said = n.currency + ("%" if n.percent else "") + {1e3: "k", 1e6: "M", 1e9: "bn"}.get(n.scale, "")
    return bool(set(_words(unit)) & set(_words(title[n.span[0]:])[:6])) or bool(said) and unit.replace(" ", "") == said


class KeyResultTitleContradictsMetric(Rule):
    ID = "kr-title-contradicts-metric"
    SUMMARY = "A key result's title states numbers its metric contradicts."
    WHY = ("The title is what people read and quote; when it says \"from 61% to 70%\" and the metric's target is 66, "
           "half the readers work towards the wrong number.")

    def objective(self, obj, live):
        for kr in obj.key_results:
            if kr.kr.metric is None:
                continue
            found = _claim_for(kr)
            if found is None:
                continue
            claim, values = found
            unit = kr.kr.metric.unit
            if not all(n.agrees(v, unit) for n, v in zip(claim.numbers, values)):
                yield self.warn(kr, f"Key result '{kr.objective.id}/{kr.id}' says {claim.text!r} in its title, "
                                    f"but its metric says {_in_words(claim.form, values, unit)}",
                                "Make them agree: write the metric's numbers in the title (or fix the metric).")


def _in_words(form: str, values: tuple[float, ...], unit: str | None) -> str:
    """What the metric says, in the words of the title's claim: "from 61 to 66 %", "at or above 35 points"."""
    numbers = [f"{v:,.3f}".rstrip("0").rstrip(".") for v in values]
    words = {"range": "from {} to {}", "target": "to {}", "count": "{}", "keep_between": "between {} and {}",
             "keep_above": "at or above {}", "keep_below": "at or below {}"}[form].format(*numbers)
    return f"{words} {unit}" if unit else words


RULES: dict[str, type[Rule]] = {
    rule.ID: rule
    for rule in (
        NoKeyResults, TooManyKeyResults, TooManyObjectives, StaleCheckin, MetricNoUnit, Unaligned,
        OwnerOverloaded, ObjectiveLooksLikeKeyResult, KeyResultNoNumber, AllMilestones,
        LowConfidenceNoBlockers, LeadingKpiPredictsNothing, KpiNoThreshold, KpiStale,
        KeyResultTitleContradictsMetric,
    )
}


def lint_portal(portal: Portal, scores: Scores, memo: Memo | None = None) -> list[Problem]:
    """Every rule's warnings.

    With the `memo` of a rebuilding shell, an objective whose inputs (`_inputs`) are those of the last
    build keeps the warnings the rules on one objective gave it then: after one goal edit, `goalsite
    serve` lints again only the objectives the edit changed (and the rules that compare goals with each
    other, in full; `memo.stats("lint")` counts the objectives kept).
    """
    live = Live(portal, scores)
    rules = [rule() for rule in RULES.values()]
    out = [p for rule in rules if not rule.PER_OBJECTIVE for p in rule.check(live)]
    per_objective = [rule for rule in rules if rule.PER_OBJECTIVE]
    table = (memo or Memo.none()).table("lint", (scores.today, portal.settings.checkin_every_days))
    for obj in live.objectives:
        out += table.lookup(obj.ref, _inputs(obj, scores),
                            lambda obj=obj: [p for rule in per_objective for p in rule.objective(obj, live)], _same)
    return out


def _same(old: tuple, new: tuple) -> bool:
    """The same file (by identity: see _inputs) and equal other inputs."""
    return old[0] is new[0] and old[1] == new[1]


def _inputs(obj: ObjectiveNode, scores: Scores) -> tuple[object, tuple]:
    """(the objective's file as load.py read it, everything else its warnings depend on besides the context).

    The file is compared by identity: load.py keeps the Source of an unchanged file, and only the same
    Source gives the same lines to the warnings. The models and the scores of an unchanged objective
    are the same objects as last time too (load.py, score.py), so the comparison is mostly `is`.
    """
    where = obj.where
    source = where[0] if isinstance(where, tuple) else where
    return source, (obj.obj, where[1] if isinstance(where, tuple) else None, obj.unit.is_company,
                    obj.period.start, obj.period.end,
                    tuple((kr.kr, scores.key_results[kr.ref], kr.from_kpi, kr.kpi.id if kr.kpi else None,
                           kr.kpi.kpi.update_every_days if kr.kpi else None) for kr in obj.key_results))
