"""The typed goal model: pydantic models of FORMAT.md, and validation of Sources.

`validate_goals(goals)` turns located YAML into frozen models, mapping every pydantic error back
to its file:line:column. One job a module:

- fields.py: the field types (text, ids, numbers, dates, references), their limits and JSON Schema;
- org.py, goal.py, kpi.py: the models of org.yaml, of a period file and of the KPI files;
- errors.py: pydantic's errors as located Problems with codes and hints (`validate_source`);
- salvage.py: what is kept of a file that failed validation, part by part;
- checks.py: checks across the fields of one file; checks across files live in resolve/;
- validate.py: `validate_goals()` and the `Model` it makes.
"""

from __future__ import annotations

from ..ids import REF_RE, SLUG_RE
from .checks import unknown_name
from .errors import FILE_MODELS, validate_source
from .fields import DATE_PATTERN, MAX_MAGNITUDE, MAX_MARKDOWN_CHARS, MAX_TEXT_CHARS, StrictModel
from .goal import CheckIn, Initiative, KeyResult, Metric, Objective, PeriodFile, Retrospective
from .kpi import Kpi, KpiFile, KpiMetric, KpiValue
from .org import Company, Org, PeriodDates, Person, Settings, Unit
from .salvage import Salvage
from .validate import Model, validate_file, validate_goals

__all__ = [
    "DATE_PATTERN", "FILE_MODELS", "MAX_MAGNITUDE", "MAX_MARKDOWN_CHARS", "MAX_TEXT_CHARS", "REF_RE", "SLUG_RE",
    "CheckIn", "Company", "Initiative", "KeyResult", "Kpi", "KpiFile", "KpiMetric", "KpiValue", "Metric", "Model",
    "Objective", "Org", "PeriodDates", "PeriodFile", "Person", "Retrospective", "Salvage", "Settings", "StrictModel",
    "Unit", "unknown_name", "validate_file", "validate_goals", "validate_source",
]
