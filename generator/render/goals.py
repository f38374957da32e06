"""Objectives and key results as template-ready facts (all text escaped or Markup).

`objective_view()` is what a unit-period page shows of one objective;
`progress_text()` says a key result's progress in numbers with its unit:
"12 of 25 logos, from 0", "2.2 % (reduce from 2.4 to 1.8)",
"inside 99.9–100 % in 4 of 5 check-ins", "50 % done, due 2026-11-30".
"""

from __future__ import annotations

from markupsafe import Markup

from ..model import CheckIn, Metric
from ..resolve import KeyResultNode, ObjectiveNode
from ..score import KEEP_AT_RISK_SHARE, KeyResultScore, ObjectiveScore, inside, pace_status
from .figures import key_result_chart
from .filters import data_attributes
from .links import period_path
from .parts import PRIVATE, STALE, Links, bar, status_with_reason
from .site import Site
from .text import escape_meta, escape_text, format_number, format_percent, safe_href, with_unit

_KEEP_WORDS = {"keep_between": "inside", "keep_above": "at or above", "keep_below": "at or below"}


def progress_text(kr: KeyResultNode, facts: KeyResultScore) -> str:
    """The key result's progress in words and numbers (plain text, not yet escaped)."""
    metric: Metric | None = kr.kr.metric
    latest = facts.latest.value if facts.latest else None
    if metric is None:
        done = f"{format_percent(latest or 0)} done"
        return f"{done}, due {kr.kr.due.isoformat()}" if kr.kr.due else done
    unit = metric.unit or ""
    if metric.is_keep:
        return _keep_text(metric, kr.checkins, facts)
    if metric.form == "reduce":
        now = with_unit(latest, unit) if latest is not None else "no value yet"
        return f"{now} (reduce from {format_number(metric.from_)} to {with_unit(metric.to, unit)})"
    now = format_number(latest if latest is not None else metric.from_)
    return f"{now} of {with_unit(metric.to, unit)}, from {format_number(metric.from_)}"


def _keep_text(metric: Metric, checkins: list[CheckIn], facts: KeyResultScore) -> str:
    unit = metric.unit or ""
    if metric.keep_between is not None:
        lo, hi = metric.keep_between
        bound = f"{format_number(lo)}–{with_unit(hi, unit)}"
    else:
        bound = with_unit(metric.keep_above if metric.keep_above is not None else metric.keep_below, unit)
    seen = [c for c in checkins if facts.latest is not None and c.date <= facts.latest.date]
    if not seen:
        return f"{_KEEP_WORDS[metric.form]} {bound}: no check-in yet"
    hits = sum(inside(metric, c.value) for c in seen)
    return f"{_KEEP_WORDS[metric.form]} {bound} in {hits} of {len(seen)} check-ins (latest {with_unit(seen[-1].value, unit)})"


def status_reason(facts: KeyResultScore | ObjectiveScore, kind: str, stretch: float, keep: Metric | None = None) -> str:
    """Why a goal has its status, in the numbers the rule of guide/scoring.md used (plain text).

    Running: "expected 60 % by today, at 44 %; confidence 8/10" (a keep form: the share of check-ins in
    its range, and whether the latest is); closed: the score against what its kind needs.
    """
    status = facts.status
    if status in ("not-started", "no-data") or facts.score is None:
        return ""
    if status in ("achieved", "missed"):
        need = stretch if kind == "aspirational" else 1.0
        return f"scored {format_percent(facts.score)}, {kind} needs {format_percent(need)}"
    if keep is not None:
        latest = facts.latest is not None and inside(keep, facts.latest.value)
        text = (f"in range in {format_percent(facts.score)} of check-ins, {format_percent(KEEP_AT_RISK_SHARE)} needed, "
                f"latest {'inside' if latest else 'outside'}")
    elif facts.expected is not None:
        text = f"expected {format_percent(facts.expected)} by today, at {format_percent(facts.score)}"
    else:
        text = f"at {format_percent(facts.score)}"
    if facts.confidence is not None:
        text += f"; confidence {format_number(round(facts.confidence, 1))}/10"
    if isinstance(facts, ObjectiveScore) and facts.expected is not None and \
            pace_status(facts.score, facts.expected, facts.confidence) != status:
        text += "; a key result is off track"
    return text


def confidence_text(confidence: float | None) -> str:
    """"6/10", or "–" without a confidence (plain text that escape_text() leaves as it is)."""
    return "–" if confidence is None else f"{confidence}/10"


