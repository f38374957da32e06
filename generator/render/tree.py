"""The alignment map of one period: its top levels on the period page, every branch in small JSON files.

Nothing of it grows with the company. The period page holds the company's objectives of the period
and, under each, the first INLINE_CHILDREN goals aligned to it (`alignment_html`): a nested list of
cards (title, unit, owner, status, score) whose links work without JavaScript; a card whose own
branch is not on the page links, as "n aligned goals", to its place on its unit's page of the period,
which lists what supports it. The objectives of departments and teams under no company objective of
the period are counted in one item.

assets/alignment.js makes the list an expandable map: opening a card fetches its branch,
`api/alignment/<period>/<unit>/<objective>.json` (the goals aligned to one objective, directly or
through one of its key results), or `api/alignment/<period>/_unaligned.json` (`alignment_branches`).
A branch holds BRANCH_PAGE cards a file, and names the file that continues it (`<objective>.2.json`,
...). Slugs hold neither "_" nor ".", so no goal's file can be taken for another's.

Private goals never appear: a published objective aligned to a private one says only that it
supports "a private goal", without its title, id or place. An objective with several parents in the
period appears under each; under every parent but its first (its primary one) it is marked secondary,
and each card lists the other goals it supports.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import KeyResultNode, ObjectiveNode, Period
from .figure_json import figure_json
from .links import site_root, site_url
from .parts import STATUS_WORDS, Links
from .site import Site
from .text import escape_meta, escape_text, format_percent

#: Where the branch files live, relative to the site root.
BRANCHES = "api/alignment"
#: Cards in one branch file; a longer branch continues in the next file (`next`).
BRANCH_PAGE = 40
#: Cards under each company objective on the period page; the map loads the rest from its branch files.
INLINE_CHILDREN = 8
#: What the site shows of a private goal a published one supports (FORMAT.md).
PRIVATE_GOAL = "a private goal"


def branch_path(node: ObjectiveNode) -> str:
    return f"{BRANCHES}/{node.period.id}/{node.unit.id}/{node.id}.json"


def unaligned_path(period_id: str) -> str:
    return f"{BRANCHES}/{period_id}/_unaligned.json"


def _period_of(node: ObjectiveNode | KeyResultNode) -> Period:
    return (node.objective if isinstance(node, KeyResultNode) else node).period


def _objective_of(node: ObjectiveNode | KeyResultNode) -> ObjectiveNode:
    return node.objective if isinstance(node, KeyResultNode) else node


class _Map:
    """The facts of one period's map, shared by the page and the branch files."""

    def __init__(self, site: Site, period: Period):
        self.site, self.period = site, period

    def children(self, node: ObjectiveNode) -> list[tuple[ObjectiveNode, KeyResultNode | None]]:
        """(child, the key result it aligns to or None) of the published goals aligned to `node` in the period."""
        seen, out = set(), []
        via = [(kr, self.site.children(kr)) for kr in node.key_results if self.site.visible(kr)]
        for kr, kids in [*via, (None, self.site.children(node))]:
            for child in kids:
                if child.period is self.period and child not in seen and child is not node:
                    seen.add(child)
                    out.append((child, kr))
        return out

    def kids(self, node: ObjectiveNode) -> int:
        if not node.children and not any(kr.children for kr in node.key_results):
            return 0  # most goals: no need to sort anything
        return len(self.children(node))

    def url(self, target: tuple[str, str]) -> str:
        return site_url(*target)

    def card(self, node: ObjectiveNode, parent: ObjectiveNode | None, via: KeyResultNode | None) -> dict:
        """The facts of one card, placed under `parent` (None: at the top level), as the JSON holds them."""
        site = self.site
        facts = site.scores.objectives[node.ref]
        card = {"ref": node.ref, "title": node.obj.title, "url": self.url(site.objective_target(node)),
                "unit": node.unit.name, "owner": node.owner.name if node.owner is not None else "",
                "score": format_percent(facts.score), "status": facts.status or "",
                "status_label": STATUS_WORDS.get(facts.status or "", facts.status or "")}
        kids = self.kids(node)
        if kids:
            card["kids"], card["branch"] = kids, branch_path(node)
        if via is not None:
            card["via"] = {"title": via.kr.title, "url": self.url(site.key_result_target(via))}
        also, primary = self.also(node, parent)
        if also:  # at the top level, what it supports outside the period (or privately)
            card["also" if parent is not None else "supports"] = also
        if parent is not None and not primary:
            card["secondary"] = True
        return card

    def also(self, node: ObjectiveNode, parent: ObjectiveNode | None) -> tuple[list[dict], bool]:
        """(the other goals `node` supports, whether `parent` is its first, primary one)."""
        out, private = [], False
        for up in node.parents:
            if parent is not None and _objective_of(up) is parent:
                continue
            if not self.site.visible(up):
                private = True
                continue
            target = self.site.key_result_target(up) if isinstance(up, KeyResultNode) else self.site.objective_target(up)
            title = up.kr.title if isinstance(up, KeyResultNode) else up.obj.title
            item = {"title": title, "url": self.url(target)}
            if _period_of(up) is not self.period:
                item["period"] = _period_of(up).id
            out.append(item)
        if private:
            out.append({"title": PRIVATE_GOAL, "private": True})
        return out, parent is None or (bool(node.parents) and _objective_of(node.parents[0]) is parent)

    def tops(self) -> tuple[list[ObjectiveNode], list[ObjectiveNode]]:
        """(the company's objectives under no other of the period, the other objectives under no published one)."""
        company = self.site.portal.company
        roots: list[ObjectiveNode] = []
        others: list[ObjectiveNode] = []
        for unit in self.site.units_in_order:
            for node in self.site.objectives(self.period.id, unit.id):
                parents = [p for p in node.parents if _period_of(p) is self.period]
                if any(self.site.visible(p) for p in parents):
                    continue  # placed under a published parent
                if unit is company and not parents:
                    roots.append(node)
                else:
                    others.append(node)
        return roots, others


