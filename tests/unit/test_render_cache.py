"""render/cache.py: a page reused from the last render is always the page a fresh render makes.

Each test edits a copy of the example company in a way that crosses files (a title shown on the
pages that link to it, a person's name, an owner moving between units, a removed file, a KPI
value, the build date, a goal made private) and compares the render that may reuse pages with
one that may not. The last ones check the person and tag pages: an edit shows on its owner's and
its tags' pages, the other ones are reused (`memo.stats`), and a goal that drops a tag moves the
others across the tag's pages (the minimal fixture with a long tag).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.export import export_json
from generator.pipeline import build_portal
from generator.render import render_pages
from generator.render.links import TAGS_INDEX, tag_path, tag_slug
from generator.render.site import Site
from generator.render.tags import TAG_PAGE
from generator.speed.memo import Memo

from fixture_goals import copy_goals, edit

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def goals(example_goals: Path) -> Path:
    return example_goals


@pytest.fixture
def memo() -> Memo:
    """The memo of a rebuilding shell, kept through one test's renders."""
    return Memo()


def assert_fresh(goals: Path, memo: Memo, today: dt.date = TODAY, *, reused_some: bool = True):
    """Render and export with the memo, then without; the same pages and export. Returns the build."""
    build = build_portal(goals, today, memo=memo)
    assert build.ok, [str(p) for p in build.errors]
    site = Site(build)
    cached = render_pages(build, site=site, memo=memo)
    reused = memo.stats("render").reused
    cached_export = export_json(build, site, memo)  # reuses the objectives of the files whose unit page key is the same
    exported = memo.stats("export").reused
    assert_same(cached, render_pages(build))
    fresh_export = export_json(build)  # a Site of its own: nothing reused
    stale = [o["ref"] for o, f in zip(cached_export["objectives"], fresh_export["objectives"]) if o != f]
    assert stale == [], "stale objectives in the export"
    assert cached_export == fresh_export
    if reused_some:
        assert 0 < reused < len(cached), "the edit left some pages alone, and changed some"
        assert 0 < exported, "the export reused some files' objectives"
    return build


def assert_same(cached: dict[str, str], fresh: dict[str, str]) -> None:
    """Equal page sets, named by path when not (a diff of whole pages would be unreadable)."""
    assert cached.keys() == fresh.keys()
    assert [path for path in fresh if cached[path] != fresh[path]] == [], "stale pages"


def nodes(build):
    return [n for n in build.portal.objectives.values() if not n.private]


def source_of(goals: Path, node) -> Path:
    return goals / node.period.id / f"{node.unit.id}.yaml"


def retitle(goals: Path, node, title: str, new: str) -> None:
    """Replace the title on the first `title:` line at or after the goal's own line in its file."""
    path = source_of(goals, node.objective if hasattr(node, "objective") else node)
    lines = path.read_text().splitlines(keepends=True)
    start = node.location.line - 1
    i = next(i for i in range(start, len(lines)) if re.match(r"\s*(- )?title:", lines[i]))
    assert title in lines[i], (lines[i], title)
    lines[i] = lines[i].replace(title, new, 1)
    path.write_text("".join(lines))


def test_a_first_render_then_an_unchanged_one_reuses_every_page(goals, memo):
    build = build_portal(goals, TODAY, memo=memo)
    first = render_pages(build, memo=memo)
    again = render_pages(build_portal(goals, TODAY, memo=memo), memo=memo)
    assert_same(again, first)
    assert memo.stats("render").reused == len(first)


def test_a_title_shows_anew_wherever_it_is_linked(goals, memo):
    build = assert_fresh(goals, memo, reused_some=False)
    parent = next(n for n in nodes(build) if any(c.file is not n.file for c in n.children))
    retitle(goals, parent, parent.obj.title, "Zeta parent objective")
    build = assert_fresh(goals, memo)
    child = next(c for c in parent.children if c.file is not parent.file)
    page = render_pages(build, memo=memo)[f"units/{child.unit.id}/{child.period.id}.md"]
    assert "Zeta parent objective" in page


def test_a_key_result_title_and_a_rolled_over_title_show_anew(goals, memo):
    build = assert_fresh(goals, memo, reused_some=False)
    kr = next(k for k in build.portal.key_results.values() if not k.private and k.children)
    retitle(goals, kr, kr.kr.title, "Zeta key result")
    build = assert_fresh(goals, memo)
    rolled = next(n for n in nodes(build) if n.rolled_over_to)
    retitle(goals, rolled, rolled.obj.title, "Zeta rolled objective")
    assert_fresh(goals, memo)


