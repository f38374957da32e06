"""render_pages() on real goal files: pages, anchors, links, numbers, privacy and untrusted text."""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from markupsafe import Markup

from generator import build_portal
from generator.render import render_pages
from generator.render.links import site_root, site_url, url_link
from generator.render.site import Site
from generator.speed.tasks import Tasks

from fixture_goals import FIXTURE, align_to_private, copy_goals, edit

EXAMPLE = Path(__file__).resolve().parents[2] / "goals"
TODAY = dt.date(2026, 11, 22)
BANNER = "Restricted build: includes private goals"
PAGE_EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "md_in_html", "admonition",
                   "pymdownx.superfences", "pymdownx.details", "pymdownx.mark", "pymdownx.magiclink"]


def render(goals: Path = FIXTURE, include_private: bool = False, today: dt.date = TODAY) -> dict[str, str]:
    build = build_portal(goals, today, include_private=include_private)
    assert build.ok, build.errors
    return render_pages(build)


def split(page: str) -> tuple[dict, str]:
    _, head, body = page.split("---\n", 2)
    return yaml.safe_load(head), body


def to_html(page: str) -> str:
    return markdown.Markdown(extensions=PAGE_EXTENSIONS).convert(split(page)[1])


def to_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", to_html(page)))


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render()


def test_every_page_of_the_site_map_is_written(pages):
    assert set(pages) == {
        "index.md", "periods/index.md", "periods/2026.md", "periods/2026-Q4.md",
        "units/index.md", "units/acme/index.md", "units/acme/2026.md", "units/acme/2026-Q4.md",
        "units/sales/index.md", "units/sales-emea/index.md", "units/sales-emea/2026-Q4.md", "units/cs/index.md",
        "people/index.md", "people/sales.md", "people/sales-emea.md", "people/cs.md",
        "people/carol.md", "people/dana.md", "people/eli.md", "people/no.md",
        "tags/index.md", "tags/dach/index.md", "tags/growth/index.md",
        "kpis/index.md", "kpis/customer-retention.md", "kpis/monthly-churn.md",
        "retrospectives/index.md", "retrospectives/2026.md", "retrospectives/2026-Q4.md",
        "periods/2026-Q4/sales.md", "retrospectives/2026-Q4/sales.md",  # the one department with a file in 2026-Q4
    }
    assert list(pages) == sorted(pages)


def test_rendering_is_deterministic(pages):
    assert render() == pages


def test_front_matter_has_title_and_tags(pages):
    meta, body = split(pages["units/sales-emea/2026-Q4.md"])
    assert meta["title"] == "Sales EMEA · 2026-Q4"
    assert meta["tags"] == ["Sales EMEA", "2026-Q4"]
    assert meta["search"] == {"boost": 2}
    assert body.lstrip().startswith("# Sales EMEA · 2026-Q4")
    assert split(pages["periods/2026-Q4.md"])[0]["tags"] == ["2026-Q4"]
    assert "off-track" in split(pages["units/acme/2026-Q4.md"])[0]["tags"]


def test_unit_period_page_shows_objectives_and_key_results_in_full(pages):
    page = pages["units/sales-emea/2026-Q4.md"]
    out, text = to_html(page), to_text(page)
    assert 'id="obj-win-dach"' in out
    for kr in ("new-logos", "churn", "uptime", "partner-portal"):
        assert f'id="kr-win-dach__{kr}"' in out
    assert "[Dana Fox](../../people/dana.md)" in page
    assert "[Eli Stone](../../people/eli.md)" in page
    for words in ("12 of 25 logos, from 0", "2.2 % (reduce from 2.4 to 1.8 %)",
                  "inside 99.9–100 % in 1 of 1 check-ins", "50 % done, due 2026-11-30",
                  "Values from KPI Monthly churn", "Two pilots converted", "Legal review is slow",
                  "Close two more pilots", "Pilots converted", "at risk", "on track", "stale", "56 %"):
        assert words in text, words
    assert '<div class="portal-bar"' in out and 'style="width: 48%"' in out
    assert "<details" in out and "Check-in history (2)" in text
    assert '<a class="portal-link" href="https://tracker.example.com/SAL-12">DACH partner roadshow</a>' in out
    assert "[Create an unforgettable customer experience](../acme/2026-Q4.md#obj-customer-experience)" in page


