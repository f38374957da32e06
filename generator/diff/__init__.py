"""What changed in the goals between two builds, for pull-request summaries.

`compare(old, new)` is pure: two `Build`s in, a sorted list of `Change`s out.
`review_problems(old, new)` picks the problems a reviewer must see: every error
of the new build, and the warnings it introduces (compared by code, file and
message, not by line, so an edit above a warning does not make it "new").
`format_markdown()` writes one pull-request comment; `format_json()` the same as data.

A file with errors is compared all the same: every goal that validated in both
revisions is compared, and one that did not is "not compared" (never "removed"),
its file's errors listed beside it.

Privacy is absolute here too: an objective (with its key results) that is
private in either revision never appears in a change, not even its id; it is
only counted ("1 private objective changed"). A parent, KPI or problem that
would name a private goal is redacted the same way. An objective whose
visibility cannot be read for its errors counts as private.
"""

from __future__ import annotations

from .changes import PRIVATE_KPI, PRIVATE_OBJECTIVE, Change, ProblemReview
from .compare import compare
from .json_summary import format_json
from .markdown_summary import COMMENT_LIMIT, OPEN_LINES, PROBLEM_LIMIT, TITLE_LIMIT, format_markdown
from .review import review_problems

__all__ = [
    "COMMENT_LIMIT", "OPEN_LINES", "PRIVATE_KPI", "PRIVATE_OBJECTIVE", "PROBLEM_LIMIT", "TITLE_LIMIT",
    "Change", "ProblemReview", "compare", "format_json", "format_markdown", "review_problems",
]