def alignment_branches(site: Site, period: Period) -> dict[str, str]:
    """{site path: JSON text} of every branch file of the period's map."""
    tree = _Map(site, period)
    out: dict[str, str] = {}
    for unit in site.units_in_order:
        for node in site.objectives(period.id, unit.id):
            children = tree.children(node)
            if children:
                cards = [tree.card(child, node, via) for child, via in children]
                out.update(_branch_files(period, node.ref, branch_path(node), cards))
    _, others = tree.tops()
    if others:
        cards = [tree.card(node, None, None) for node in others]
        out.update(_branch_files(period, f"{period.id}:_unaligned", unaligned_path(period.id), cards))
    return out


def alignment_outputs(site: Site) -> dict[str, str]:
    """{site path: JSON text} of the branch files of every period's map (pipeline.portal_outputs)."""
    out: dict[str, str] = {}
    for period in site.periods_newest:
        out.update(alignment_branches(site, period))
    return dict(sorted(out.items()))


def page_path(first: str, number: int) -> str:
    """The file of a branch's `number`th page of cards (1: the branch's own path)."""
    return first if number == 1 else f"{first[:-len('.json')]}.{number}.json"


def _branch_files(period: Period, of: str, first: str, cards: list[dict]) -> dict[str, str]:
    """The branch's cards, BRANCH_PAGE a file: each names the next, so that no file grows with the company."""
    chunks = [cards[i:i + BRANCH_PAGE] for i in range(0, len(cards), BRANCH_PAGE)]
    out = {}
    for number, chunk in enumerate(chunks, 1):
        data = {"version": 1, "period": period.id, "of": of, "total": len(cards), "children": chunk}
        if number < len(chunks):
            data["next"] = page_path(first, number + 1)
        # Goal text is data for alignment.js (textContent only); figure_json also keeps `<`, `&`, ...
        # out of the text, whatever reads the file.
        out[page_path(first, number)] = figure_json(data) + "\n"
    return out


# --- the top levels on the period page ----------------------------------------------------------------


def alignment_html(site: Site, links: Links, period: Period) -> Markup:
    """The top levels of the period's map as one raw HTML block ("" when the period has no objective).

    `links` is the page's (an HtmlLinks: the block is raw HTML, whose links MkDocs does not rewrite).
    """
    tree = _Map(site, period)
    roots, others = tree.tops()
    if not roots and not others:
        return Markup("")
    page = links.page
    items = []
    for node in roots:
        below = tree.children(node)
        children = [_item(page, tree.card(child, node, via), inline=False) for child, via in below[:INLINE_CHILDREN]]
        if len(below) > INLINE_CHILDREN:
            children.append(_more(page, branch_path(node), site.objective_target(node), len(below) - INLINE_CHILDREN))
        items.append(_item(page, tree.card(node, None, None), inline=True, children=children))
    if others:
        items.append(_group(page, period, len(others)))
    return Markup(f'<div class="portal-map" data-map-base="{site_root(page)}">\n'
                  f'<p class="portal-map__help">{_HELP}</p>\n'
                  f'<ul class="portal-map__tree">\n{"".join(items)}</ul>\n</div>')