def test_check_in_history_is_newest_first(pages):
    text = to_text(pages["units/sales-emea/2026-Q4.md"])
    assert text.index("2026-11-16 · 12 logos") < text.index("2026-10-05 · 4 logos")


def test_every_link_between_pages_resolves_to_a_page_and_an_anchor(pages):
    ids = {path: set(re.findall(r'id="([^"]+)"', to_html(page))) for path, page in pages.items()}
    for path, page in pages.items():
        for target in re.findall(r"\]\(([^)\s]+)\)", split(page)[1]):
            file, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), file)) if file else path
            assert resolved in pages, (path, target)
            if anchor:
                assert anchor in ids[resolved], (path, target)


def test_html_links_of_raw_blocks_resolve_to_a_page_and_an_anchor(pages):
    """The period and retrospective tables and the alignment tree link with served URLs (HtmlLinks)."""
    ids = {path: set(re.findall(r'id="([^"]+)"', to_html(page))) for path, page in pages.items()}
    by_url = {site_url(path): path for path in pages}
    checked = 0
    for path, page in pages.items():
        for target in re.findall(r'<a href="((?:\.\./)+(?:units|people|kpis|periods)/[^"]*)">', split(page)[1]):
            url, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(site_url(path), url)) + "/"
            assert resolved in by_url, (path, target)
            if anchor:
                assert anchor in ids[by_url[resolved]], (path, target)
            checked += 1
    assert checked > 10


def test_period_pages_list_periods_newest_first_with_summary(pages):
    text = to_text(pages["periods/index.md"])
    assert text.index("2026-Q4") < text.index("2026-01-01")
    period = to_text(pages["periods/2026-Q4.md"])
    for words in ("Mean score", "28 %", "Committed objectives met", "0 of 0", "stretch line of 70 %",
                  "Sales EMEA", "Acme Corp"):
        assert words in period, words


def test_people_pages_list_what_each_person_owns(pages):
    sales = pages["people/sales.md"]
    assert 'id="person-dana"' in to_html(sales), "the old address of a person still leads to them"
    assert "[Dana Fox](dana.md)" in sales
    dana = pages["people/dana.md"]
    assert "(../units/sales-emea/2026-Q4.md#obj-win-dach)" in dana
    assert "(../units/acme/2026.md#kr-grow-revenue__arr)" in dana
    assert 'id="person-no"' in to_html(pages["people/cs.md"])  # `id: "no"` stays a person called "no"
    assert "[Nora Olsen](no.md)" in pages["people/index.md"]
    assert "[Customer retention](../kpis/customer-retention.md)" in pages["people/carol.md"]


def test_kpi_pages_show_health_values_and_the_key_results_that_move_them(pages):
    text = to_text(pages["kpis/customer-retention.md"])
    for words in ("unhealthy", "84.2 %", "at or above 85 %", "CRM monthly retention report", "Predicted by",
                  "Monthly churn", "Improve customer retention from 85% to 92%", "2026-Q4 (running)", "every 31 days"):
        assert words in text, words
    catalogue = to_text(pages["kpis/index.md"])
    assert "healthy" in catalogue and "2.2 % (2026-10-31)" in catalogue


def test_home_page_shows_mission_running_period_and_attention(pages):
    out, text = to_html(pages["index.md"]), to_text(pages["index.md"])
    assert "<em>effortless</em>" in out
    assert "Now: 2026-Q4" in text and "Create an unforgettable customer experience" in text
    assert "Grow into the leading checkout platform in Europe" in text  # the annual objective
    stale = text.split("Stale key results")[1].split("Unhealthy KPIs")[0]
    assert "Reduce monthly churn from 2.4% to 1.8% · Sales EMEA · Dana Fox" in stale and "Grow ARR" in stale


