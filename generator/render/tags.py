"""A page per tag: the published objectives that carry it, current period first, in pages of `TAG_PAGE`.

`tags/<slug>/index.md` is the first page of a tag, `tags/<slug>/<n>.md` the next ones; `tags/index.md`
lists the tags, most used first (the first `TAGS_LISTED`; search finds the others). Every page is
bounded however many goals carry a tag. Only published objectives count (Site.files), so a tag that
only private goals carry has no page.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..resolve import ObjectiveNode
from .links import TAGS_INDEX, tag_path, unit_period_path
from .page import Pages
from .person import by_period, goal_row, period_order
from .site import Site

TAG_PAGE = 200
"""Objectives a page of a tag (~60 KB of HTML)."""
TAGS_LISTED = 1000


def tagged(site: Site) -> dict[str, list[ObjectiveNode]]:
    """Tag -> its published objectives, the current period first, then in org and file order.

    Made once for a Site (the page keys and the tag pages both read it)."""
    if site.tagged is None:
        order = period_order(site)
        place = {u.id: i for i, u in enumerate(site.units_in_order)}
        out: dict[str, list[ObjectiveNode]] = {}
        files = sorted(site.files.items(), key=lambda item: (order[item[0][0]], place.get(item[0][1], len(place))))
        for _, objectives in files:
            for node in objectives:
                for tag in dict.fromkeys(node.obj.tags):
                    out.setdefault(tag, []).append(node)
        site.tagged = out
    return site.tagged


@dataclass(frozen=True)
class TagPage:
    """One page of a tag: its `number` of `count`, and the objectives it lists."""

    tag: str
    number: int
    count: int
    nodes: list[ObjectiveNode]

    @property
    def path(self) -> str:
        return tag_path(self.tag, self.number)


def tag_pages(site: Site) -> list[TagPage]:
    """Every page of every tag, by tag (sorted), then number."""
    out = []
    for tag, nodes in sorted(tagged(site).items()):
        chunks = [nodes[i:i + TAG_PAGE] for i in range(0, len(nodes), TAG_PAGE)]
        out += [TagPage(tag, number, len(chunks), chunk) for number, chunk in enumerate(chunks, 1)]
    return out


def tag_counts(site: Site) -> list[tuple[str, int]]:
    """What the tags index lists: each tag with its number of objectives, most used first."""
    by_tag = tagged(site)
    ranked = sorted(by_tag, key=lambda t: (-len(by_tag[t]), t.casefold(), t))
    return [(tag, len(by_tag[tag])) for tag in ranked]


def render_tag_pages(pages: Pages) -> None:
    if pages.owns(TAGS_INDEX):
        links = pages.links(TAGS_INDEX)
        ranked = tag_counts(pages.site)
        pages.add(TAGS_INDEX, "tags.md.j2", "Tags", [],
                  listed=[{"link": links.to(t, tag_path(t)), "count": n} for t, n in ranked[:TAGS_LISTED]],
                  more=max(0, len(ranked) - TAGS_LISTED))
    order = period_order(pages.site)
    for page in tag_pages(pages.site):
        _render_tag_page(pages, page, order)


def _render_tag_page(pages: Pages, page: TagPage, order: dict[str, int]) -> None:
    path, tag, number, count = page.path, page.tag, page.number, page.count
    if not pages.owns(path):
        return
    links = pages.links(path)
    title = f"Tag: {tag}" if count == 1 else f"Tag: {tag} ({number} of {count})"
    site = pages.site

    def row(node: ObjectiveNode) -> dict:
        # The same on every tag page (all in tags/<slug>/), and made from the objective's file only: kept
        # while its unit's page of the period keeps its key (fragments.py), so that a goal edit renders
        # one row of each of its tags' pages, not every row.
        return site.fragments.get(("tag row", node.ref), unit_period_path(node.unit.id, node.period.id),
                                  lambda: goal_row(site, links, node))

    pages.add(path, "tag.md.j2", title, [],
              groups=by_period(site, links, page.nodes, order, row), all_tags=links.to("All tags", TAGS_INDEX),
              previous=links.to("Previous", tag_path(tag, number - 1)) if number > 1 else "",
              next=links.to("Next", tag_path(tag, number + 1)) if number < count else "",
              number=number, count=count)
