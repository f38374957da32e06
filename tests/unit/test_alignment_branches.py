"""The alignment map: its top levels on the period page, one small JSON file per branch (render/tree.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import build_portal
from generator.pipeline import portal_outputs
from generator.render import tree as tree_module
from generator.render.links import site_url

from fixture_goals import FIXTURE, align_to_private, copy_goals, edit

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 22)
BRANCH = "api/alignment/2026-Q4/acme/customer-experience.json"


def outputs(goals: Path = FIXTURE, include_private: bool = False) -> dict[str, str]:
    build = build_portal(goals, TODAY, include_private=include_private)
    assert build.ok, build.errors
    return portal_outputs(build)


def branches(out: dict[str, str]) -> dict[str, dict]:
    return {path: json.loads(text) for path, text in out.items() if path.startswith("api/alignment/")}


def alignment_part(page: str) -> str:
    return page.split("## Alignment", 1)[1].split("\n## ", 1)[0]


def items(block: str) -> list[tuple[int, str]]:
    """(depth, the card's title) of every item of the map's list, in order."""
    found: list[tuple[int, str]] = []

    class Items(HTMLParser):
        depth, title = -1, False

        def handle_starttag(self, tag, attrs):
            if tag == "ul":
                self.depth += 1
            elif tag == "li":
                found.append((self.depth, ""))
            self.title = tag == "a" and ("class", "portal-card__title") in attrs

        def handle_endtag(self, tag):
            if tag == "ul":
                self.depth -= 1
            self.title = False

        def handle_data(self, data):
            if self.title:
                found[-1] = (found[-1][0], found[-1][1] + data)

    Items().feed(block)
    return found


@pytest.fixture(scope="module")
def out() -> dict[str, str]:
    return outputs()


# --- the page ---------------------------------------------------------------------------------------


def test_the_page_holds_the_company_objectives_and_their_aligned_goals_as_linked_cards(out):
    block = alignment_part(out["periods/2026-Q4.md"])
    assert "portal-chart" not in block and "sunburst" not in block
    assert block.strip().startswith('<div class="portal-map" data-map-base="../../">')
    assert "\n\n" not in block.strip(), "one raw HTML block"
    tree = items(block)
    assert tree[0] == (0, "Create an unforgettable customer experience")
    assert (1, "Become the first choice for mid-market retailers in DACH") in tree
    assert max(depth for depth, _ in tree) == 1, "only the top levels are on the page"
    assert '<a class="portal-card__title" href="../../units/acme/2026-Q4/#obj-customer-experience">' in block
    assert f'data-branch="{BRANCH}" data-kids="1"' in block
    assert 'supports <a href="../../units/acme/2026/#obj-grow-revenue">' in block  # its parent in the year


def test_a_card_whose_branch_is_not_on_the_page_links_to_where_it_continues(tmp_path):
    goals = copy_goals(tmp_path)

    def deeper(data):
        data["objectives"].append({"id": "dach-pipeline", "title": "Fill the DACH pipeline", "owner": "eli",
                                   "aligns_to": "sales-emea/win-dach",
                                   "key_results": [{"id": "k", "title": "Meet", "metric": {"unit": "x", "from": 0, "to": 9}}]})

    edit(goals / "2026-Q4" / "sales-emea.yaml", deeper)
    result = outputs(goals)
    block = alignment_part(result["periods/2026-Q4.md"])
    assert "Fill the DACH pipeline" not in block, "the third level is in its branch file, not on the page"
    assert ('<a class="portal-card__more" href="../../units/sales-emea/2026-Q4/#obj-win-dach">1 aligned goal</a>'
            in block)
    branch = branches(result)["api/alignment/2026-Q4/sales-emea/win-dach.json"]
    assert [c["title"] for c in branch["children"]] == ["Fill the DACH pipeline"]
    assert "Fill the DACH pipeline" in result["units/sales-emea/2026-Q4.md"], "the link leads to it"


# --- the branch files ---------------------------------------------------------------------------------


def test_a_branch_file_holds_the_cards_of_the_goals_aligned_to_one_objective(out):
    files = branches(out)
    branch = files[BRANCH]
    assert branch["version"] == 1 and branch["period"] == "2026-Q4" and branch["of"] == "2026-Q4:acme/customer-experience"
    [card] = branch["children"]
    assert card["ref"] == "2026-Q4:sales-emea/win-dach"
    assert card["title"] == "Become the first choice for mid-market retailers in DACH"
    assert card["unit"] == "Sales EMEA" and card["owner"] and card["status"] and card["status_label"]
    assert re.fullmatch(r"\d+ %|–", card["score"])
    assert card["url"] == "units/sales-emea/2026-Q4/#obj-win-dach"
    assert "via" not in card, "it aligns to the objective itself"
    assert "kids" not in card and "branch" not in card, "nothing aligns to it"
    served = {site_url(path) for path in out if path.endswith(".md")}
    for data in files.values():
        for c in data["children"]:
            assert c["url"].split("#")[0] in served, c["url"]
            if "branch" in c:
                assert c["branch"] in files and len(files[c["branch"]]["children"]) == c["kids"]


def test_branch_text_is_safe_json_whatever_the_goal_text(tmp_path):
    goals = copy_goals(tmp_path)
    evil = "</script><img src=x onerror=alert(1)> & 'x' {{ y }}"
    edit(goals / "2026-Q4" / "sales-emea.yaml", lambda d: d["objectives"][0].update(title=evil))
    result = outputs(goals)
    text = result[BRANCH]
    assert "<" not in text and "&" not in text and "'" not in text
    assert json.loads(text)["children"][0]["title"] == evil
    assert "<img" not in alignment_part(result["periods/2026-Q4.md"])


def test_an_objective_under_two_parents_is_secondary_under_its_second_and_names_the_other(tmp_path):
    goals = copy_goals(tmp_path)

    def second(data):
        data["objectives"].append({"id": "second", "title": "Also a root", "owner": "dana",
                                   "key_results": [{"id": "k", "title": "Do", "metric": {"unit": "x", "from": 0, "to": 1}}]})

    edit(goals / "2026-Q4" / "acme.yaml", second)
    edit(goals / "2026-Q4" / "sales-emea.yaml",
         lambda d: d["objectives"][0].update(aligns_to=["acme/customer-experience", "acme/second/k"]))
    files = branches(outputs(goals))
    primary = files[BRANCH]["children"][0]
    secondary = files["api/alignment/2026-Q4/acme/second.json"]["children"][0]
    assert primary["ref"] == secondary["ref"] == "2026-Q4:sales-emea/win-dach"
    assert "secondary" not in primary and secondary["secondary"] is True
    assert secondary["via"] == {"title": "Do", "url": "units/acme/2026-Q4/#kr-second__k"}
    assert [a["title"] for a in primary["also"]] == ["Do"]  # the key result of "Also a root" it aligns to
    assert [a["title"] for a in secondary["also"]] == ["Create an unforgettable customer experience"]


def test_a_private_goal_is_never_in_a_branch_file_and_only_named_a_private_goal(tmp_path):
    goals = copy_goals(tmp_path)
    align_to_private(goals)
    public = outputs(goals)
    files = branches(public)
    for path, text in public.items():
        if path.startswith("api/alignment/") or path == "periods/2026-Q4.md":
            assert "nightjar" not in text.lower() and "secret" not in text.lower(), path
    group = files["api/alignment/2026-Q4/_unaligned.json"]
    [card] = group["children"]
    assert card["title"] == "Support the hidden effort"
    assert card["supports"] == [{"title": "a private goal", "private": True}]
    block = alignment_part(public["periods/2026-Q4.md"])
    assert "Under no company objective of 2026-Q4</span> <span class=\"portal-card__meta\">1 objective of" in block
    restricted = branches(outputs(goals, include_private=True))
    assert "api/alignment/2026-Q4/sales-emea/nightjar.json" in restricted, "the restricted build shows it"
    assert "api/alignment/2026-Q4/sales-emea/nightjar.json" not in files


# --- bounded at any size -------------------------------------------------------------------------------


def _synth(tmp_path: Path, teams: int) -> dict[str, str]:
    goals = tmp_path / f"goals-{teams}"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synth.py"), "--teams", str(teams), "--out", str(goals)],
                   check=True, capture_output=True)
    build = build_portal(goals, TODAY, lint=False)
    assert build.ok, build.errors[:3]
    return portal_outputs(build)


def test_neither_the_page_nor_a_branch_file_grows_with_the_company(tmp_path):
    """At 80 teams the company objectives have more aligned goals than the page shows: the page holds
    INLINE_CHILDREN of each and a "more" item, the branch files BRANCH_PAGE cards each. (The whole tree
    the page held before was 440 KB of it at 80 teams, and grew with every team.)"""
    result = _synth(tmp_path, 80)
    block = alignment_part(result["periods/2026-Q4.md"])
    tree = items(block)
    roots = [title for depth, title in tree if depth == 0 and title]
    assert len(tree) <= len(roots) * (tree_module.INLINE_CHILDREN + 2) + 1
    assert block.count('class="portal-map__more"') >= 1, "some company objective has more than the page shows"
    assert len(block.encode("utf-8")) < 40_000
    files = {path: text for path, text in result.items() if path.startswith("api/alignment/")}
    assert max(len(json.loads(text)["children"]) for text in files.values()) <= tree_module.BRANCH_PAGE
    assert max(len(text.encode("utf-8")) for text in files.values()) < 25_000
    for path, text in files.items():  # a branch that goes on names a file that exists
        nxt = json.loads(text).get("next")
        assert nxt is None or nxt in files, path
