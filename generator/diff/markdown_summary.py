"""The summary as one pull-request comment in Markdown: `format_markdown()`."""

from __future__ import annotations

from typing import Any

from ..render.links import site_url
from ..render.text import escape_text, format_number
from .changes import Change, ProblemReview

COMMENT_LIMIT = 60_000
"""Characters of Markdown at most: GitHub refuses comments over 65,536."""
TITLE_LIMIT = 120
OPEN_LINES = 15
"""A unit's section with more lines than this is collapsed into <details>."""
PROBLEM_LIMIT = 50


def format_markdown(changes: list[Change], review: ProblemReview, *, base: str = "BASE", head: str = "HEAD",
                    base_url: str | None = None) -> str:
    """One pull-request comment: moved goalposts first, then the changes per period and unit with the errors
    of the unit's file beside them, then the other problems."""
    link = _linker(base_url)
    out = [f"## Goal changes: {escape_text(base)} → {escape_text(head)}", "", *_goalposts(changes, link)]
    if any(c.level == "org" for c in changes):
        out += ["**Not compared**: org.yaml has errors that leave nothing to compare (see them below).", ""]
    elif not changes:
        out += ["No goal changed.", ""]
    groups: dict[tuple[str, str], list[Change]] = {}
    for c in changes:
        if c.kind != "private" and c.level != "org":
            groups.setdefault((c.period, c.unit), []).append(c)
    beside = {key: [p for p in review.errors if (p.get("period"), p.get("unit")) == key] for key in groups}
    keys = sorted(groups)
    lines, fitted = _fit([_section(*key, groups[key], beside[key], link) for key in keys], COMMENT_LIMIT - 6000)
    out += lines
    private = sum(c.count for c in changes if c.kind == "private")
    if private:
        out += [f"_{private} private objective{'s' if private != 1 else ''} changed (not shown)._", ""]
    listed = {id(p) for key in keys[:fitted] for p in beside[key][:PROBLEM_LIMIT]}
    out += _problems_markdown(review, listed)
    text = "\n".join(out).rstrip() + "\n"
    return text if len(text) <= COMMENT_LIMIT else text[:COMMENT_LIMIT - 60] + "\n\n…(cut to fit one comment)\n"


def _goalposts(changes: list[Change], link) -> list[str]:
    """The warning box of moved goalposts: unit, key result, what, and the values with the metric's unit."""
    moved = [c for c in changes if c.goalposts]
    if not moved:
        return []
    out = [f"> [!WARNING]\n> **Moved goalposts ({len(moved)})**: targets made easier or baselines moved "
           "after their period started.", "", "| Unit | Key result | What | Old | New |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {escape_text(_cut(c.unit_name or c.unit, 60))} ({escape_text(c.period)}) | {link(c)} | {c.field} | "
            f"{_measured(c.old, c.metric_unit)} | {_measured(c.new, c.metric_unit)} |" for c in moved[:PROBLEM_LIMIT]]
    return out + ([f"\n…and {len(moved) - PROBLEM_LIMIT} more"] if len(moved) > PROBLEM_LIMIT else []) + [""]


def _linker(base_url: str | None):
    def link(c: Change) -> str:
        title = escape_text(_cut(c.title))
        if base_url and c.page:
            return f"[{title}]({base_url.rstrip('/')}/{site_url(c.page, c.anchor or None)})"
        return str(title)
    return link


