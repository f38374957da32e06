"""Rules on the numbers in titles, and the reading of a title's numbers (`title_numbers`, `read_title`) they rest on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resolve import KeyResultNode
from .base import Rule

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