def test_home_page_puts_the_answers_first_and_the_mission_last(pages):
    text = to_text(pages["index.md"])
    risky = text.split("Key results at risk")[1].split("Company objectives")[0]
    assert "off track Improve customer retention from 85% to 92% · Acme Corp · Carol Reyes · 0 %" in risky
    assert "Objectives: off track" in text or "Objectives: at risk" in text  # status counts, worst first
    assert text.index("Key results at risk") < text.index("Company objectives") < text.index("Recent check-ins")
    assert text.index("Recent check-ins") < text.index("About Acme Corp") < text.index("Mission")
    recent = text.split("Recent check-ins")[1].split("Stale key results")[0]
    assert "2026-11-16" in recent


def test_home_page_lists_are_capped_with_a_link_to_the_period(tmp_path):
    from generator.render.home import HOME_LIMIT

    goals = copy_goals(tmp_path)
    path = goals / "2026-Q4" / "sales-emea.yaml"
    edit(path, lambda d: d["objectives"][0]["key_results"].extend(
        {"id": f"extra-{i}", "title": f"Extra risky {i}", "owner": "eli",
         "metric": {"unit": "logos", "from": 0, "to": 100},
         "checkins": [{"date": dt.date(2026, 11, 20), "value": 1, "confidence": 2}]} for i in range(HOME_LIMIT + 3)))
    text = to_text(render(goals)["index.md"])
    risky = text.split("Key results at risk")[1].split("Company objectives")[0]
    assert risky.count("Extra risky") <= HOME_LIMIT
    assert "more key results at risk or off track: see the 2026-Q4 page" in risky


def test_units_index_is_the_org_tree(pages):
    body = split(pages["units/index.md"])[1]
    assert "\n- [Acme Corp](acme/index.md)" in body
    assert "\n    - [Sales](sales/index.md)" in body
    assert "\n        - [Sales EMEA](sales-emea/index.md)" in body


def test_unit_overview_links_its_periods_and_current_objectives(pages):
    page = pages["units/sales-emea/index.md"]
    assert "[2026-Q4](2026-Q4.md) (current)" in page
    assert "(2026-Q4.md#obj-win-dach)" in page
    assert "Part of [Sales](../sales/index.md)" in page


# --- charts ------------------------------------------------------------------------------------

CHART_RE = re.compile(r"""<div class="portal-chart" [^>]*data-plotly="([^"]*)" data-figure='([^']*)'></div>""")


def figures(page: str) -> list[dict]:
    """The figures of a page, as portal.js reads them (the attribute unescaped, then JSON)."""
    return [json.loads(html.unescape(m.group(2))) for m in CHART_RE.finditer(page)]


def served(page: str, url: str) -> str:
    """Where a relative URL of a page leads under use_directory_urls (site-relative)."""
    base = "" if page == "index.md" else page[: -len("index.md")] if page.endswith("/index.md") else page[:-3] + "/"
    return posixpath.normpath(posixpath.join(base, url.split("#")[0])) + ("#" + url.split("#")[1] if "#" in url else "")


def test_site_root_follows_directory_urls():
    assert site_root("index.md") == ""
    assert site_root("periods/index.md") == "../"
    assert site_root("periods/2026-Q4.md") == "../../"
    assert site_root("units/sales/2026-Q4.md") == "../../../"
    assert site_root("units/sales/index.md") == "../../"
    assert url_link("periods/2026-Q4.md", "units/sales/2026-Q4.md", "obj-x") == "../../units/sales/2026-Q4/#obj-x"


def test_unit_period_page_has_the_scorecard_and_a_chart_per_key_result(pages):
    page = pages["units/sales-emea/2026-Q4.md"]
    figs = figures(page)
    assert figs[0]["data"][0]["orientation"] == "h"  # the objectives' scores come first
    assert len(figs) == 1 + 4  # every key result of win-dach has a check-in (churn's come from its KPI)
    assert ('aria-label="12 of 25 logos on 2026-11-16; target 25 logos by 2026-12-31; '
            'expected pace 40 % of the way by today; confidence 6/10"') in page
    assert '<p class="portal-chart-alt">12 of 25 logos on 2026-11-16; target 25 logos by 2026-12-31' in page
    assert "Scores as a table" in page and "<tr><td>Become the first choice for mid-market retailers in DACH</td>" in page
    assert 'aria-label="99.95 % on 2026-11-16; 1 of 1 check-ins inside 99.9–100 %; confidence 9/10"' in page


