"""The search records (generator/search/records.py): what is indexed, under which URL, and what never is.

Real goal files: the example company of goals/ (its private objective "Nightjar" and private KPI
"Osprey board burn multiple"), and copies of it with hostile text, read and scored by build_portal.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from generator.pipeline import build_portal
from generator.render.site import Site
from generator.search.records import FILTERS, Record, page_record, portal_records
from tests.conftest import ROOT, rewrite_yaml

TODAY = dt.date(2026, 11, 22)
PRIVATE_WORDS = ("Nightjar", "depot", "Osprey", "burn multiple")


@pytest.fixture(scope="module")
def example():
    build = build_portal(ROOT / "goals", TODAY)
    assert build.ok
    return build


@pytest.fixture(scope="module")
def records(example) -> list[Record]:
    return portal_records(Site(example))


def _by_url(records) -> dict[str, Record]:
    return {r.url: r for r in records}


def test_every_person_is_a_record_of_their_own_titled_with_their_name(example, records):
    people = {r.url: r for r in records if r.kind == "person"}
    assert len(people) == len([p for p in example.portal.people.values() if p.unit is not None])
    olivia = people["people/olivia/"]  # the person's own page
    assert olivia.title == "Olivia Chen"
    html = olivia.html("en")
    assert '<h1 data-pagefind-meta="title">Olivia Chen</h1>' in html
    assert "VP Digital Commerce" in html and 'data-pagefind-filter="unit[content]" content="Digital Commerce"' in html
    # Short: the name is most of what the record says, so the name ranks it first.
    assert len(re.sub(r"<[^>]+>", " ", html[html.index("<body"):]).split()) < 20


def test_objectives_carry_their_key_results_as_headings_with_the_page_anchors(example, records):
    node = next(o for o in example.portal.objectives.values() if o.unit.id == "sourcing" and o.period.id == "2026-Q4"
                and not o.private)
    record = _by_url(records)[f"units/sourcing/2026-Q4/#obj-{node.id}"]
    html = record.html("en")
    assert record.title == node.obj.title
    for kr in node.key_results:
        assert f'<h2 id="kr-{node.id}__{kr.id}">' in html, "a key result is a sub-result that opens it"
        assert _escaped(kr.kr.title) in html
    assert _escaped(node.owner.name) in html, "found by its owner"
    assert 'data-pagefind-filter="period[content]" content="2026-Q4"' in html
    assert 'data-pagefind-filter="unit[content]" content="Sourcing' in html
    assert 'data-pagefind-filter="status[content]"' in html
    assert f'data-pagefind-filter="owner[content]" content="{_escaped(node.owner.name)}"' in html
    for tag in node.obj.tags:
        assert f'data-pagefind-filter="tag[content]" content="{_escaped(tag)}"' in html


@pytest.fixture(scope="module")
def churn(example) -> dict[str, str]:
    """Analytics' objective "why-customers-leave" of 2026-Q4 and its key result "churn-score", as plain strings
    (a failing test shows its arguments, and the repr of the whole portal takes gigabytes)."""
    node = example.portal.objectives["2026-Q4:analytics/why-customers-leave"]
    kr = next(kr for kr in node.key_results if kr.id == "churn-score")
    return {"url": f"units/analytics/2026-Q4/#obj-{node.id}", "anchor": f"kr-{node.id}__{kr.id}",
            "status": example.scores.objectives[node.ref].status, "owner": node.owner.name,
            "kr_status": example.scores.key_results[kr.ref].status, "kr_owner": kr.owner.name}


def test_an_objective_is_found_by_the_status_and_owner_of_each_of_its_key_results(churn, records):
    """Issue 29: "on track" with a key result "at risk" is found by the status filter "at risk", and by the
    key result's own owner; the key result's section says both, so that it is the sub-result that matched."""
    assert (churn["status"], churn["kr_status"]) == ("on-track", "at-risk") and churn["owner"] != churn["kr_owner"]
    record = _by_url(records)[churn["url"]]
    assert set(record.filters["status"]) == {"on track", "at risk"}
    assert record.filters["owner"][0] == churn["owner"] and churn["kr_owner"] in record.filters["owner"]
    html = record.html("en")
    assert 'data-pagefind-filter="status[content]" content="at risk"' in html
    assert f'data-pagefind-filter="owner[content]" content="{_escaped(churn["kr_owner"])}"' in html
    section = html[html.index(f'<h2 id="{churn["anchor"]}">'):]
    section = section[:section.index("<h2", 1)] if "<h2" in section[1:] else section
    assert _words(f"{churn['kr_owner']} at risk") in _words(section)


def test_every_status_and_owner_of_a_record_is_a_phrase_of_its_text(records):
    """search.js searches a chosen status or owner as a phrase when no words are typed: a record with
    the filter but without the phrase would be lost. Pagefind drops punctuation, as _words() does."""
    missing = [(r.url, name, value) for r in records for name in ("status", "owner")
               for value in r.filters.get(name, ()) if f" {_words(value)} " not in f" {_words(_body(r))} "]
    assert not missing, missing[:10]
    assert any("at risk" in r.filters.get("status", ()) for r in records)


def test_owner_and_unit_weigh_less_than_titles(records):
    objective = next(r for r in records if r.kind == "objective")
    html = objective.html("en")
    context = objective.meta["context"]
    assert f'<p data-pagefind-weight="0.5">{_escaped(context)}</p>' in html


def test_a_key_result_keeps_only_its_latest_check_in(example, records):
    """The history stays out (it made Material's index four times larger); the latest note is found."""
    by_url = _by_url(records)
    pairs = [(kr, [c.note for c in kr.checkins if c.note]) for kr in example.portal.key_results.values()
             if not kr.private and kr.objective.period.id == "2026-Q4"]
    kr, notes = next((kr, n) for kr, n in pairs if len(n) >= 2 and n[0] not in n[-1] and kr.checkins[-1].note)
    obj = kr.objective
    html = by_url[f"units/{obj.unit.id}/2026-Q4/#obj-{obj.id}"].html("en")
    assert _words(kr.checkins[-1].note) in _words(html)
    assert _words(notes[0]) not in _words(html)


def test_kpis_units_periods_and_the_home_page_are_records(example, records):
    by_url = _by_url(records)
    assert by_url["kpis/checkout-availability/"].title == "Checkout availability"
    assert by_url["kpis/checkout-availability/"].kind == "kpi"
    assert by_url["units/customer-care/"].title == "Customer Care"
    assert by_url["periods/2026-Q4/"].kind == "period"
    assert by_url["retrospectives/2026-Q3/"].kind == "retrospective"
    assert by_url[""].kind == "page" and "outdoors" in by_url[""].html("en")


def test_no_record_holds_a_private_goal(records):
    text = "\n".join(r.html("en") for r in records)
    for word in PRIVATE_WORDS:
        assert word.lower() not in text.lower(), f"{word!r} (private) is in a search record"
    assert not any("private" in r.meta.get("private", "") for r in records)


def test_a_restricted_build_indexes_its_private_goals_and_marks_them(tmp_path):
    build = build_portal(ROOT / "goals", TODAY, include_private=True)
    records = portal_records(Site(build))
    nightjar = [r for r in records if "Nightjar" in r.html("en")]
    assert nightjar and all(r.meta.get("private") == "private" for r in nightjar if r.kind == "objective")
    osprey = next(r for r in records if r.title == "Osprey board burn multiple")
    assert osprey.meta["private"] == "private"


def test_goal_text_is_escaped_and_markdown_reduced_to_its_words(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(ROOT / "goals", goals)
    hostile = '<img src=x onerror="alert(1)"> "quoted" & <b>bold</b>'

    def plant(data):
        objective = data["objectives"][0]
        objective["title"] = f"Zq {hostile}"
        objective["description"] = "See **the plan** [here](https://evil.example/x) and `code`."

    rewrite_yaml(goals / "2026-Q4" / "storefront.yaml", plant)
    build = build_portal(goals, TODAY)
    assert build.ok, build.errors
    record = next(r for r in portal_records(Site(build)) if r.title.startswith("Zq "))
    html = record.html("en")
    assert "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=\"alert(1)\"&gt; \"quoted\" &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "See the plan here and code ." in html
    assert "evil.example" not in html


def test_record_files_are_named_after_the_anchor_they_open():
    assert Record("units/x/2026-Q4/#obj-y", "t", "objective").path == "units/x/2026-Q4/obj-y.html"
    assert Record("people/x/#person-p", "t", "person").path == "people/x/person-p.html"
    assert Record("units/x/", "t", "unit").path == "units/x/index.html"
    assert Record("", "t", "page").path == "index.html"


def test_a_hand_written_page_keeps_its_sections_without_its_title_and_permalinks():
    html = ('<h1 id="the-guide">The guide<a class="headerlink" href="#the-guide" title="Permanent link">¶</a></h1>'
            '<p>Intro.</p><h2 id="search">Search<a class="headerlink" href="#search">¶</a></h2><p>How.</p>')
    record = page_record("guide/", "The guide", html)
    out = record.html("en")
    assert out.count("<h1") == 1 and '<h2 id="search">Search</h2>' in out and "¶" not in out
    assert record.kind == "page" and record.path == "guide/index.html"


def test_every_record_has_a_kind_and_only_known_filters(records):
    for record in records:
        html = record.html("en")
        assert f'data-pagefind-filter="kind[content]" content="{record.kind}"' in html
        assert set(record.filters) <= set(FILTERS)
        assert html.count("data-pagefind-body") == 1


def _escaped(text: str) -> str:
    import html

    return html.escape(" ".join(text.split()), quote=True)


def _body(record: Record) -> str:
    html = record.html("en")
    return html[html.index("<body"):]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"<[^>]+>", " ", text.lower())))


