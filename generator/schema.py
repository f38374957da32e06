"""JSON Schema (draft-07) of the goal files, generated from the same models that validate them."""

from __future__ import annotations

from typing import Any

from .model import KpiFile, Org, PeriodFile

KINDS = {"period": PeriodFile, "org": Org, "kpis": KpiFile}
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def json_schema(kind: str = "period") -> dict[str, Any]:
    """The schema of one kind of goal file: period (goals/PERIOD/UNIT.yaml), org or kpis."""
    model = KINDS[kind]
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}", mode="validation")
    definitions = schema.pop("$defs", {})
    out = {"$schema": DRAFT_07, "$id": f"goalsite-{kind}.schema.json"}
    out.update(schema)
    if definitions:
        out["definitions"] = definitions
    return out