def test_a_renamed_person_and_a_moved_owner_show_everywhere(goals, memo):
    build = assert_fresh(goals, memo, reused_some=False)
    node = nodes(build)[0]
    org = goals / "org.yaml"
    org.write_text(org.read_text().replace(node.owner.name, "Zeta Person", 1))
    assert_fresh(goals, memo, reused_some=False)  # org.yaml is on every page
    build = build_portal(goals, TODAY)
    node = next(n for n in nodes(build) if n.unit.kind == "team")
    other = next(p for p in build.portal.people.values() if p.unit is not node.unit and p.unit.kind == "team")
    path = source_of(goals, node)
    lines = path.read_text().splitlines(keepends=True)
    i = next(i for i in range(node.location.line - 1, len(lines)) if re.match(r"\s*owner:", lines[i]))
    lines[i] = re.sub(r"owner:\s*\S+", f"owner: {other.id}", lines[i])
    path.write_text("".join(lines))
    assert_fresh(goals, memo)


def test_a_removed_file_a_private_goal_and_a_kpi_value(goals, memo):
    build = assert_fresh(goals, memo, reused_some=False)
    child = next(n for n in nodes(build) if n.parents and n.unit.kind == "team" and n.period.id == "2026-Q4")
    source_of(goals, child).unlink()
    build = assert_fresh(goals, memo, reused_some=False)  # which files exist is on every page (links, switchers)
    node = next(n for n in nodes(build) if n.children and n.period.id == "2026-Q4")
    path = source_of(goals, node)
    lines = path.read_text().splitlines(keepends=True)
    indent = re.match(r"\s*", lines[node.location.line - 1]).group(0)
    lines.insert(node.location.line, f"{indent}  visibility: private\n")
    path.write_text("".join(lines))
    assert_fresh(goals, memo)
    kpis = goals / "kpis.yaml"
    kpis.write_text(re.sub(r"value: 27\.0\}", "value: 12.0}", kpis.read_text(), count=1))
    assert_fresh(goals, memo, reused_some=False)


def test_another_day_renders_every_page_again(goals, memo):
    assert_fresh(goals, memo, reused_some=False)
    build = build_portal(goals, TODAY + dt.timedelta(days=1), memo=memo)
    assert_same(render_pages(build, memo=memo), render_pages(build))
    assert memo.stats("render").reused == 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_title_edit_anywhere(goals, memo, data):
    build = build_portal(goals, TODAY, memo=memo)
    render_pages(build, memo=memo)
    candidates = nodes(build) + [k for k in build.portal.key_results.values() if not k.private]
    node = data.draw(st.sampled_from(sorted(candidates, key=lambda n: n.ref)))
    title = node.kr.title if hasattr(node, "kr") else node.obj.title
    retitle(goals, node, title, f"{title} Zq")
    build = build_portal(goals, TODAY, memo=memo)
    assert_same(render_pages(build, memo=memo), render_pages(build))


def test_a_goal_aligned_to_a_key_result_shows_anew_under_it(goals, memo):
    build = assert_fresh(goals, memo, reused_some=False)
    kr = next(k for k in build.portal.key_results.values() if not k.private and k.children)
    child = next(c for c in kr.children if not c.private and c.file is not kr.objective.file)
    retitle(goals, child, child.obj.title, "Zeta supporting objective")
    build = assert_fresh(goals, memo)
    page = render_pages(build, memo=memo)[f"units/{kr.objective.unit.id}/{kr.objective.period.id}.md"]
    assert "Zeta supporting objective" in page


def test_a_retrospective_compares_with_earlier_periods_anew(goals, memo):
    """The retrospective of 2026-Q4 shows 2026-Q3's mean score: a Q3 check-in changes it."""
    build = assert_fresh(goals, memo, reused_some=False)
    kr = next(k for k in build.portal.key_results.values() if not k.private and not k.objective.private
              and k.objective.period.id == "2026-Q3" and k.checkins and k.kr.metric is not None and not k.from_kpi)
    path = source_of(goals, kr.objective)
    lines = path.read_text().splitlines(keepends=True)
    last = kr.checkins[-1]
    i = next(i for i in range(kr.location.line - 1, len(lines))
             if last.date.isoformat() in lines[i] and "value" in lines[i] + lines[min(i + 1, len(lines) - 1)])
    j = i if "value" in lines[i] else i + 1
    lines[j] = re.sub(r"value:\s*[-\d.]+", f"value: {kr.kr.metric.to if kr.kr.metric.to is not None else 0}",
                      lines[j], count=1)
    path.write_text("".join(lines))
    before = render_pages(build, memo=memo)["retrospectives/2026-Q4.md"]
    build = assert_fresh(goals, memo)
    assert render_pages(build, memo=memo)["retrospectives/2026-Q4.md"] != before