def test_unit_overview_shows_the_score_across_periods_only_with_two(pages):
    history = figures(pages["units/acme/index.md"])
    assert [t["name"] for t in history[0]["data"]] == ["year", "quarter"]
    assert figures(pages["units/sales-emea/index.md"]) == []


def test_period_page_has_distribution_and_departments_charts_and_no_sunburst(pages):
    page = pages["periods/2026-Q4.md"]
    kinds = [f["data"][0]["type"] for f in figures(page)]
    assert kinds == ["bar", "bar"]  # the distribution counted in bands (issue 28: bounded pages)
    assert "sunburst" not in page  # the alignment map replaced it (tests/unit/test_alignment_branches.py)


def test_kpi_page_draws_the_band_and_the_targets_of_key_results_that_move_it(pages):
    (fig,) = figures(pages["kpis/customer-retention.md"])
    series, _band, targets = fig["data"]
    assert series["y"] == [86.1, 84.2] and series["marker"]["symbol"] == ["circle", "x"]
    assert targets["y"] == [92, 92, None] and targets["x"][:2] == ["2026-10-01", "2026-12-31"]
    assert "1 of 2 values healthy (at or above 85 %); key result targets: 92 % by 2026-12-31" in html.unescape(
        pages["kpis/customer-retention.md"])


def test_plotly_is_referenced_only_by_pages_with_charts_at_the_site_root(pages):
    charted = {path for path, page in pages.items() if 'class="portal-chart"' in page}
    assert {"units/sales-emea/2026-Q4.md", "periods/2026-Q4.md", "kpis/customer-retention.md"} <= charted
    for path, page in pages.items():
        assert ("plotly.min.js" in page) == (path in charted), path
        for m in CHART_RE.finditer(page):
            assert served(path, m.group(1)) == "assets/plotly.min.js", (path, m.group(1))
    assert "units/index.md" not in charted and "people/sales.md" not in charted


def test_charts_are_raw_html_blocks_that_markdown_leaves_alone(pages):
    for path, page in pages.items():
        lines = page.splitlines()
        for i, line in enumerate(lines):
            if 'class="portal-chart"' in line:
                assert line.startswith("<div") and lines[i - 1] == "", path
                assert lines[i + 1].startswith('<p class="portal-chart-alt">'), path
                assert lines[i + 2] == "" or lines[i + 2].startswith('<details class="portal-chart-data" data-search-exclude>'), path
        out = to_html(page)
        assert [m.group(0) for m in CHART_RE.finditer(out)] == [m.group(0) for m in CHART_RE.finditer(page)], path


def test_chart_data_holds_no_private_goal(tmp_path):
    goals = copy_goals(tmp_path)
    align_to_private(goals)
    pages = render(goals)
    for path, page in pages.items():
        for fig in figures(page):
            data = json.dumps(fig).lower()
            assert "nightjar" not in data and "secret" not in data, path
    assert len(figures(render(goals, include_private=True)["units/sales-emea/2026-Q4.md"])) > len(
        figures(pages["units/sales-emea/2026-Q4.md"]))


# --- privacy ---------------------------------------------------------------------------------


def test_private_objectives_appear_in_no_page(pages):
    for path, page in pages.items():
        assert "nightjar" not in page.lower(), path
        assert "secret" not in page.lower(), path
        assert BANNER not in page


def test_a_public_objective_aligned_to_a_private_one_names_it_only_as_private(tmp_path):
    goals = copy_goals(tmp_path)
    align_to_private(goals)
    pages = render(goals)
    for path, page in pages.items():
        assert "nightjar" not in page.lower() and "secret" not in page.lower(), path
    unit = to_text(pages["units/sales-emea/2026-Q4.md"])
    assert "Aligns to: aligned to a private objective; aligned to a private objective" in unit


def test_a_restricted_build_shows_private_goals_marked_and_a_banner_on_every_page(tmp_path):
    goals = copy_goals(tmp_path)
    align_to_private(goals)
    pages = render(goals, include_private=True)
    for path, page in pages.items():
        assert BANNER in split(page)[1].split("# ", 1)[0], path
    unit = pages["units/sales-emea/2026-Q4.md"]
    assert "Project Nightjar secret expansion" in unit
    assert 'portal-badge--private">private</span>' in unit
    assert "[Project Nightjar secret expansion](#obj-nightjar)" in unit
    assert "Nightjar" in pages["people/no.md"]