#: (filter, value, its filter word): the same in records.py and search.js (tests/browser/test_search_browse.py).
FILTER_WORDS = [
    ("unit", "Storefront", "zqxivbwsqo"),
    ("owner", "Zoë O'Brien-Lévy", "zqxanarnqi"),
    ("status", "at risk", "zqxjrbkbbq"),
    ("tag", "q4-launch", "zqxeunwdfd"),
    ("period", "2026-Q4", "zqxbjfeeoj"),
    ("kind", "kpi", "zqxkmwggay"),
    ("owner", "  Ann\t Lee ", "zqxiasqosi"),  # whitespace collapsed, as Pagefind reports the value
    ("unit", "客服 (東京)", "zqxghfqfnj"),
]


def test_the_filter_word_is_fnv1a_of_the_filter_and_value_in_base_26():
    from generator.search.records import filter_word, fnv1a_32

    # The published FNV-1a 32-bit test vectors.
    assert [fnv1a_32(b) for b in (b"", b"a", b"foobar")] == [0x811C9DC5, 0xE40C292C, 0xBF9CF968]
    for name, value, word in FILTER_WORDS:
        assert filter_word(name, value) == word
        assert re.fullmatch(r"zqx[a-z]{7}", word)
        digest = 0
        for letter in word[3:]:
            digest = digest * 26 + ord(letter) - ord("a")
        assert digest == fnv1a_32(f"{name}={' '.join(value.split())}".encode())


