"""JSON Schema (draft-07) of the goal files, generated from the same models that validate them."""

from __future__ import annotations

from typing import Any

from . import model as model_module
from .model import KpiFile, Org, PeriodFile

KINDS = {"period": PeriodFile, "org": Org, "kpis": KpiFile}
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


# Pydantic writes JSON Schema 2020-12 and, where a type carries its own schema,
# the raw constraint names; editors read draft-07 best.
_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _draft_07(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft_07(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {_KEYWORDS.get(key, key): _draft_07(value) for key, value in node.items()}
    if "prefixItems" in out:  # a fixed-length tuple: draft-07 spells it `items: [...]`
        out["items"] = out.pop("prefixItems")
        out["additionalItems"] = False
    return out


def json_schema(kind: str = "period") -> dict[str, Any]:
    """The schema of one kind of goal file: period (goals/PERIOD/UNIT.yaml), org or kpis."""
    model = KINDS[kind]
    schema = _draft_07(model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}", mode="validation"))
    definitions = schema.pop("$defs", {})
    out = {"$schema": DRAFT_07, "$id": f"goalsite-{kind}.schema.json"}
    out.update(schema)
    if definitions:
        out["definitions"] = definitions
    _add_bounds(model, out)
    for name, definition in definitions.items():
        _add_bounds(getattr(model_module, name), definition)
    return out


_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
_LOWER = ("minimum", "exclusiveMinimum")
_UPPER = ("maximum", "exclusiveMaximum")


def _add_bounds(model: Any, node: dict) -> None:
    """Put back the bounds pydantic drops when a field's type brings its own schema (`weight: Number`, > 0)."""
    for name, info in model.model_fields.items():
        prop = node.get("properties", {}).get(info.alias or name)
        bounds = {_BOUNDS[k]: getattr(m, k) for m in info.metadata for k in _BOUNDS if hasattr(m, k)}
        if prop is None or not bounds:
            continue
        target = next((branch for branch in prop.get("anyOf", []) if branch.get("type") != "null"), prop)
        for keyword, value in bounds.items():
            _tighten(target, keyword, value)


def _tighten(node: dict, keyword: str, value: float) -> None:
    """Add a field's bound to its type's schema, dropping the type's looser bound on that side (a Number's 10^15)."""
    lower = keyword in _LOWER
    for other in _LOWER if lower else _UPPER:
        if other in node and (node[other] <= value if lower else node[other] >= value):
            del node[other]
    node.setdefault(keyword, value)