def checkin_value(checkin: CheckIn, unit: str | None) -> str:
    """A check-in's value in words (plain text); `unit` None for a milestone (values are the fraction done)."""
    return f"{format_percent(checkin.value)} done" if unit is None else with_unit(checkin.value, unit)


def checkin_view(site: Site, checkin: CheckIn, unit: str | None) -> dict:
    """One check-in; `unit` None for a milestone (values are the fraction done)."""
    md = site.markdown
    return {
        "date": checkin.date.isoformat(),
        "value": checkin_value(checkin, unit),
        "confidence": confidence_text(checkin.confidence),
        "note": md(checkin.note), "blockers": md(checkin.blockers), "next": md(checkin.next),
    }


def checkin_table(site: Site, checkins: list[CheckIn], unit: str | None) -> Markup:
    """The check-in history as a feed, newest first: date · value · confidence, then note, blockers, next.

    Built here rather than in a template loop, and without a view of each check-in: a large portal has
    hundreds of thousands of them, and this was a large part of its render. A date and a confidence hold no
    character that escape_text() changes; the value is plain text, the rest sanitized HTML. Parts a
    check-in leaves out are left out, not shown as empty cells.
    """
    html = site.markdown.html
    rows = ['<ol class="portal-feed">\n']
    for c in checkins:
        day = c.date.isoformat()
        conf = f" · confidence {c.confidence}/10" if c.confidence is not None else ""
        rows.append(f'<li><p class="portal-feed__head"><time datetime="{day}">{day}</time> · '
                    f"<strong>{escape_text(checkin_value(c, unit))}</strong>{conf}</p>")
        if c.note:
            rows.append(f'<div class="portal-feed__part">{html(c.note)}</div>')
        for name, text in (("Blockers", c.blockers), ("Next", c.next)):
            if text:
                rows.append(f'<div class="portal-feed__part"><strong>{name}</strong> {html(text)}</div>')
        rows.append("</li>\n")
    rows.append("</ol>\n")
    return Markup("".join(rows))


#: "Supported by" lists at most this many goals; the period's alignment tree has them all. A company
#: objective of a large company is supported by hundreds, which made its page the largest of the site;
#: at 12 the company's page of a period still grew past 150 KB (20 full lists), hence 6 (issue 28).
SUPPORTED_BY_LIMIT = 6


def supported_by(site: Site, links: Links, node: ObjectiveNode | KeyResultNode, items: list[Markup]) -> list[Markup]:
    """The first SUPPORTED_BY_LIMIT links, then how many more and where to find them."""
    if len(items) <= SUPPORTED_BY_LIMIT:
        return items
    period = (node.objective if isinstance(node, KeyResultNode) else node).period
    more = len(items) - SUPPORTED_BY_LIMIT
    return items[:SUPPORTED_BY_LIMIT] + [
        Markup(f"and {more} more in {links.to(f'the alignment tree of {period.id}', period_path(period.id), 'alignment')}")]


def key_result_view(site: Site, links: Links, kr: KeyResultNode) -> dict:
    facts = site.scores.key_results[kr.ref]
    unit = None if kr.kr.metric is None else (kr.kr.metric.unit or "")
    today = site.today
    history = [c for c in reversed(kr.checkins) if c.date <= today]
    kpi = kr.kpi if site.visible_kpi(kr.kpi) else None
    return {
        "anchor": Markup(escape_meta(site.key_result_target(kr)[1])),
        "data": data_attributes(site, kr),
        "title": kr.kr.title,
        "owner": links.person(kr.owner),
        "progress": progress_text(kr, facts),
        "percent": format_percent(facts.progress),
        "score": format_percent(facts.score),
        "bar": bar(facts.score),
        "status": status_with_reason(facts.status, status_reason(
            facts, kr.objective.obj.kind, site.portal.settings.stretch_success,
            kr.kr.metric if kr.kr.metric is not None and kr.kr.metric.is_keep else None)),
        "confidence": confidence_text(facts.confidence),
        "stale": STALE if facts.stale else "",
        "kpi": links.kpi(kpi) if kpi else "",
        "from_kpi": bool(kpi) and kr.from_kpi,
        "weight": format_number(kr.kr.weight) if kr.kr.weight != 1 else "",
        "due": kr.kr.due.isoformat() if kr.kr.due and kr.kr.metric is not None else "",  # a milestone says it already
        "latest": checkin_view(site, history[0], unit) if history and not kr.from_kpi else None,
        "history": history,
        "history_table": checkin_table(site, history, unit),
        "children": supported_by(site, links, kr, [links.objective(c) for c in site.children(kr)]),
        "chart": key_result_chart(site, links.page, kr),
        **target_history_view(site, kr),
    }