def _cut(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        return " – ".join(_value(v) for v in value) if value else "none"
    if isinstance(value, float):
        return format_number(value)
    return str(escape_text(_cut(value)))


def _measured(value: Any, unit: str | None) -> str:
    """A target or baseline with its metric's unit: "25 logos", "99.9 – 100 %"."""
    text = _value(value)
    return f"{text} {escape_text(_cut(unit, 40))}" if unit and value is not None else text


def _line(c: Change, link) -> str:
    what = "Objective" if c.level == "objective" else "Key result"
    if c.kind == "added" and c.level == "objective":
        return f"- **Added** objective {link(c)}" + _outline_text(c.new)
    if c.kind == "added":
        return f"- **Added** key result {link(c)}" + (f" ({_value(c.new)})" if c.new else "")
    if c.kind == "removed":
        return f"- **Removed** {what.lower()} {link(c)}"
    if c.kind == "renamed":
        return f"- **Renamed** {what.lower()} {_value(c.old)} → {link(c)}"
    if c.kind == "checkins":
        return f"- {what} {link(c)}: {c.count} check-in{'s' if c.count != 1 else ''} added (latest {_value(c.new)})"
    if c.kind == "not-compared":
        return f"- **Not compared** {what.lower()} {link(c)}: it has errors in {_value(c.new)}"
    flag = " **⚠ moved goalposts**" if c.goalposts else ""
    return f"- {what} {link(c)}: {c.field} {_measured(c.old, c.metric_unit)} → {_measured(c.new, c.metric_unit)}{flag}"


def _outline_text(outline: Any) -> str:
    """The rest of an added objective's line (" — owner Carol Reyes (carol), aligns to 2026:acme/grow-revenue"),
    then its key results with their metrics, one a nested line."""
    if not isinstance(outline, dict):
        return ""
    owner = outline.get("owner_name")
    owner = f"{escape_text(_cut(owner, 60))} ({escape_text(outline['owner'])})" if owner else escape_text(outline["owner"])
    alignment = outline["alignment"]
    parents = "a goal with errors" if alignment is None else ", ".join(str(escape_text(p)) for p in alignment) or "nothing"
    krs = [f"\n  - {escape_text(_cut(kr['title']))}: {escape_text(kr['metric'])}" for kr in outline["key_results"]]
    return f" — owner {owner}, aligns to {parents}" + ("".join(krs) if krs else "\n  - no key results")


def _section(period: str, unit: str, items: list[Change], errors: list[dict], link) -> list[str]:
    head = f"### {escape_text(period)} · {escape_text(unit)}"
    beside = [f"Errors in this file ({len(errors)}):", "", *_problem_lines(errors), ""] if errors else []
    if items[0].level == "file":
        return [head, "", "**Not compared**: the file could not be read (see its errors).", "", *beside]
    added = {c.ref for c in items if c.kind == "added" and c.level == "objective"}
    lines = [_line(c, link) for c in items
             if not (c.kind == "added" and c.level == "key-result" and c.ref.rsplit("/", 1)[0] in added)]
    if sum(line.count("\n") + 1 for line in lines) > OPEN_LINES:
        return [head, "", f"<details><summary>{len(lines)} changes</summary>", "", *lines, "", "</details>", "", *beside]
    return [head, "", *lines, "", *beside]


def _fit(sections: list[list[str]], budget: int) -> tuple[list[str], int]:
    """The sections that fit in `budget` characters, and how many they are."""
    out, used = [], 0
    for i, section in enumerate(sections):
        size = sum(len(line) + 1 for line in section)
        if used + size > budget:
            out += [f"…and {len(sections) - i} more units not shown: run `goalsite diff` locally for all of it.", ""]
            return out, i
        out += section
        used += size
    return out, len(sections)


def _problem_lines(items: list[dict]) -> list[str]:
    """One list item a problem, its hint ("Did you mean 'owner'?") on a line of its own under it."""
    lines = []
    for p in items[:PROBLEM_LIMIT]:
        lines.append(f"- {escape_text(p['path'])}:{p['line']}:{p['column']}: {p['severity']}: "
                     f"{escape_text(_cut(p['message'], 300))} \\[{p['code']}\\]")
        if p.get("hint"):
            lines.append(f"  - hint: {escape_text(_cut(p['hint'], 300))}")
    if len(items) > PROBLEM_LIMIT:
        lines.append(f"- …and {len(items) - PROBLEM_LIMIT} more: run `goalsite check`")
    return lines


def _problems_markdown(review: ProblemReview, listed: set[int] = frozenset()) -> list[str]:
    """The errors (but those `listed` above, by id) and the new warnings."""
    out = []
    for title, items in (("Errors", review.errors), ("New warnings", review.new_warnings)):
        if not items:
            continue
        summary = f"{title} ({len(items)})"
        if title == "Errors":
            lines = _problem_lines([p for p in items if id(p) not in listed])
            shown = sum(id(p) in listed for p in items)
            if shown:
                lines.append(f"- {shown} listed above, beside the changes of their unit")
            out += [f"### {summary}", "", *lines, ""]
        else:
            out += [f"<details><summary>{summary}</summary>", "", *_problem_lines(items), "", "</details>", ""]
    if review.hidden:
        out += [f"_{review.hidden} problem{'s' if review.hidden != 1 else ''} in private goals not shown._", ""]
    if not review.errors and not review.new_warnings and not review.hidden:
        out += ["No errors, no new warnings.", ""]
    return out
