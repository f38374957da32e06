"""The alignment tree of one period as a nested list.

Roots are the period's published objectives that align to nothing inside the
period (company objectives, and objectives aligned to an annual one, which
say so). Under each objective come its key results, and under a key result
the objectives aligned to it; objectives aligned to the objective itself
follow its key results. A published objective whose only parents in the
period are private is listed under one neutral item, "aligned to a private
objective", at the top level: the private goal's title, id and place in the
tree never appear. An objective with several parents appears under each.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import KeyResultNode, ObjectiveNode, Period
from .links import unit_period_path
from .parts import Links, status_badge
from .site import Site
from .text import escape_text, format_percent

PRIVATE_PARENT = Markup("<em>aligned to a private objective</em>")


def _period_of(node: ObjectiveNode | KeyResultNode) -> Period:
    return (node.objective if isinstance(node, KeyResultNode) else node).period


class _Tree:
    def __init__(self, site: Site, links: Links, period: Period):
        self.site, self.links, self.period = site, links, period
        self.kind = type(links).__name__
        self.lines: list[tuple[int, str]] = []  # (depth, the line's HTML)

    def here(self, nodes) -> list[ObjectiveNode]:
        return [n for n in nodes if n.period is self.period]

    def objective(self, node: ObjectiveNode, depth: int, path: set) -> None:
        if node in path:
            return  # the resolver cuts loops; this guards the walk regardless
        path.add(node)  # the objectives above this one, while its subtree is walked
        root = depth == 0
        # The lines show only the goal's own file and what it links to: kept while its unit's page is.
        lines = self.site.fragments.get(("tree", self.kind, self.links.page, node.ref, root),
                                        unit_period_path(node.unit.id, node.period.id),
                                        lambda: self._node_lines(node, root))
        self.lines.append((depth, lines[0]))
        for kr, line in zip(node.key_results, lines[1:]):
            self.lines.append((depth + 1, line))
            for child in self.here(self.site.children(kr)):
                self.objective(child, depth + 2, path)
        for child in self.here(self.site.children(node)):
            self.objective(child, depth + 1, path)
        path.discard(node)

    def _node_lines(self, node: ObjectiveNode, root: bool) -> tuple[str, ...]:
        """The objective's line, then one line a key result: HTML, as plain strings.

        Kept from one render to the next (Fragments) for every goal of a large company: a tuple of
        `str` is out of the cycle collector's sight, where a list of Markup (a str subclass it
        tracks) made hundreds of thousands more objects for each collection in `goalsite serve` to walk.
        """
        facts = self.site.scores.objectives[node.ref]
        line = Markup(f"{self.links.objective(node)} · {escape_text(node.unit.name)} · "
                      f"{status_badge(facts.status)} {escape_text(format_percent(facts.score))}")
        if root:
            line += self._elsewhere(node)
        lines = [line]
        for kr in node.key_results:
            krs = self.site.scores.key_results[kr.ref]
            lines.append(Markup(f'<span class="portal-badge portal-badge--kr">KR</span> '
                                f"{self.links.key_result(kr)} · {escape_text(format_percent(krs.score))}"))
        return tuple(map(str, lines))

    def _elsewhere(self, node: ObjectiveNode) -> Markup:
        """Parents in other periods (a quarter aligned to the year)."""
        out = Markup("")
        for parent in node.parents:
            if _period_of(parent) is self.period:
                continue
            if not self.site.visible(parent):
                out += Markup(" · ") + PRIVATE_PARENT
                continue
            link = self.links.key_result(parent) if isinstance(parent, KeyResultNode) else self.links.objective(parent)
            out += Markup(f" · aligns to {escape_text(_period_of(parent).id)}: {link}")
        return out


def alignment_html(site: Site, links: Links, period: Period) -> Markup:
    """The period's alignment tree as one raw HTML block: the nested list Python-Markdown would make of
    it as a Markdown list, one line an item (`links` should be HtmlLinks); "" when the period has none.

    A large company's tree has tens of thousands of lines: as Markdown it was most of the conversion
    time of the period page.
    """
    out: list[str] = []
    prev = -1
    for depth, line in _lines(site, links, period):
        if prev < 0:  # the tree's own list: rawblocks.Unsearched gives search a light copy of it
            out.append(f'<ul class="portal-tree">\n<li>{line}')
        elif depth > prev:  # one level deeper (the walk never skips one): a list in the item above
            out.append(f"<ul>\n<li>{line}")
        else:
            out.append("</li>\n</ul>\n" * (prev - depth) + f"</li>\n<li>{line}")
        prev = depth
    if prev < 0:
        return Markup("")
    out.append("</li>\n" + "</ul>\n</li>\n" * prev + "</ul>")
    return Markup("".join(out))


def _lines(site: Site, links: Links, period: Period) -> list[tuple[int, str]]:
    """(depth, the line's HTML) of every line of the tree, top to bottom."""
    tree = _Tree(site, links, period)
    roots, orphans = [], []
    for unit in site.units_in_order:
        for node in site.objectives(period.id, unit.id):
            parents = [p for p in node.parents if _period_of(p) is period]
            if not parents:
                roots.append(node)
            elif not any(site.visible(p) for p in parents):
                orphans.append(node)
    for node in roots:
        tree.objective(node, 0, set())
    if orphans:
        tree.lines.append((0, str(PRIVATE_PARENT)))
        for node in orphans:
            tree.objective(node, 1, set())
    return tree.lines
