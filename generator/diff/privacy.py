"""Whether a goal as written (raw YAML, before validation) may be private: shared by comparing and reviewing."""

from __future__ import annotations

import difflib
from typing import Any

from ..model import Kpi, KpiFile, Objective, PeriodFile


def _may_be_visibility(key: Any, value: Any) -> bool:
    """Whether an unknown field may be a misspelt `visibility: private` (or a way of saying it)."""
    words = ("visibility", "private", "public", "secret", "hidden", "confidential")
    return (value is True or str(value).strip().lower() in words[1:]
            or bool(difflib.get_close_matches(str(key).strip().lower(), words, n=1, cutoff=0.6)))


def _private_item(item: dict, data: dict, kind: str) -> bool:
    """Whether an objective or KPI as written may be private: unless it says public (by itself or by its file),
    has no unknown field that may be a misspelt `visibility:`, and its file's header no unknown key."""
    item_cls, file_cls = (Kpi, KpiFile) if kind == "kpis" else (Objective, PeriodFile)
    fields = {f.alias or name for name, f in item_cls.model_fields.items()}
    if any(k not in file_cls.model_fields for k in data):
        return True  # as model/salvage.py takes it: an unknown key in a file's header makes the file private
    visibility = item.get("visibility", data.get("visibility", "public") if kind == "period" else "public")
    return visibility != "public" or any(_may_be_visibility(k, v) for k, v in item.items() if k not in fields)