def test_private_kpis_appear_in_no_page(tmp_path):
    goals = copy_goals(tmp_path)
    edit(goals / "kpis.yaml", lambda d: d["kpis"][1].update(visibility="private", name="Hush metric"))
    # A public key result may not take its values from a private KPI (resolve.private-kpi-values):
    # churn reports its own.
    edit(goals / "2026-Q4" / "sales-emea.yaml", lambda d: d["objectives"][0]["key_results"][1].update(
        checkins=[{"date": dt.date(2026, 11, 16), "value": 2.1, "confidence": 6}]))
    pages = render(goals)
    for path, page in pages.items():
        assert "hush" not in page.lower() and "monthly-churn" not in page, path
    assert "kpis/monthly-churn.md" not in pages


# --- untrusted text ------------------------------------------------------------------------------

PAYLOAD = ('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) '
           '{{ 7*7 }} {% raw %} {: onclick="x"} *em* `tick` a|b')


def _poison(goals: Path) -> None:
    def org(d):
        d["company"]["name"] = "Acme " + PAYLOAD
        for key in ("mission", "vision", "strategy"):
            d["company"][key] = PAYLOAD
        d["units"][1]["name"] = "EMEA " + PAYLOAD
        d["units"][1]["description"] = PAYLOAD
        d["people"][1]["name"] = "Eli " + PAYLOAD
        d["people"][1]["title"] = PAYLOAD

    def period(d):
        obj = d["objectives"][0]
        obj.update(title="Win " + PAYLOAD, description=PAYLOAD, tags=[PAYLOAD, "<b>t</b>"])
        kr = obj["key_results"][0]
        kr["title"] = "Logos " + PAYLOAD
        kr["metric"]["unit"] = PAYLOAD
        kr["checkins"][0].update(note=PAYLOAD, blockers=PAYLOAD, next=PAYLOAD)
        obj["initiatives"][0].update(title="Roadshow " + PAYLOAD, link="javascript:alert(1)")
        obj["initiatives"].append({"title": "Other", "link": 'https://x.org/"><script>alert(1)</script>'})
        d["retrospective"]["went_well"] = [PAYLOAD]

    def kpis(d):
        d["kpis"][0].update(name="Retention " + PAYLOAD, description=PAYLOAD, source=PAYLOAD, calculation=PAYLOAD)

    edit(goals / "org.yaml", org)
    edit(goals / "2026-Q4" / "sales-emea.yaml", period)
    edit(goals / "kpis.yaml", kpis)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "iframe", "object", "b"):
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and re.sub(r"\s", "", value).lower().startswith("javascript:"):
                self.bad.append(f"{tag}[{name}={value}]")


def test_untrusted_goal_text_is_shown_as_text_everywhere(tmp_path):
    goals = copy_goals(tmp_path)
    _poison(goals)
    pages = render(goals)
    for path, page in pages.items():
        meta, body = split(page)
        assert "<" not in str(meta), path  # front matter: HTML-escaped (see the next test)
        for raw in ("<script", "onerror=", "javascript:", "<img", "{{", "{%", "{:"):
            assert raw not in body, (path, raw)
        out = to_html(page)
        parser = _Elements()
        parser.feed(out)
        assert parser.bad == [], (path, parser.bad)
        assert "49" not in to_text(page).replace("2026-", ""), path
    for fig in figures(pages["units/sales-emea/2026-Q4.md"]) + figures(pages["periods/2026-Q4.md"]):
        for text in re.findall(r'"((?:[^"\\]|\\.)*)"', json.dumps(fig, ensure_ascii=False)):
            assert "<script" not in text and "<img" not in text, text  # plotly reads <b>, <a>: escaped
    bars = figures(pages["units/sales-emea/2026-Q4.md"])[0]["data"][0]["hovertext"]
    assert bars[0].startswith("Win &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;")
    assert 'portal-card__meta">EMEA &#60;script&#62;' in pages["periods/2026-Q4.md"]  # the alignment map
    unit = to_text(pages["units/sales-emea/2026-Q4.md"])
    assert "Win <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ 7*7 }}" in unit
    assert '{: onclick="x"} *em* `tick` a|b' in unit
    assert "Roadshow" in unit and "link (not followed): javascript:alert(1)" in unit
    assert to_text(pages["people/sales-emea.md"]).count("{{ 7*7 }}") >= 1


