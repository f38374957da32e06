"""render/cache.py for the person and tag pages: a goal edit renders the pages that show the goal again,
and the memo gives every other person and tag page as it was (`memo.stats("render")`, `Site.reused`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.pipeline import build_portal
from generator.render import render_pages
from generator.render.links import TAGS_INDEX, tag_path, tag_slug
from generator.render.site import Site
from generator.render.tags import TAG_PAGE
from generator.speed.memo import Memo

from fixture_goals import copy_goals, edit
from test_render_cache import assert_same, nodes, retitle

TODAY = dt.date(2026, 11, 22)


def warm_render(goals: Path, memo: Memo) -> tuple[dict[str, str], Site]:
    build = build_portal(goals, TODAY, memo=memo)
    assert build.ok, [str(p) for p in build.errors]
    site = Site(build)
    pages = render_pages(build, site=site, memo=memo)
    assert_same(pages, render_pages(build))  # what a render without the memo makes
    return pages, site


def tag_page_paths(pages: dict[str, str], tag: str) -> list[str]:
    return [p for p in pages if p.startswith(f"tags/{tag_slug(tag)}/")]


def test_an_edit_shows_on_its_owners_and_tags_pages_and_the_other_ones_are_reused(example_goals):
    memo = Memo()
    pages, _ = warm_render(example_goals, memo)
    build = build_portal(example_goals, TODAY)
    node = next(n for n in sorted(nodes(build), key=lambda n: n.ref)
                if n.period.id == "2026-Q4" and n.obj.tags and n.owner is not None)
    # Who and which tags the edited file shows: only their pages may change.
    shown = node.file.objectives
    people = {p.id for o in shown for p in (o.owner, *o.collaborators, *(kr.owner for kr in o.key_results)) if p}
    tags = {t for o in shown for t in o.obj.tags}
    retitle(example_goals, node, node.obj.title, "Zeta tagged objective")

    pages, site = warm_render(example_goals, memo)

    owner_page = f"people/{node.owner.id}.md"
    assert "Zeta tagged objective" in pages[owner_page]
    for tag in node.obj.tags:
        assert any("Zeta tagged objective" in pages[p] for p in tag_page_paths(pages, tag)), tag
    others = [f"people/{pid}.md" for pid in build.portal.people if pid not in people]
    assert others and all(p in site.reused for p in others), "the page of someone the edit does not show"
    untouched = [p for p in pages if p.startswith("tags/") and p != TAGS_INDEX
                 and not any(p.startswith(f"tags/{tag_slug(t)}/") for t in tags)]
    assert untouched and all(p in site.reused for p in untouched), "the page of a tag the edited file lacks"
    assert TAGS_INDEX in site.reused, "a retitled goal leaves every tag's count as it was"
    stats = memo.stats("render")
    assert stats.reused == len(site.reused) and stats.made == len(pages) - len(site.reused)
    assert stats.made < len(pages) // 5


def _tagged(count: int, owner: str, prefix: str) -> list[dict]:
    return [{"id": f"{prefix}-{i}", "title": f"{prefix.title()} {i}", "owner": owner, "tags": ["busy"],
             "key_results": [{"id": "k", "title": "Do it", "metric": {"unit": "x", "from": 0, "to": 1}}]}
            for i in range(count)]


def test_a_goal_that_drops_a_tag_moves_the_others_up_its_pages(tmp_path):
    """A tag's second page lists the same file's goals before and after, but not the same goals: the
    first file's goal that dropped the tag pulls one of them onto the first page."""
    goals = copy_goals(tmp_path)
    first, second = TAG_PAGE - 50, 100
    edit(goals / "2026-Q4" / "acme.yaml", lambda d: d["objectives"].extend(_tagged(first, "carol", "early")))
    edit(goals / "2026-Q4" / "sales-emea.yaml", lambda d: d["objectives"].extend(_tagged(second, "eli", "late")))
    memo = Memo()
    pages, _ = warm_render(goals, memo)
    assert pages[tag_path("busy", 2)].count("#obj-late-") == first + second - TAG_PAGE
    assert "[busy](busy/index.md) (250)" in pages[TAGS_INDEX]

    edit(goals / "2026-Q4" / "acme.yaml", lambda d: d["objectives"][-1].update(tags=[]))
    pages, site = warm_render(goals, memo)

    assert pages[tag_path("busy", 2)].count("#obj-late-") == first + second - TAG_PAGE - 1
    assert tag_path("busy", 2) not in site.reused
    assert "[busy](busy/index.md) (249)" in pages[TAGS_INDEX] and TAGS_INDEX not in site.reused
