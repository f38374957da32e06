"""The ids of the goal format, defined once: slugs, period ids and references.

Every other module (the loader's folder and file names, the model's fields,
the JSON Schema for editors, the CLI's arguments, history) takes its pattern
from here.

Each `*_PATTERN` is one string that means the same to Python's `re` and to the
ECMA-262 regular expressions of JSON Schema validators (the YAML language
server in editors). Both anchor with `^`, but Python's `$` also matches just
before a final newline, so `^...$` alone lets `id: "reliable\\n"` through in
Python while an editor rejects it. `$(?!\\n)` ends the match at the very end of
the text in both dialects. Digits are spelled `[0-9]`: Python's `\\d` also
matches other scripts' digits (`٢٠٢٦`), ECMA's does not.

The compiled `*_RE` match the whole text with `.match()` (or `.fullmatch()`).
"""

from __future__ import annotations

import re

SLUG = r"[a-z0-9][a-z0-9-]{0,62}"
"""One id (unit, person, objective, key result, KPI), unanchored, for composing patterns."""
PERIOD = r"[0-9]{4}(?:-H[12]|-Q[1-4])?"
"""A period id (YYYY, YYYY-HN, YYYY-QN), unanchored."""

_END = r"$(?!\n)"  # the end of the text, not the place before a final newline (see above)

SLUG_PATTERN = rf"^{SLUG}{_END}"
PERIOD_PATTERN = rf"^{PERIOD}{_END}"
REF_PATTERN = rf"^(?:({PERIOD}):)?({SLUG})/({SLUG})(?:/({SLUG}))?{_END}"
"""UNIT/OBJECTIVE[/KR] or PERIOD:UNIT/OBJECTIVE[/KR]; groups: period, unit, objective, key result."""

SLUG_RE = re.compile(SLUG_PATTERN)
PERIOD_RE = re.compile(PERIOD_PATTERN)
REF_RE = re.compile(REF_PATTERN)