def test_untrusted_titles_are_escaped_in_front_matter(tmp_path):
    goals = copy_goals(tmp_path)
    _poison(goals)
    pages = render(goals)
    meta, _ = split(pages["units/sales-emea/index.md"])
    assert "<" not in meta["title"] and "&lt;script&gt;" in meta["title"]
    assert all("<" not in tag for tag in meta["tags"])


#: Material's frame around a page's content (header, nav, search, footer) is about 18 KB.
THEME_FRAME = 20_000


def test_a_big_unit_page_stays_small(tmp_path):
    """4 objectives x 4 key results x 13 weekly check-ins with notes, every chart drawn: under 150 KB."""
    goals = copy_goals(tmp_path)

    def grow(d):
        base = d["objectives"][0]
        d["objectives"] = [dict(base, id=f"o{i}", aligns_to=[], initiatives=[]) for i in range(4)]
        for obj in d["objectives"]:
            obj["key_results"] = [dict(obj["key_results"][0], id=f"k{j}", checkins=[
                {"date": dt.date(2026, 10, 1) + dt.timedelta(days=7 * w), "value": w, "confidence": 7,
                 "note": "Progress as planned, two more pilots in the pipeline."} for w in range(13)])
                for j in range(4)]
    edit(goals / "2026-Q4" / "sales-emea.yaml", grow)
    page = render(goals, today=dt.date(2026, 12, 31))["units/sales-emea/2026-Q4.md"]
    assert page.count('<div class="portal-chart"') == 1 + 16
    assert len(to_html(page).encode()) + THEME_FRAME < 150_000


class Forking(Tasks):
    """Tasks(jobs) that forks whatever threads earlier tests of the suite left behind: these tests are
    about the processes of a render."""

    def processes(self) -> int:
        return self.jobs


@pytest.mark.parametrize("jobs", [2, 3])
def test_pages_are_the_same_whatever_the_number_of_render_processes(jobs):
    build = build_portal(EXAMPLE, dt.date(2026, 11, 22))
    serial = render_pages(build, tasks=Forking(1))
    assert render_pages(build, tasks=Forking(jobs)) == serial
    assert len(serial) > 50


@pytest.mark.parametrize("how", ["killed", "raises"])
def test_a_render_worker_that_fails_costs_time_not_pages(monkeypatch, how):
    import os
    import signal

    from generator import render

    build = build_portal(EXAMPLE, dt.date(2026, 11, 22))
    serial = render_pages(build)
    parent, real = os.getpid(), render._render_share

    def failing(site, claims):
        if os.getpid() != parent:  # in the forked worker only
            if how == "killed":
                os.kill(os.getpid(), signal.SIGKILL)
            raise MemoryError("the worker ran out of memory")
        return real(site, claims)

    monkeypatch.setattr(render, "_render_share", failing)
    said = []
    assert render_pages(build, tasks=Forking(2, warn=said.append)) == serial
    failure = {"killed": "a render worker stopped (signal 9)", "raises": "MemoryError: the worker ran out of memory"}
    assert len(said) == 1 and failure[how] in said[0]
    assert "rendering the pages again in one process" in said[0]


def test_claimed_pages_split_the_site_without_overlap():
    from generator.render import _render_share
    from generator.render.page import Claims

    class EveryThird:  # three processes, each taking every third page of the walk
        def __init__(self, k):
            self.k = k

        def claim(self, place):
            return place % 3 == self.k

    site = Site(build_portal(EXAMPLE, dt.date(2026, 11, 22)))
    everything = _render_share(site, None)
    shares = [_render_share(site, EveryThird(k)) for k in range(3)]
    assert all(shares), "each of the three processes got pages"
    assert sum(len(s) for s in shares) == len(everything)
    assert {path: text for share in shares for path, text in share.items()} == everything

    # First come, first served: a process that walks after another finds every page taken.
    claims = Claims(Tasks(2).counter())
    assert _render_share(site, claims) == everything
    assert _render_share(site, claims) == {}