def test_every_filter_value_of_a_record_is_a_word_of_its_text_and_a_key_results_in_its_section(example, records):
    from generator.search.records import filter_word

    for record in records:
        html = record.html("en")
        head, body = html.split("<body>")
        for name, values in ({"kind": [record.kind]} | record.filters).items():
            for value in values:
                assert filter_word(name, value) in body.split("<h2")[0], (record.url, name, value)
    node = next(o for o in example.portal.objectives.values() if o.id == "why-customers-leave")
    html = _by_url(records)[f"units/analytics/2026-Q4/#obj-{node.id}"].html("en")
    churn = html[html.index('id="kr-why-customers-leave__churn-score"'):]
    churn = churn[:churn.index("<h2") if "<h2" in churn else None]
    assert filter_word("status", "at risk") in churn and filter_word("owner", "Nora Kowalski") in churn
    assert filter_word("status", "on track") not in churn


def test_a_value_of_many_records_has_its_word_split_into_a_power_of_two_of_shards_none_empty(records):
    from generator.search.bundle import menus
    from generator.search.records import shard_counts

    per = 5
    held: dict[tuple[str, str], list[int]] = {}
    for record in records:
        for name, values in ({"kind": [record.kind]} | record.filters).items():
            for value in values:
                held.setdefault((name, value), []).append(record.bucket)
    shards = shard_counts(records, per)
    assert shards.keys() == held.keys()
    assert any(k > 2 for k in shards.values()) and any(k == 1 for k in shards.values())
    for key, k in shards.items():
        count = len(held[key])
        enough = 1  # the least power of two of shards of at most `per` records
        while count > enough * per:
            enough *= 2
        assert k & (k - 1) == 0 and k <= enough, (key, k, count)
        assert {b % k for b in held[key]} == set(range(k)), key  # Pagefind ignores a word no record holds
        assert k == enough or len({b % (2 * k) for b in held[key]}) < 2 * k, (key, k, count)  # halved: one was empty
    assert set(shard_counts(records).values()) == {1}  # the example company splits nothing
    listed = menus(records, restricted=False, shards=shards)["shards"]
    assert listed == {name: {v: k for (n, v), k in shards.items() if n == name and k > 1}
                      for name in {n for (n, _), k in shards.items() if k > 1}}
    assert menus(records, restricted=False)["shards"] == {}


