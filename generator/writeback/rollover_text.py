"""Text that `goalsite rollover` carries into the new period, made true for it.

* **Key result titles.** A rollover moves a metric's `from` to the last value of the old period. A
  title that states the old numbers ("Raise completion from 61% to 70%", "NPS 41 → 50") would then
  contradict its metric, so `retitle()` rewrites the baseline of each such phrase, in the style it
  was written (66.7%, 142,500, €2.45M). A title that names the old baseline in any other way, or
  whose phrase stated another baseline than the metric's already, is left as written and
  reported, for a person to reword.
* **Header comments** (the comment lines above the first key): `rewrite_header()` rewrites the
  old period's id ("2026-Q4", "Q4 2026"), its first and last day, and its month names (when both
  periods have as many months) to the new period's, and drops a line that names any other day of
  the old period, since it cannot say what that day becomes.

Pure functions of strings and dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal

_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CURRENCY = r"[€$£¥]?"
# "from 61% to 70%", "from 9 days to 4 days", "€2.4M → €1.6M", "41 -> 50": a baseline, a unit of at most
# two words, a link word or arrow, and the target.
_PHRASE = re.compile(
    rf"(?<![\w.,])(?P<cur>{_CURRENCY})(?P<a>{_NUMBER})(?P<unit>\s?[^\s\d]{{1,12}}?(?:\s[^\s\d]{{1,12}}?)?)?"
    rf"\s*(?:\bto\b|→|->|⟶|=>)\s*{_CURRENCY}(?P<b>{_NUMBER})(?![\d,]*\d)")
_TOKEN = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})(?P<s>bn|[kKMB])?(?![\d,]*\d)")
_SCALES = {"k": 1e3, "K": 1e3, "M": 1e6, "bn": 1e9, "B": 1e9}


@dataclass(frozen=True)
class Retitled:
    """A title for a key result whose metric now starts at a new value."""

    title: str
    rewritten: list[tuple[str, str]]  # (old number, new number) of each phrase rewritten
    stale: list[str]  # numbers that still name the old baseline, or state another one in an "A to B" phrase


def retitle(title: str, old_from: float, new_from: float, to: float) -> Retitled:
    """`title` with each "A to B" / "A → B" phrase whose A is `old_from` and B is `to` starting at `new_from`."""
    rewritten: list[tuple[str, str]] = []
    wrong: list[str] = []  # baselines of phrases about this metric that were not its from even before

    def fix(m: re.Match) -> str:
        unit = (m.group("unit") or "").strip()
        scale = _scale_of(m.group("a"), unit, old_from)
        if scale is None or not _same(_value(m.group("b")) * scale, to):
            if _scale_of(m.group("b"), unit, to) is not None and _scale_of(m.group("a"), unit, new_from) is None:
                wrong.append(m.group("a"))
            return m.group(0)
        number = _format_like(new_from / scale, m.group("a"))
        rewritten.append((m.group("a"), number))
        start = m.start("a") - m.start()
        return m.group(0)[:start] + number + m.group(0)[start + len(m.group("a")):]

    new = _PHRASE.sub(fix, title)
    stale = wrong + [t.group("n") for t in _TOKEN.finditer(new)
                     if _same(_value(t.group("n")) * _SCALES.get(t.group("s") or "", 1), old_from)]
    return Retitled(new, rewritten, stale)


def _value(token: str) -> float:
    return float(token.replace(",", ""))


def _same(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _scale_of(token: str, unit: str, value: float) -> float | None:
    """The factor by which `token` (written with `unit`) is `value`: 1, or 1000 for "142k"; None when it is not."""
    if _same(_value(token), value):
        return 1
    scale = _SCALES.get(unit)
    return scale if scale is not None and _same(_value(token) * scale, value) else None


def _format_like(value: float, token: str) -> str:
    """`value` written like `token`: as many decimals at least, thousands separated when it was."""
    shown = max(len(token.split(".")[1]) if "." in token else 0, _decimals(value))
    text = f"{value:,.{shown}f}" if "," in token else f"{value:.{shown}f}"
    return "+" + text if token.startswith("+") and value >= 0 else text


def _decimals(value: float) -> int:
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- header comments -----------------------------------------------------------------------------

_MONTHS = list(calendar.month_name)[1:]
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@dataclass(frozen=True)
class Span:
    """A period as the header sees it: its id and its first and last day."""

    id: str
    start: dt.date
    end: dt.date

    @property
    def months(self) -> list[tuple[int, int]]:
        """(year, month) of each month the period touches, in order."""
        out, (year, month) = [], (self.start.year, self.start.month)
        while (year, month) <= (self.end.year, self.end.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


_OWN_HEADER = "# Rolled over from "


def rollover_header(source: str, target: str, today: dt.date, notes: list[str]) -> str:
    """The comment a rolled-over file starts with: what goalsite did, and a line for each of `notes`."""
    return (f"{_OWN_HEADER}{source} to {target} by goalsite on {today.isoformat()}: the objectives of\n"
            f"# {source} that did not succeed, baselines set to their last values, check-ins emptied.\n"
            + "".join(f"# - {note}\n" for note in notes) + "\n")


def rewrite_file_header(text: str, old: Span, new: Span) -> tuple[str, int]:
    """(the LF text of a goal file with its header comments rewritten for `new`, how many lines were left out).

    The header is the comment and blank lines above the first key. The notes of the rollover that
    made the file (`rollover_header()`, up to its blank line) are about the period before: they go.
    """
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines))
    header = lines[:end]
    if header and header[0].startswith(_OWN_HEADER) and "by goalsite on" in header[0]:
        header = header[next((i for i, line in enumerate(header) if not line.strip()), len(header) - 1) + 1:]
    kept, dropped = rewrite_header(header, old, new)
    return "\n".join(kept + lines[end:]), len(dropped)


def rewrite_header(lines: list[str], old: Span, new: Span) -> tuple[list[str], list[str]]:
    """(header comment lines for `new`, the lines dropped because they name a day of `old`)."""
    kept, dropped = [], []
    for line in lines:
        rewritten = _rewrite_line(line, old, new)
        if rewritten is None:
            dropped.append(line)
        else:
            kept.append(rewritten)
    return kept, dropped


def _rewrite_line(line: str, old: Span, new: Span) -> str | None:
    """The line for `new`, or None when it names a day of `old` other than its first or last."""
    def day(m: re.Match) -> str:
        try:
            date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        if not old.start <= date <= old.end:
            return m.group(0)
        return new.start.isoformat() if date == old.start else new.end.isoformat() if date == old.end else "\0"

    line = _ISO_DATE.sub(day, line)
    line = _rewrite_ids(line, old.id, new.id)
    line = _rewrite_months(line, old, new)
    return None if line is None or "\0" in line else line


def _rewrite_ids(line: str, old: str, new: str) -> str:
    """"2026-Q4" -> "2027-Q1", and the spoken forms "Q4 2026", "Q4/2026", "2026 Q4" alike."""
    if len(old) == 4:  # a year is its own id
        return re.sub(rf"(?<![\w-]){old}(?![\w-])", new, line) if len(new) == 4 else line
    line = re.sub(rf"(?<![\w-]){old}(?![\w-])", new, line)
    if len(new) == 4:
        return line
    (oy, ol), (ny, nl) = (old[:4], old[5:]), (new[:4], new[5:])
    line = re.sub(rf"(?<![\w-]){ol}(?P<sep>[ /-]|,\s?){oy}(?!\w)", lambda m: f"{nl}{m.group('sep')}{ny}", line)
    return re.sub(rf"(?<![\w-]){oy}(?P<sep> ){ol}(?!\w)", lambda m: f"{ny}{m.group('sep')}{nl}", line)


def _rewrite_months(line: str | None, old: Span, new: Span) -> str | None:
    """Month names of `old` mapped to `new`'s by position; None when they cannot be (other lengths, a day named)."""
    if line is None:
        return None
    names = {_MONTHS[m - 1]: i for i, (_, m) in enumerate(old.months)}
    pattern = re.compile(rf"\b({'|'.join(names)})\b")
    if not pattern.search(line):
        return line
    if len(old.months) != len(new.months) or re.search(
            rf"\d\s*(?:st|nd|rd|th)?\s+(?:{'|'.join(names)})\b|\b(?:{'|'.join(names)})\s+\d{{1,2}}(?!\d)", line):
        return None  # "1 October", "October 15": a day of the old period
    years = "|".join(sorted({str(y) for y, _ in old.months}))
    # "October 2026" -> "January 2027": the year of the month it becomes.
    line = re.sub(rf"\b({'|'.join(names)})(,?\s+)(?:{years})\b",
                  lambda m: f"{m.group(1)}{m.group(2)}{new.months[names[m.group(1)]][0]}", line)
    return pattern.sub(lambda m: _MONTHS[new.months[names[m.group(1)]][1] - 1], line)
