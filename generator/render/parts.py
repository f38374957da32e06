"""Small trusted pieces of a page: links bound to the page, status badges, progress bars.

Each returns Markup built only from escaped text and values we computed, so a
template can print it as is. CSS classes (styled by assets/portal.css):

* `portal-status portal-status--<status>` (a word, never colour alone), `portal-reason` (why)
* `portal-badge portal-badge--private|stale|kind|tag`
* `portal-bar` (+ `portal-bar--inline` in tables) with `portal-bar__fill`
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Person
from .links import md_link, period_path, person_path, tag_path, unit_index_path, unit_period_path, url_link
from .site import Site
from .text import escape_meta, escape_text, format_percent

STATUS_WORDS = {
    "on-track": "on track", "at-risk": "at risk", "off-track": "off track", "no-data": "no data",
    "not-started": "not started", "achieved": "achieved", "missed": "missed",
}


def status_badge(status: str | None) -> Markup:
    """`<span class="portal-status portal-status--at-risk">at risk</span>`."""
    if not status:
        return Markup("")
    word = STATUS_WORDS.get(status, status)
    return Markup(f'<span class="portal-status portal-status--{escape_meta(status)}">{escape_text(word)}</span>')


def status_with_reason(status: str | None, reason: str) -> Markup:
    """The badge and, right after it, why: "at risk (expected 60 % by today, at 44 %; confidence 8/10)".

    Visible text rather than a tooltip, so a phone (no hover) and a screen reader get it too.
    """
    if not reason:
        return status_badge(status)
    return Markup(f'{status_badge(status)} <span class="portal-reason">({escape_text(reason)})</span>')


def badge(kind: str, label: object) -> Markup:
    return Markup(f'<span class="portal-badge portal-badge--{kind}">{escape_text(label)}</span>')


PRIVATE = Markup('<span class="portal-badge portal-badge--private">private</span>')
STALE = Markup('<span class="portal-badge portal-badge--stale" title="No recent update">stale</span>')


def bar(fraction: float | None, inline: bool = False) -> Markup:
    """A progress bar of a 0..1 value (clamped), with its percentage for screen readers."""
    pct = 0 if fraction is None else round(min(1.0, max(0.0, fraction)) * 100)
    tag = "span" if inline else "div"
    css = "portal-bar portal-bar--inline" if inline else "portal-bar"
    label = "no score yet" if fraction is None else format_percent(fraction)
    return Markup(f'<{tag} class="{css}" role="img" aria-label="{label}">'
                  f'<span class="portal-bar__fill" style="width: {pct}%"></span></{tag}>')


class Links:
    """Markdown links from one page to everything else."""

    def __init__(self, site: Site, page: str):
        self.site = site
        self.page = page

    def to(self, label: object, target: str, anchor: str | None = None) -> Markup:
        return md_link(label, self.page, target, anchor)

    def person(self, person: Person | None) -> Markup:
        if person is None:
            return Markup("")
        return self.to(person.name, person_path(person.id))

    def tag(self, tag: str) -> Markup:
        """A tag's chip, leading to its page (raw HTML, so that it keeps its class: a served URL)."""
        href = escape_meta(url_link(self.page, tag_path(tag)))
        return Markup(f'<a class="portal-badge portal-badge--tag" href="{href}">{escape_text(tag)}</a>')

    def people(self, persons: list[Person]) -> Markup:
        return Markup(", ").join(self.person(p) for p in persons)

    def unit(self, unit: OrgUnit | None, period_id: str | None = None) -> Markup:
        if unit is None:
            return Markup("")
        if period_id is None:
            return self.to(unit.name, unit_index_path(unit.id))
        return self.to(unit.name, unit_period_path(unit.id, period_id))

    def period(self, period_id: str, label: object | None = None) -> Markup:
        return self.to(period_id if label is None else label, period_path(period_id))

    def objective(self, node: ObjectiveNode, label: object | None = None) -> Markup:
        if not self.site.visible(node):
            return Markup("a private objective")
        return self.to(node.obj.title if label is None else label, *self.site.objective_target(node))

    def key_result(self, node: KeyResultNode, label: object | None = None) -> Markup:
        if not self.site.visible(node):
            return Markup("a private objective")
        return self.to(node.kr.title if label is None else label, *self.site.key_result_target(node))

    def goal(self, node: ObjectiveNode | KeyResultNode) -> Markup:
        """An objective or key result, with where it is ("Title (Sales, 2026-Q4)")."""
        obj = node if isinstance(node, ObjectiveNode) else node.objective
        link = self.objective(node) if isinstance(node, ObjectiveNode) else self.key_result(node)
        if not self.site.visible(node):
            return link
        return Markup(f"{link} ({escape_text(obj.unit.name)}, {escape_text(obj.period.id)})")

    def kpi(self, kpi: KpiNode | None) -> Markup:
        if not self.site.visible_kpi(kpi):
            return Markup("")
        return self.to(kpi.kpi.name, *self.site.kpi_target(kpi))


class HtmlLinks(Links):
    """The same links as HTML, with the URLs MkDocs would have made of the Markdown ones.

    For the raw HTML blocks of the largest pages (rawblocks.py), which no Markdown engine reads:
    MkDocs neither rewrites nor validates them, so each href is the served page's relative URL.
    """

    def to(self, label: object, target: str, anchor: str | None = None) -> Markup:
        href = f"#{anchor}" if target == self.page and anchor else url_link(self.page, target, anchor)
        return Markup(f'<a href="{escape_meta(href)}">{escape_text(label)}</a>')


def html_table(head: list[str], rows: list[list[object]], *, searched: bool = True) -> Markup:
    """A table as Python-Markdown writes a Markdown table, as one raw HTML block (no blank line).

    Cells are Markup or plain text (escaped here); Markdown inside them is not read, so links in them
    come from HtmlLinks. `searched=False` marks it `data-search-exclude`, for a table in a section that
    is out of search anyway: then the search plugin need not even read it (rawblocks.Unsearched).
    """
    out = ["<table>" if searched else "<table data-search-exclude>", "\n<thead>\n<tr>\n", *(f"<th>{escape_text(h)}</th>\n" for h in head), "</tr>\n</thead>\n<tbody>\n"]
    for row in rows:
        out.append("<tr>\n")
        out += (f"<td>{cell if hasattr(cell, '__html__') else escape_text(cell)}</td>\n" for cell in row)
        out.append("</tr>\n")
    out.append("</tbody>\n</table>")
    return Markup("".join(out))


def objective_cells(row: dict) -> list[object]:
    """An objective_row() as the cells Status, Score, Objective, Owner, Kind.

    Status and score first: on a phone they are what fits the screen without scrolling sideways.
    """
    return [row["status"], Markup(f"{row['bar']} {escape_text(row['score'])}"), row["link"], row["owner"], row["kind"]]


OBJECTIVE_COLUMNS = ["Status", "Score", "Objective", "Owner", "Kind"]


def objective_row(site: Site, links: Links, node: ObjectiveNode) -> dict:
    """One objective as a row of a period's or a retrospective's unit table."""
    facts = site.scores.objectives[node.ref]
    return {"ref": node.ref, "link": links.objective(node), "owner": links.person(node.owner), "kind": node.obj.kind,
            "score": format_percent(facts.score), "bar": bar(facts.score, inline=True),
            "status": status_badge(facts.status)}