def test_a_record_holds_its_shard_of_a_split_word_and_a_key_result_its_own(example, records):
    from generator.search.records import filter_word, shard_counts, shard_suffix

    assert [shard_suffix(0b1101, k) for k in (1, 2, 4, 8, 16)] == ["", "b", "ba", "bab", "babb"]
    shards = shard_counts(records, 5)
    split = [(key, k) for key, k in shards.items() if k > 1]
    for record in records:
        body = record.html("en", shards).split("<body>")[1]
        first = body.split("<h2")[0]
        for (name, value), k in split:
            if value in ({"kind": [record.kind]} | record.filters).get(name, ()):
                suffix = shard_suffix(record.bucket, k)
                assert len(suffix) == k.bit_length() - 1 and set(suffix) <= {"a", "b"}
                assert re.search(rf"\b{filter_word(name, value)}{suffix}\b", first), (record.url, name, value)
                assert not re.search(rf"\b{filter_word(name, value)}\b", first)  # only its shard's word
    node = next(o for o in example.portal.objectives.values() if o.id == "why-customers-leave")
    record = _by_url(records)[f"units/analytics/2026-Q4/#obj-{node.id}"]
    html = record.html("en", shards)
    churn = html[html.index('id="kr-why-customers-leave__churn-score"'):]
    churn = churn[:churn.index("<h2") if "<h2" in churn else None]
    suffix = shard_suffix(record.bucket, shards[("status", "at risk")])
    assert suffix and f"{filter_word('status', 'at risk')}{suffix}" in churn
    # Without shards (a small company): the word whole.
    assert re.search(rf"\b{filter_word('status', 'at risk')}\b", record.html("en").split("<body>")[1])


def test_values_whose_words_are_the_same_are_listed_for_the_search_box_to_filter():
    from generator.search.bundle import menus
    from generator.search.records import filter_word, same_words

    # Two owners whose FNV-1a 32-bit hashes are the same, found by trying names.
    assert filter_word("owner", "Person 1062789") == filter_word("owner", "Person 1279192")
    records = [Record("people/a/#person-1", "One", "person", filters={"owner": ["Person 1062789"]}),
               Record("people/a/#person-2", "Two", "person", filters={"owner": ["Person 1279192"], "unit": ["A"]}),
               Record("people/a/#person-3", "Three", "person", filters={"owner": ["Someone"], "unit": ["A"]})]
    assert same_words(records) == [("owner", "Person 1062789"), ("owner", "Person 1279192")]
    assert menus(records, restricted=False)["same_words"] == [["owner", "Person 1062789"], ["owner", "Person 1279192"]]
    assert same_words(records[1:]) == []


def test_a_record_of_a_unit_has_its_department_the_unit_under_the_company_that_holds_it(example, records):
    site = Site(example)
    company = site.portal.company
    units = {u.name: u for u in site.units_in_order}
    seen = set()
    for record in records:
        if not record.filters.get("unit"):
            assert "department" not in record.filters, record.url
            continue
        unit = units[record.filters["unit"][0]]
        if unit is company:
            assert "department" not in record.filters, record.url
            continue
        department = unit
        while department.parent is not company:
            department = department.parent
        assert record.filters["department"] == [department.name], record.url
        seen.add((record.kind, unit is department))
    # Objectives, people, units and KPIs: of departments and of the teams below them.
    assert {("objective", True), ("objective", False), ("person", False), ("unit", False), ("kpi", True)} <= seen
