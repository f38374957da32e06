"""A page per tag: the published objectives that carry it, current period first, in pages of `TAG_PAGE`.

`tags/<slug>/index.md` is the first page of a tag, `tags/<slug>/<n>.md` the next ones; `tags/index.md`
lists the tags, most used first (the first `TAGS_LISTED`; search finds the others). Every page is
bounded however many goals carry a tag. Only published objectives count (Site.files), so a tag that
only private goals carry has no page.
"""

from __future__ import annotations

from ..resolve import ObjectiveNode
from .links import TAGS_INDEX, tag_path
from .page import Pages
from .person import by_period, period_order
from .site import Site

TAG_PAGE = 200
"""Objectives a page of a tag (~60 KB of HTML)."""
TAGS_LISTED = 1000


def tagged(site: Site) -> dict[str, list[ObjectiveNode]]:
    """Tag -> its published objectives, the current period first, then in org and file order."""
    order = period_order(site)
    place = {u.id: i for i, u in enumerate(site.units_in_order)}
    out: dict[str, list[ObjectiveNode]] = {}
    files = sorted(site.files.items(), key=lambda item: (order[item[0][0]], place.get(item[0][1], len(place))))
    for _, objectives in files:
        for node in objectives:
            for tag in dict.fromkeys(node.obj.tags):
                out.setdefault(tag, []).append(node)
    return out


def tag_pages(site: Site) -> list[str]:
    """The paths of every tag page and of the tags index."""
    return [TAGS_INDEX, *(tag_path(tag, n) for tag, nodes in tagged(site).items()
                          for n in range(1, -(-len(nodes) // TAG_PAGE) + 1))]


def render_tag_pages(pages: Pages) -> None:
    by_tag = tagged(pages.site)
    if pages.owns(TAGS_INDEX):
        links = pages.links(TAGS_INDEX)
        ranked = sorted(by_tag, key=lambda t: (-len(by_tag[t]), t.casefold(), t))
        pages.add(TAGS_INDEX, "tags.md.j2", "Tags", [],
                  listed=[{"link": links.to(t, tag_path(t)), "count": len(by_tag[t])} for t in ranked[:TAGS_LISTED]],
                  more=max(0, len(ranked) - TAGS_LISTED))
    order = period_order(pages.site)
    for tag, nodes in sorted(by_tag.items()):
        chunks = [nodes[i:i + TAG_PAGE] for i in range(0, len(nodes), TAG_PAGE)]
        for number, chunk in enumerate(chunks, 1):
            _render_tag_page(pages, tag, number, len(chunks), chunk, order)


def _render_tag_page(pages: Pages, tag: str, number: int, count: int, nodes: list[ObjectiveNode],
                     order: dict[str, int]) -> None:
    path = tag_path(tag, number)
    if not pages.owns(path):
        return
    links = pages.links(path)
    title = f"Tag: {tag}" if count == 1 else f"Tag: {tag} ({number} of {count})"
    pages.add(path, "tag.md.j2", title, [],
              groups=by_period(pages.site, links, nodes, order), all_tags=links.to("All tags", TAGS_INDEX),
              previous=links.to("Previous", tag_path(tag, number - 1)) if number > 1 else "",
              next=links.to("Next", tag_path(tag, number + 1)) if number < count else "",
              number=number, count=count)