def _target_value(value, unit: str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        return f"{format_number(value[0])}–{with_unit(value[1], unit)}"
    return with_unit(value, unit)


def target_history_view(site: Site, kr: KeyResultNode) -> dict:
    """How the key result's target and baseline changed in git (`build.history`); a note outside git.

    Each change reads as one line of a feed: "target 64 % → 58 %, baseline unchanged" or, when the key
    result was written, "target 2 s, baseline 3.4 s"; the commit's author and id follow it.
    """
    history = site.build.history
    if history is None:
        note = "Target history is left out because the goals are not in a git repository." if site.build.history_read else ""
        return {"targets": [], "targets_note": note}
    rows = []
    for change in reversed(history.get(kr.ref, [])):
        rows.append({"date": change.date, "author": change.author, "commit": change.commit,
                     "change": _target_change(change), "goalposts": change.goalposts})
    return {"targets": rows, "targets_note": ""}


def _target_change(change) -> str:
    unit = change.unit or ""
    if change.created:
        text = f"target {_target_value(change.target_new, unit)}"
        return text if change.baseline_new is None else f"{text}, baseline {_target_value(change.baseline_new, unit)}"
    parts = []
    if change.target_old != change.target_new:
        parts.append(f"target {_target_value(change.target_old, unit)} → {_target_value(change.target_new, unit)}")
    if change.baseline_old != change.baseline_new:
        parts.append(f"baseline {_target_value(change.baseline_old, unit)} → {_target_value(change.baseline_new, unit)}")
    return ", ".join(parts) or "target unchanged"


def parent_links(site: Site, links: Links, node: ObjectiveNode) -> list[Markup]:
    """Where an objective aligns to; a private parent is named only as such."""
    out = []
    for parent in node.parents:
        if not site.visible(parent):
            out.append(Markup("aligned to a private objective"))
        elif isinstance(parent, KeyResultNode):
            out.append(Markup(f"{links.key_result(parent)} (key result of {links.objective(parent.objective)})"))
        else:
            out.append(links.objective(parent))
    return out


def initiative_view(links: Links, site: Site, ini) -> dict:
    """An initiative; its link is raw HTML, so MkDocs neither rewrites nor validates a user's URL."""
    href = safe_href(ini.link)
    title = escape_text(ini.title)
    if href:
        title = Markup(f'<a class="portal-link" href="{escape_meta(href)}">{title}</a>')
    return {
        "title": title,
        "owner": links.person(site.portal.people.get(ini.owner)) if ini.owner else "",
        "status": ini.status,
        "link_text": ini.link if ini.link and not href else "",
        "key_results": ini.key_results,
    }


def objective_view(site: Site, links: Links, node: ObjectiveNode) -> dict:
    facts = site.scores.objectives[node.ref]
    obj = node.obj
    rolled = node.rolled_over_from if node.rolled_over_from and site.visible(node.rolled_over_from) else None
    return {
        "anchor": Markup(escape_meta(site.objective_target(node)[1])),
        "data": data_attributes(site, node),
        "title": obj.title,
        "private": PRIVATE if node.private else "",
        "owner": links.person(node.owner),
        "collaborators": links.people(node.collaborators),
        "kind": obj.kind,
        "tags": Markup(" ").join(links.tag(t) for t in obj.tags),
        "description": site.markdown.block(obj.description),
        "score": format_percent(facts.score),
        "manual": facts.manual,
        "bar": bar(facts.score),
        "status": status_with_reason(facts.status, status_reason(facts, obj.kind, site.portal.settings.stretch_success)),
        "parents": parent_links(site, links, node),
        "children": supported_by(site, links, node, [links.goal(c) for c in site.children(node)]),
        "rolled_from": links.goal(rolled) if rolled else "",
        "rolled_to": [links.goal(n) for n in node.rolled_over_to if site.visible(n)],
        "initiatives": [initiative_view(links, site, i) for i in obj.initiatives],
        "key_results": [key_result_view(site, links, kr) for kr in node.key_results],
    }