def test_a_running_quarter_edit_leaves_the_closed_quarter_and_unmoved_kpis_alone(goals, memo):
    """A closed period's retrospective and the pages of KPIs the file does not move are reused; the
    retrospective of the period edited and the KPI the file moves are rendered again."""
    build = assert_fresh(goals, memo, reused_some=False)
    node = next(n for n in nodes(build) if n.period.id == "2026-Q4" and not n.rolled_over_from
                and all(not o.rolled_over_from for o in n.file.objectives)
                and any(kr.kpi is not None and not kr.kpi.private for kr in n.key_results))
    moved = {kr.kpi.id for o in node.file.objectives for kr in o.key_results if kr.kpi is not None}
    retitle(goals, node, node.obj.title, "Zeta running objective")
    build = build_portal(goals, TODAY, memo=memo)
    site = Site(build)
    render_pages(build, site=site, memo=memo)
    assert "retrospectives/2026-Q3.md" in site.reused
    assert "retrospectives/2026-Q4.md" not in site.reused
    kpi_pages = {k.id: f"kpis/{k.id}.md" for k in site.kpis}
    assert all(kpi_pages[k] not in site.reused for k in moved if k in kpi_pages)
    assert any(path in site.reused for k, path in kpi_pages.items() if k not in moved)
    # The indexes of people, teams and KPIs show the org and the KPIs only; the others every goal.
    assert {"people/index.md", "units/index.md", "kpis/index.md"} <= set(site.reused)
    assert not {"index.md", "periods/index.md", "retrospectives/index.md"} & set(site.reused)
    assert_fresh(goals, memo, reused_some=False)


def test_deferred_pages_come_back_as_given_and_are_never_cached(goals, memo):
    """`goalsite serve`'s fast rebuilds: the company-wide pages an edit changed keep the text given,
    the other pages are rendered anew, and the next render gives every page as a fresh render does."""
    from generator.render.cache import company_wide

    first = render_pages(build_portal(goals, TODAY, memo=memo), memo=memo)
    shown = {path: text for path, text in first.items() if company_wide(path)}
    assert {"index.md", "periods/2026-Q4.md", "retrospectives/2026-Q4.md"} <= shown.keys()
    node = next(n for n in nodes(build_portal(goals, TODAY)) if n.period.id == "2026-Q4")
    retitle(goals, node, node.obj.title, "Zeta deferred objective")
    build = build_portal(goals, TODAY, memo=memo)
    fast = render_pages(build, deferred=shown, memo=memo)
    fresh = render_pages(build)
    assert fast.keys() == fresh.keys()
    unit_page = f"units/{node.unit.id}/2026-Q4.md"
    assert "Zeta deferred objective" in fast[unit_page]
    changed = [p for p in shown if fresh[p] != first[p]]
    assert "periods/2026-Q4.md" in changed
    assert [p for p in changed if fast[p] != shown[p]] == [], "a deferred page keeps the text the site shows"
    unchanged = [p for p in shown if fresh[p] == first[p]]
    assert "periods/2026-Q3.md" in unchanged  # another period: taken from the cache, equal either way
    assert [p for p in fresh if not company_wide(p) and fast[p] != fresh[p]] == [], "stale team pages"
    assert_same(render_pages(build, memo=memo), fresh)  # the complete rebuild that follows


# --- person and tag pages ----------------------------------------------------------------------

def warm_render(goals: Path, memo: Memo) -> tuple[dict[str, str], Site]:
    build = build_portal(goals, TODAY, memo=memo)
    assert build.ok, [str(p) for p in build.errors]
    site = Site(build)
    pages = render_pages(build, site=site, memo=memo)
    assert_same(pages, render_pages(build))  # what a render without the memo makes
    return pages, site


def tag_page_paths(pages: dict[str, str], tag: str) -> list[str]:
    return [p for p in pages if p.startswith(f"tags/{tag_slug(tag)}/")]


def test_an_edit_shows_on_its_owners_and_tags_pages_and_the_other_ones_are_reused(goals, memo):
    """The person pages of those the edited file shows and the pages of its tags are rendered again;
    every other person and tag page, and the tags index (the counts are the same), are reused."""
    pages, _ = warm_render(goals, memo)
    build = build_portal(goals, TODAY)
    node = next(n for n in sorted(nodes(build), key=lambda n: n.ref)
                if n.period.id == "2026-Q4" and n.obj.tags and n.owner is not None)
    # Who and which tags the edited file shows: only their pages may change.
    shown = node.file.objectives
    people = {p.id for o in shown for p in (o.owner, *o.collaborators, *(kr.owner for kr in o.key_results)) if p}
    tags = {t for o in shown for t in o.obj.tags}
    retitle(goals, node, node.obj.title, "Zeta tagged objective")

    pages, site = warm_render(goals, memo)

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