_HELP = ("Each card is an objective: its unit and owner, status and score. Under it, the goals aligned to it; "
         "&ldquo;also supports&rdquo; names the other goals it is aligned to.")


def _item(page: str, card: dict, *, inline: bool, children: list[str] | None = None) -> str:
    """One card as a list item; its children inline (`inline`), else a link to where its branch continues."""
    attrs = f' data-ref="{escape_meta(card["ref"])}"'
    if card.get("branch"):
        attrs += f' data-branch="{card["branch"]}" data-kids="{card["kids"]}"'
    if card.get("secondary"):
        attrs += ' data-secondary="true"'
    inner = f"<ul>\n{''.join(children)}</ul>\n" if inline and children else ""
    return f'<li class="portal-map__node"{attrs}>{_card(page, card, inline)}{inner}</li>\n'


def _href(page: str, url: str) -> str:
    return escape_meta(site_root(page) + url)


def _card(page: str, card: dict, inline: bool) -> str:
    """The card's HTML: the same structure alignment.js builds from a branch file."""
    status = card["status"]
    badge = (f'<span class="portal-status portal-status--{escape_meta(status)}">{escape_text(card["status_label"])}</span> '
             if status else "")
    out = [f'<div class="portal-card"><a class="portal-card__title" href="{_href(page, card["url"])}">'
           f'{escape_text(card["title"])}</a>',
           f'<span class="portal-card__meta">{escape_text(card["unit"])}'
           + (f' · {escape_text(card["owner"])}' if card["owner"] else "") + "</span>",
           f'<span class="portal-card__facts">{badge}<span class="portal-card__score">'
           f'{escape_text(card["score"])}</span></span>']
    if card.get("via"):
        out.append(f'<span class="portal-card__via">through <a href="{_href(page, card["via"]["url"])}">'
                   f'{escape_text(card["via"]["title"])}</a></span>')
    for also in card.get("also", ()):
        out.append(_chip(page, also, "also supports"))
    for also in card.get("supports", ()):
        out.append(_chip(page, also, "supports"))
    if card.get("kids") and not inline:
        word = "goal" if card["kids"] == 1 else "goals"
        out.append(f'<a class="portal-card__more" href="{_href(page, card["url"])}">'
                   f'{card["kids"]} aligned {word}</a>')
    return " ".join(out) + "</div>"  # spaces: search reads the card's parts as words apart


def _chip(page: str, also: dict, word: str) -> str:
    if also.get("private"):
        return f'<span class="portal-card__also">{word} {PRIVATE_GOAL}</span>'
    where = f' ({escape_text(also["period"])})' if also.get("period") else ""
    return (f'<span class="portal-card__also">{word} <a href="{_href(page, also["url"])}">'
            f'{escape_text(also["title"])}</a>{where}</span>')


def _more(page: str, first: str, target: tuple[str, str], count: int) -> str:
    """The item after the cards shown: how many more, a link to where they are listed (alignment.js loads them)."""
    return (f'<li class="portal-map__more" data-next="{first}"><a href="{_href(page, site_url(*target))}">'
            f"{count} more aligned goals</a></li>\n")


def _group(page: str, period: Period, count: int) -> str:
    """The objectives of departments and teams under no company objective of the period, counted."""
    word = "objective" if count == 1 else "objectives"
    return (f'<li class="portal-map__node portal-map__group" data-ref="{period.id}:_unaligned" '
            f'data-branch="{unaligned_path(period.id)}" data-kids="{count}">'
            f'<div class="portal-card portal-card--group"><span class="portal-card__title">'
            f"Under no company objective of {escape_text(period.id)}</span>"
            f' <span class="portal-card__meta">{count} {word} of departments and teams</span>'
            f' <a class="portal-card__more" href="{_href(page, site_url("units/index.md"))}">'
            "find them on their units&rsquo; pages</a></div></li>\n")


__all__ = ["alignment_html", "alignment_branches", "alignment_outputs", "branch_path", "unaligned_path", "PRIVATE_GOAL"]