def test_relative_links_agree_with_posixpath():
    from generator.render.links import _relpath

    pages = ["index.md", "people/index.md", "people/sales.md", "units/sales/index.md", "units/sales/2026-Q4.md",
             "units/sales-emea/2026.md", "units/sale/x.md", "kpis/nps.md", "a/b/c/d.md"]
    for here in pages:
        for there in pages:
            assert _relpath(here, there) == posixpath.relpath(there, posixpath.dirname(here) or "."), (here, there)


def test_noindex_marks_only_the_block_it_starts():
    from generator.render.page import NOINDEX, unindex

    html = (f'<h2 id="a">{NOINDEX}Objectives by unit</h2><p>kept</p><ul><li>{NOINDEX}Supported by: x</li>'
            f'<li>Aligns to: y</li></ul><p class="c">{NOINDEX}z</p>')
    assert unindex(html) == ('<h2 id="a" data-search-exclude>Objectives by unit</h2><p>kept</p><ul>'
                             '<li data-search-exclude>Supported by: x</li><li>Aligns to: y</li></ul>'
                             '<p class="c" data-search-exclude>z</p>')
    text = "&#60;span class=&#34;portal-noindex&#34;&#62;&#60;/span&#62;"  # goal text can only ever be this
    assert unindex(f"<p>{text}</p>") == f"<p>{text}</p>"


def test_a_long_supported_by_list_stops_at_the_limit_and_points_at_the_alignment_tree(monkeypatch):
    from generator.render import goals as goal_views

    monkeypatch.setattr(goal_views, "SUPPORTED_BY_LIMIT", 1)
    build = build_portal(EXAMPLE, TODAY)
    pages = render_pages(build)
    node = max((n for n in build.portal.objectives.values() if not n.private),
               key=lambda n: sum(not c.private for c in n.children))
    shown = sum(not c.private for c in node.children)
    assert shown >= 3
    path = f"units/{node.unit.id}/{node.period.id}.md"
    line = next(line for line in split(pages[path])[1].splitlines() if "Supported by:" in line and
                f"and {shown - 1} more in" in line)
    target = re.search(r"\[the alignment tree of ([\w-]+)\]\(([^)#]+)#alignment\)", line)
    assert target and target.group(1) == node.period.id
    period_page = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.group(2)))
    assert period_page == f"periods/{node.period.id}.md"
    assert 'id="alignment"' in to_html(pages[period_page])


class _HtmlObject:
    def __html__(self):
        return "<em>safe</em>"


@pytest.mark.parametrize("value", ["<script>alert(1)</script> *x* {{ 7*7 }}", Markup("<b>kept</b>"), None, 12,
                                   2.5, _HtmlObject(), ["a<b", Markup("<i>c</i>")], ""])
def test_the_page_environment_prints_what_jinja_prints_with_the_same_finalize(value):
    """make_env() compiles `{{ v }}` to finalize(v), without Jinja's escape() around it, and looks a
    view's keys up first: the same text as a stock environment, including blocks that set their own
    autoescaping."""
    import jinja2

    from generator.render.page import finalize, make_env

    source = ("{{ v }}|{{ d.k }}|{{ d.k|upper }}|{{ [v]|join(', ') }}|{% autoescape false %}{{ '<u>' }}"
              "{% endautoescape %}|{% set m %}{{ v }}<br>{% endset %}{{ m }}")
    stock = jinja2.Environment(autoescape=True, finalize=finalize, undefined=jinja2.StrictUndefined)
    stock.filters["join"] = make_env().filters["join"]
    context = {"v": value, "d": {"k": value if isinstance(value, str) else "x&y"}}
    ours = make_env().from_string(source).render(**context)
    assert ours == stock.from_string(source).render(**context)
    assert "<script>" not in ours
    with pytest.raises(jinja2.UndefinedError):
        make_env().from_string("{{ d.missing }}").render(d={})
