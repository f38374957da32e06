"""Pydantic's errors become located Problems: a code `model.<rule>`, "Expected ..., got ..." and a hint.

`validate_source()` validates one Source against the model of its kind; every error pydantic reports
is placed at the file:line:column of the value (or key) it is about.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from ..load import Source
from ..problems import Problem, error
from .fields import StrictModel, got, plain_number
from .goal import PeriodFile
from .kpi import KpiFile
from .org import Org

FILE_MODELS: dict[str, type[StrictModel]] = {"org": Org, "kpis": KpiFile, "period": PeriodFile}
"""The model of each kind of goal file (load.Source.kind)."""


def validate_source(source: Source) -> tuple[StrictModel | None, list[Problem]]:
    """One source against its pydantic model; every error located."""
    cls = FILE_MODELS[source.kind]
    try:
        return cls.model_validate(source.data), []
    except ValidationError as exc:
        return None, [_problem(source, cls, err) for err in exc.errors(include_url=False)]


def _problem(source: Source, cls: type[StrictModel], err: dict) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    name = _printable(str(loc[-1])) if loc else ""
    value = err.get("input")
    hint = None
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a fixed-length list (keep_between) too short
        where = source.at(*loc[:-1])
        message = f"Expected an item at position {loc[-1] + 1}, got a list of {loc[-1]}"
        hint = "keep_between takes two numbers: [low, high]." if "keep_between" in loc else None
    elif kind == "missing":
        message = f"Expected the field '{name}', got none"
        where = source.at(*loc[:-1])
        hint = f"Add `{name}:` here."
    elif kind == "extra_forbidden":
        where = source.at(*loc, key=True)
        allowed = _allowed_fields(cls, loc[:-1])
        message = f"Expected one of the fields {', '.join(allowed)}; got the unknown field '{name}'"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"Did you mean '{close[0]}'?" if close else "Remove it, or check its indentation."
        if name == "<<":
            hint = "YAML merge keys (<<) are not supported: write the fields out."
    else:
        # A mapping key that is no valid period id (`periods: {2026-Q5: ...}`): pydantic says `[key]`.
        where = source.at(*loc[:-1], key=True) if loc and loc[-1] == "[key]" else source.at(*loc)
        message = error_message(kind, err, value)
        hint = _HINTS.get(kind)
    field_name = ".".join(_printable(p) for p in loc if isinstance(p, str) and p != "[key]") or "file"
    return error(where, f"model.{_CODES.get(kind, 'type')}", f"{field_name}: {message}", hint)


def _printable(name: str) -> str:
    """A field name as a message shows it: a YAML key may hold any character, a message is one line."""
    return name if name.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


_CODES = {
    "missing": "missing-field", "extra_forbidden": "unknown-field", "goalsite_id": "bad-id",
    "goalsite_finite": "not-finite", "goalsite_magnitude": "out-of-range", "goalsite_date": "bad-date", "goalsite_ref": "bad-reference",
    "goalsite_period": "bad-period", "goalsite_too_long": "too-long", "literal_error": "bad-choice", "greater_than_equal": "out-of-range",
    "less_than_equal": "out-of-range", "greater_than": "out-of-range", "less_than": "out-of-range",
}
_HINTS = {
    "goalsite_id": "Ids are lowercase letters, digits and dashes, e.g. sales-emea.",
    "goalsite_finite": "Write a real number; .inf and .nan are not values a goal can reach.",
    "goalsite_magnitude": "Use a larger unit instead: 2.5 with unit \"M EUR\" rather than 2500000000000000.",
    "goalsite_date": "Write dates as YYYY-MM-DD, e.g. 2026-10-05.",
    "goalsite_text": "Quote it: title: \"...\"",
    "goalsite_number": "Write a plain number without quotes or units, e.g. 25 or 2.4.",
    "goalsite_too_long": "Keep it short here and move the long text to a linked document (a wiki page, say).",
    "goalsite_ref": "For example sales/win-dach, sales/win-dach/new-logos or 2026:acme/grow-revenue.",
    "dict_type": "Indent the fields under this key.",
    "model_type": "Indent the fields under this key.",
    "list_type": "Write a list: one `- item` per line, or [a, b].",
}


def error_message(kind: str, err: dict, value: Any) -> str:
    """A pydantic error of type `kind` in the project's words: "Expected ..., got ..."."""
    ctx = err.get("ctx") or {}
    if kind.startswith("goalsite_"):
        return err["msg"]
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"Expected a mapping of fields, got {got(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"Expected a list, got {got(value)}"
    if kind == "literal_error":
        return f"Expected one of {ctx.get('expected', '')}, got {got(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = plain_number(next(iter(ctx.values()), ""))
        return f"Expected a value {bound} {limit}, got {got(value)}"
    if kind in ("too_short", "too_long"):
        return f"Expected {ctx.get('min_length', ctx.get('max_length'))} items, got {ctx.get('actual_length')}"
    return f"Expected a valid value, got {got(value)} ({err['msg']})"


def _allowed_fields(cls: type[StrictModel], loc: tuple) -> list[str]:
    """The field names of the model found at `loc` inside `cls`."""
    model: Any = cls
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None)
        model = _inner_model(info.annotation) if info else None
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
