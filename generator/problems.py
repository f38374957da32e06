"""Problems found in goal files, and the three ways they are printed.

Every stage reports bad input as `Problem` values, never as exceptions, so that
all problems of all files can be collected and shown at once.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a path relative to the goals folder's parent, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Severity(str, enum.Enum):
    """ERROR stops the build; WARNING is advice that fails only with `--strict`."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the goal files."""

    location: Location
    severity: Severity
    code: str
    message: str
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.location, self.severity is not Severity.ERROR, self.code, self.message)

    def as_dict(self) -> dict:
        """The problem as plain JSON-ready data (the `--format json` item)."""
        return {
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(location: Location, code: str, message: str, hint: str | None = None) -> Problem:
    """Shorthand for an ERROR problem."""
    return Problem(location, Severity.ERROR, code, message, hint)


def warning(location: Location, code: str, message: str, hint: str | None = None) -> Problem:
    """Shorthand for a WARNING problem."""
    return Problem(location, Severity.WARNING, code, message, hint)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in file, line, column order, each reported once."""
    unique = {(p.location, p.severity, p.code, p.message): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def escalate(problems: Iterable[Problem]) -> list[Problem]:
    """`--strict`: every warning becomes an error."""
    return [
        Problem(p.location, Severity.ERROR, p.code, p.message, p.hint) if not p.is_error else p
        for p in problems
    ]


# --- printing goal data safely --------------------------------------------------------------

#: What goal data may not print raw: the control characters (Unicode category Cc: newline, carriage
#: return, tab, escape, the C1 controls with NEL) and the line and paragraph separators. A line break
#: in a file name or a title would start a line of its own in a CI log, where `::error::...` or
#: `::stop-commands::...` is a command to GitHub Actions; an escape would drive the terminal.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_BUT_LINE_BREAKS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match) -> str:
    c = match.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def has_controls(text: str) -> bool:
    """Whether `text` holds a control character or a line separator (see escape_controls())."""
    return _CONTROLS.search(text) is not None


def escape_controls(text: str) -> str:
    """`text` with each control character and line separator written as an escape (`\\n`, `\\x1b`, `\\u2028`).

    Printed, the text stays on the line it starts on and sends the terminal nothing but text. Every
    line goalsite prints from goal data goes through this (or through JSON's own escaping).
    """
    return _CONTROLS.sub(_escape_one, text) if _CONTROLS.search(text) else text


def format_problem(p: Problem) -> str:
    """`path:line:col: severity: message [code]`, and the hint indented on the next line.

    Every part but the severity may come from goal data (a file name, a quoted value): each is escaped,
    so that a problem is always these one or two lines.
    """
    where, message, code = escape_controls(str(p.location)), escape_controls(p.message), escape_controls(p.code)
    line = f"{where}: {p.severity.value}: {message} [{code}]"
    return line + (f"\n    hint: {escape_controls(p.hint)}" if p.hint else "")


def format_text(problems: list[Problem]) -> str:
    """Every problem as `format_problem` writes it, then a count."""
    return "\n".join([*map(format_problem, problems), summarize(problems)])


def summarize(problems: list[Problem]) -> str:
    """`2 errors, 1 warning in 3 files` or `no problems`."""
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    files = len({p.location.path for p in problems})
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{', '.join(parts)} in {files} file{'s' if files != 1 else ''}"


def _escape_github(value: str, *, property_value: bool = False) -> str:
    # Line breaks become %0D and %0A below; every other control character is shown escaped.
    if _CONTROLS_BUT_LINE_BREAKS.search(value):
        value = _CONTROLS_BUT_LINE_BREAKS.sub(_escape_one, value)
    # The workflow-command escaping rules of GitHub Actions' toolkit (core/command.ts).
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(problems: list[Problem]) -> str:
    """GitHub Actions workflow commands: one `::error file=…,line=…,col=…::` annotation a problem.

    An annotation is one line whatever the goal data holds: line breaks are written %0A (GitHub shows
    them as breaks inside the annotation), other control characters as escapes.
    """
    lines = []
    for p in problems:
        props = ",".join(
            [
                f"file={_escape_github(p.location.path, property_value=True)}",
                f"line={p.location.line}",
                f"col={p.location.column}",
                f"title={_escape_github(p.code, property_value=True)}",
            ]
        )
        message = p.message + (f"\nhint: {p.hint}" if p.hint else "")
        lines.append(f"::{p.severity.value} {props}::{_escape_github(message)}")
    return "\n".join(lines)


def format_json(problems: list[Problem]) -> str:
    """A JSON document: `{"problems": [...], "errors": N, "warnings": N}`."""
    errors = sum(p.is_error for p in problems)
    doc = {
        "problems": [p.as_dict() for p in problems],
        "errors": errors,
        "warnings": len(problems) - errors,
    }
    return json.dumps(doc, indent=2, sort_keys=True)
