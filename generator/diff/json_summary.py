"""The summary as data: `format_json()`."""

from __future__ import annotations

import json

from .changes import Change, ProblemReview


def format_json(changes: list[Change], review: ProblemReview) -> str:
    """The summary as JSON (documented in site_src/guide/proposals.md)."""
    public = [c.as_dict() for c in changes if c.kind != "private"]
    data = {
        "version": 1,
        "changes": public,
        "moved_goalposts": sum(c.goalposts for c in changes),
        "private_objectives_changed": sum(c.count for c in changes if c.kind == "private"),
        "problems": {"errors": review.errors, "new_warnings": review.new_warnings, "hidden": review.hidden},
    }
    return json.dumps(data, indent=2, sort_keys=True, default=str)
