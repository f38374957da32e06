"""The loader (generator/load/): YAML and CSV become located data; every bad input is a Problem, never an exception."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import time

import pytest

from generator import load
from generator.load import LocDict, LocList, line_column, load_goals, read_yaml, resolve_plain
from generator.speed.memo import Memo
from generator.problems import Location
from tests.unit.conftest import HEAD, METRIC


OBJECTIVE = HEAD + METRIC
"""A valid period file of one objective."""


def read(tmp_path, text: str | bytes, name: str = "acme.yaml", kind: str = "period"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        text = textwrap.dedent(text)
        path.write_text(text[1:] if text.startswith("\n") else text, encoding="utf-8")
    return read_yaml(path, name, kind, period="2026-Q4", unit="acme")


def problems_of(tmp_path, text, **kwargs):
    _, problems = read(tmp_path, text, **kwargs)
    return [(p.location.line, p.location.column, p.code) for p in problems]


# --- scalars: YAML 1.2 core schema plus dates ------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("no", "no"), ("yes", "yes"), ("on", "on"), ("off", "off"), ("No", "No"), ("y", "y"),
    ("true", True), ("false", False), ("True", True), ("FALSE", False),
    ("007", 7), ("0", 0), ("42", 42), ("-3", -3), ("1_000", "1_000"),
    ("1e3", 1000.0), ("2.5", 2.5), (".5", 0.5), ("-1.5e-2", -0.015), ("0x1F", 31), ("0o17", 15),
    ("~", None), ("null", None), ("", None),
    ("2026-10-05", dt.date(2026, 10, 5)), ("2026-02-30", "2026-02-30"), ("2026-10-05T10:00", "2026-10-05T10:00"),
    ("Grow ARR", "Grow ARR"), ("-", "-"), ("1.2.3", "1.2.3"),
])
def test_plain_scalars_follow_yaml_1_2(text, expected):
    value = resolve_plain(text)
    assert value == expected and isinstance(value, type(expected)) and isinstance(value, bool) == isinstance(expected, bool)


def test_non_finite_scalars_are_floats_for_the_model_to_reject():
    assert resolve_plain(".inf") == float("inf")
    assert resolve_plain("-.Inf") == float("-inf")
    assert resolve_plain(".nan") != resolve_plain(".nan")


def test_scalars_in_a_file(tmp_path):
    source, problems = read(tmp_path, """
        owner: no
        a: yes
        b: off
        c: true
        d: false
        e: 007
        f: 1e3
        g: 2026-10-05
        h: "2026-10-05"
        i: '12'
        j: !!str 12
        k: !!float 3
    """)
    assert problems == []
    assert dict(source.data) == {
        "owner": "no", "a": "yes", "b": "off", "c": True, "d": False, "e": 7, "f": 1000.0,
        "g": dt.date(2026, 10, 5), "h": "2026-10-05", "i": "12", "j": "12", "k": 3.0,
    }


def test_invalid_date_stays_a_string_then_the_model_rejects_it(tree):
    checkins = "        checkins:\n          - {date: 2026-11-02, value: 3}\n          - {date: 2026-02-30, value: 4}\n"
    assert tree.problems({"2026-Q4/acme.yaml": OBJECTIVE + checkins}) == [("2026-Q4/acme.yaml", 11, 20, "model.bad-date")]


# --- YAML structure ---------------------------------------------------------------------------------


def test_duplicate_key_is_reported_at_the_second_key(tmp_path):
    assert problems_of(tmp_path, """
        objectives:
          - id: grow
            title: One
            title: Two
    """) == [(4, 5, "load.duplicate-key")]


def test_duplicate_key_message_names_the_first_line(tmp_path):
    _, [problem] = read(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert "'a'" in problem.message and "line 1" in problem.message


def test_tab_indentation_has_a_hint_about_tabs(tmp_path):
    for text in ("objectives:\n\t- id: x\n", "objectives:\n  - id: x\n\ttitle: y\n"):
        _, [problem] = read(tmp_path, text)
        assert (problem.location.line, problem.code) == (2 if text.count("\n") == 2 else 3, "load.yaml-syntax")
        assert "tab" in problem.hint.lower()


@pytest.mark.parametrize("text, expected", [
    ("objectives:\n  - id: x\n   title: y\n", [(3, 4, "load.yaml-syntax")]),
    ("a: [1, 2\nb: 3\n", [(2, 2, "load.yaml-syntax")]),
    ("a: b: c\n", [(1, 5, "load.yaml-syntax")]),
    ('a: "unclosed\n', [(2, 1, "load.yaml-syntax")]),
    ("a: *nowhere\n", [(1, 4, "load.yaml-syntax")]),
    ("a: 1\n- b\n", [(2, 1, "load.yaml-syntax")]),
])
def test_syntax_errors_point_at_their_mark(tmp_path, text, expected):
    assert problems_of(tmp_path, text) == expected


def test_syntax_error_message_and_hint(tmp_path):
    _, [problem] = read(tmp_path, "a: b: c\n")
    assert problem.message.startswith("Expected valid YAML: ")
    assert problem.hint


def test_non_utf8_bytes_are_reported_at_their_line(tmp_path):
    _, [problem] = read(tmp_path, b"objectives:\n  - id: grow\n    title: Gr\xfcn\n")
    assert (problem.location.line, problem.location.column, problem.code) == (3, 14, "load.encoding")
    assert "0xfc" in problem.message


def test_control_characters_are_a_syntax_error(tmp_path):
    assert problems_of(tmp_path, b"a: b\x07c\n") == [(1, 5, "load.yaml-syntax")]


def test_byte_order_mark_is_accepted(tmp_path):
    source, problems = read(tmp_path, "\ufeffobjectives: []\n".encode("utf-8"))
    assert problems == [] and source.data == {"objectives": []}


@pytest.mark.parametrize("text, got", [
    ("", "an empty file"),
    ("# only a comment\n", "an empty file"),
    ("- a\n- b\n", "a list"),
    ("just text\n", "a string"),
    ("42\n", "a number"),
])
def test_the_top_of_a_file_must_be_a_mapping(tmp_path, text, got):
    source, [problem] = read(tmp_path, text)
    assert (problem.location.line, problem.code) == (1, "load.not-a-mapping")
    assert got in problem.message and problem.hint.startswith("Start the file with `objectives:`")
    assert source.data is None


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    started = time.perf_counter()
    source, problems = read(tmp_path, "\n".join(lines) + "\n")
    assert [(p.location.line, p.code) for p in problems] == [(6, "load.too-many-values")]
    assert source.data is None
    assert time.perf_counter() - started < 2


def test_value_limit_counts_each_value_once(tmp_path, monkeypatch):
    # 40 readings of 2 fields at depth 4: 1 + 2 + 2 + 40 * 5 = 205 values, far from the limit;
    # the count must not add a finished container's items a second time at each level.
    monkeypatch.setattr(load, "MAX_VALUES", 260)
    values = "".join(f"      - {{date: 2026-10-{i % 28 + 1:02d}, value: {i}}}\n" for i in range(40))
    _, problems = read(tmp_path, "kpis:\n  - id: k\n    values:\n" + values, kind="kpis")
    assert problems == []


def test_alias_within_the_limit_is_expanded(tmp_path):
    source, problems = read(tmp_path, "base: &b {unit: '%', keep_above: 85}\nother: *b\n")
    assert problems == [] and source.data["other"] == {"unit": "%", "keep_above": 85}


def test_deep_nesting_is_refused_without_crashing(tmp_path):
    started = time.perf_counter()
    source, problems = read(tmp_path, "a: " + "[" * 100_000 + "\n")
    assert [(p.location.line, p.code) for p in problems] == [(1, "load.too-deep")]
    assert source.data is None
    assert time.perf_counter() - started < 5


def test_nesting_below_the_limit_is_fine(tmp_path):
    depth = load.MAX_DEPTH - 1
    _, problems = read(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert problems == []


def test_recursive_alias_is_refused(tmp_path):
    assert problems_of(tmp_path, "a: &x [1, *x]\n") == [(1, 11, "load.yaml-alias")]


def test_second_document_is_refused(tmp_path):
    assert problems_of(tmp_path, "objectives: []\n---\nobjectives: []\n") == [(2, 1, "load.yaml-syntax")]


@pytest.mark.parametrize("text, expected", [
    ("a: !!python/object:os.system x\n", [(1, 4, "load.yaml-tag")]),
    ("a: !!python/object/apply:os.system [ls]\n", [(1, 4, "load.yaml-tag")]),
    ("a: !custom 3\n", [(1, 4, "load.yaml-tag")]),
    ("!!python/object:x {a: 1}\n", [(1, 1, "load.yaml-tag")]),
    ("a: !!int x\n", [(1, 4, "load.yaml-tag")]),
    ("!!python/name:os.system key: 1\n", [(1, 1, "load.yaml-tag")]),
])
def test_custom_tags_are_refused(tmp_path, text, expected):
    assert problems_of(tmp_path, text) == expected


def test_mapping_as_a_key_is_refused(tmp_path):
    assert problems_of(tmp_path, "? [a, b]\n: 1\n") == [(1, 3, "load.yaml-key")]


def test_file_over_10_mb_is_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as f:
        f.truncate(load.MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time
    source, [problem] = read_yaml(path, "big.yaml", "period")
    assert (problem.location.line, problem.code) == (1, "load.too-large")
    assert source.data is None


# --- marks: Source.at ---------------------------------------------------------------------------------


def test_source_at_finds_nested_keys_values_and_list_items(tmp_path):
    source, _ = read(tmp_path, OBJECTIVE)
    at = lambda *keys, key=False: (source.at(*keys, key=key).line, source.at(*keys, key=key).column)
    assert at() == (1, 1)
    assert at("objectives") == (2, 3)
    assert at("objectives", key=True) == (1, 1)
    assert at("objectives", 0) == (2, 5)
    assert at("objectives", 0, "owner") == (4, 12)
    assert at("objectives", 0, "owner", key=True) == (4, 5)
    assert at("objectives", 0, "key_results", 0, "metric", "to") == (8, 44)
    assert at("objectives", 0, "key_results", 0, "metric", "to", key=True) == (8, 40)
    # a path further than the data points at the deepest part that exists
    assert at("objectives", 0, "nothing", "here") == (2, 5)
    assert at("objectives", 7) == (2, 3)
    assert source.at().path == "acme.yaml"


def test_every_key_of_a_large_mapping_knows_where_it_and_its_value_are(tmp_path):
    # Past LocDict's few-keys walk, a key's place comes from an index made on the first look-up.
    keys = [f"k{i:02d}" for i in range(40)]
    source, problems = read(tmp_path, "top:\n" + "".join(f"  {k}: {i}\n" for i, k in enumerate(keys)) + "  k05: again\n")
    assert [p.code for p in problems] == ["load.duplicate-key"] and "first on line 7" in problems[0].message
    source, _ = read(tmp_path, "top:\n" + "".join(f"  {k}:   {i}\n" for i, k in enumerate(keys)))
    for i in reversed(range(len(keys))):  # the last key first: the index is made then, and used after
        assert source.at("top", keys[i], key=True) == Location(source.path, i + 2, 3)
        assert source.at("top", keys[i]) == Location(source.path, i + 2, 10)
    with pytest.raises(KeyError):
        source.data["top"].value_mark("nope")


def test_keys_and_short_texts_are_one_object_however_often_they_recur(tmp_path):
    # A large company's files repeat the same keys and ids millions of times: one str object each.
    source, _ = read(tmp_path, "checkins:\n  - {date: 2026-10-02, value: 1, note: team-alpha}\n"
                               "  - {date: 2026-10-09, value: 2, note: team-alpha}\n")
    first, second = source.data["checkins"]
    assert [k1 is k2 for k1, k2 in zip(first, second)] == [True, True, True]
    assert first["note"] is second["note"]


def test_located_containers_remember_their_marks(tmp_path):
    source, _ = read(tmp_path, "a:\n  - x\n  - {b: 1}\n")
    assert isinstance(source.data, LocDict) and isinstance(source.data["a"], LocList)
    assert [line_column(m) for m in source.data["a"].item_marks] == [(2, 5), (3, 5)]
    assert line_column(source.data.key_mark("a")) == (1, 1)
    wide, _ = read(tmp_path, "a: [" + "x, " * 30_000 + "y]\n")  # a column beyond 16 bits
    assert line_column(wide.data["a"].item_marks[-1]) == (1, 5 + 3 * 30_000)
    assert wide.at("a", 30_000) == Location(wide.path, 1, 5 + 3 * 30_000)


# --- the goals folder ------------------------------------------------------------------------------------


def test_the_minimal_fixture_loads_cleanly():
    goals = load_goals("tests/fixtures/portal_minimal/goals")
    assert goals.problems == []
    assert sorted(goals.periods) == ["2026", "2026-Q4"]
    assert sorted(goals.periods["2026-Q4"]) == ["acme", "sales-emea"]
    assert [s.path for s in goals.kpis] == ["tests/fixtures/portal_minimal/goals/kpis.yaml"]
    assert [r[1:] for r in goals.csv["data/monthly-churn.csv"].rows] == [("2026-09-30", "2.4"), ("2026-10-31", "2.2")]


def test_missing_goals_folder(tmp_path):
    goals = load_goals(tmp_path / "nowhere")
    assert [p.code for p in goals.problems] == ["load.no-goals"]


def test_missing_org_yaml(tree):
    assert tree.problems({"org.yaml": None}) == [("org.yaml", 1, 1, "load.no-org")]


def test_yml_extension_is_refused(tree):
    assert tree.problems({"2026-Q4/sales.yml": OBJECTIVE}) == [("2026-Q4/sales.yml", 1, 1, "load.yml-extension")]


def test_yml_extension_at_the_top_says_rename(tree):
    build = tree.build({"org.yaml": None, "org.yml": "company: {id: acme, name: Acme}\n", "kpis.yml": "kpis: []\n"})
    assert [(p.location.path.rsplit("/", 1)[1], p.code, p.hint) for p in build.errors] == [
        ("kpis.yml", "load.yml-extension", "Rename it to kpis.yaml."),
        ("org.yaml", "load.no-org", "Create goals/org.yaml with `company:` (id and name)."),
        ("org.yml", "load.yml-extension", "Rename it to org.yaml."),
    ]


@pytest.mark.parametrize("folder", ["2026-q4", "2026-Q5", "Q4-2026", "archive"])
def test_unknown_folder(tree, folder):
    assert tree.problems({f"{folder}/acme.yaml": OBJECTIVE}) == [(folder, 1, 1, "load.unknown-folder")]


def test_unknown_file_at_the_top(tree):
    assert tree.problems({"goals.yaml": "a: 1\n"}) == [("goals.yaml", 1, 1, "load.unknown-file")]


@pytest.mark.parametrize("name", ["Sales.yaml", "sales_emea.yaml", "-sales.yaml"])
def test_bad_file_name(tree, name):
    assert tree.problems({f"2026-Q4/{name}": OBJECTIVE}) == [(f"2026-Q4/{name}", 1, 1, "load.bad-file-name")]


def test_hidden_files_and_other_files_are_ignored(tree):
    assert tree.problems({".git/config.yaml": "a: [", "2026-Q4/.draft.yaml": "a: [", "2026-Q4/README.md": "# notes",
                          "data/notes.txt": "x"}) == []


def test_kpis_folder_files_are_loaded(tree):
    build = tree.build({"kpis/sales.yaml": "kpis:\n  - {id: pipeline, name: Pipeline, owner: dana}\n",
                        "kpis/cs.yaml": "kpis: [\n"})
    assert [p.code for p in build.errors] == ["load.yaml-syntax"]
    assert [s.path.rsplit("/", 1)[1] for s in build.goals.kpis] == ["cs.yaml", "sales.yaml"]


# --- CSV series -------------------------------------------------------------------------------------------

KPI_WITH_DATA = """\
kpis:
  - id: churn
    name: Monthly churn
    owner: carol
    metric: {{unit: "%", keep_below: 2.5}}
    data: {data}
"""


def kpi_data(ref: str) -> str:
    return KPI_WITH_DATA.format(data=ref)


@pytest.mark.parametrize("ref", ["/etc/passwd", "../outside.csv", "data/../../outside.csv", "data\\\\churn.csv"])
def test_data_path_must_stay_inside_the_goals_folder(tree, ref):
    assert tree.problems({"kpis.yaml": kpi_data(ref), "data/churn.csv": "date,value\n"}) == [
        ("kpis.yaml", 6, 11, "load.data-outside")]


@pytest.mark.parametrize("ref, link, target", [
    ("data/linked/churn.csv", "data/linked", "secret"),
    ("data/churn.csv", "data/churn.csv", "secret/churn.csv"),
])
def test_data_path_through_a_symlink_is_outside(tree, tmp_path, ref, link, target):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "churn.csv").write_text("date,value\n2026-10-31,2.2\n")
    goals = tree.write({"kpis.yaml": kpi_data(ref), "data/keep.txt": ""})
    os.symlink(tmp_path / target, goals / link)
    problems = [(p.location.line, p.location.column, p.code) for p in load_goals(goals).problems]
    assert problems == [(6, 11, "load.data-outside")]


def test_missing_csv(tree):
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv")}) == [("kpis.yaml", 6, 11, "load.data-missing")]


@pytest.mark.parametrize("csv", ["", "day,value\n2026-10-31,2\n", "date\n2026-10-31\n", "date,value,note\n"])
def test_csv_header(tree, csv):
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": csv}) == [
        ("data/churn.csv", 1, 1, "load.csv-header")]


def test_csv_header_is_case_and_space_insensitive_and_blank_rows_are_skipped(tree):
    build = tree.build({"kpis.yaml": kpi_data("data/churn.csv"),
                        "data/churn.csv": "\ufeffDate, Value\n2026-09-30,2.4\n\n2026-10-31 , 2.2\n"})
    assert build.errors == []
    assert [(v.date.isoformat(), v.value) for v in build.portal.kpis["churn"].values] == [
        ("2026-09-30", 2.4), ("2026-10-31", 2.2)]


def test_csv_rows_with_the_wrong_number_of_columns(tree):
    csv = "date,value\n2026-09-30,2.4\n2026-10-31\n2026-10-01,2,3\n"
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": csv}) == [
        ("data/churn.csv", 3, 1, "load.csv-row"), ("data/churn.csv", 4, 1, "load.csv-row")]


def test_csv_values_are_checked_at_their_line(tree):
    csv = "date,value\n2026-09-30,2.4\n2026-10-31,high\n2026-02-30,2\nyesterday,1\n2026-11-01,.nan\n"
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": csv}) == [
        ("data/churn.csv", 3, 12, "model.csv-value"),
        ("data/churn.csv", 4, 1, "model.csv-value"),
        ("data/churn.csv", 5, 1, "model.csv-value"),
        ("data/churn.csv", 6, 12, "model.csv-value"),
    ]


def test_csv_that_is_not_utf8(tree):
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": b"date,value\n2026-09-30,\xff\n"}) == [
        ("data/churn.csv", 1, 1, "load.encoding")]


# --- the parse memo of load_goals -----------------------------------------------------------------

def _tree(tmp_path):
    import shutil
    from pathlib import Path

    goals = tmp_path / "goals"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "portal_minimal" / "goals", goals)
    return goals


def test_a_second_load_reuses_the_sources_of_unchanged_files(tmp_path):
    goals, memo = _tree(tmp_path), Memo()
    first = load_goals(goals, memo)
    second = load_goals(goals, memo)
    assert second.org is first.org
    assert second.periods["2026-Q4"]["sales-emea"] is first.periods["2026-Q4"]["sales-emea"]
    assert memo.stats("load").reused == len(second.sources()) and memo.stats("load").made == 0


def test_a_load_without_a_memo_keeps_nothing(tmp_path):
    goals = _tree(tmp_path)
    first, second = load_goals(goals), load_goals(goals)
    assert second.org is not first.org and second.org.data == first.org.data
    assert second.stats.files_read == len(second.sources())


def test_an_edit_is_seen_even_when_size_and_modification_time_stay_the_same(tmp_path):
    from generator.pipeline import build_portal

    goals, memo = _tree(tmp_path), Memo()
    path = goals / "2026-Q4" / "sales-emea.yaml"
    before = build_portal(goals, dt.date(2026, 11, 22), memo=memo)
    stat = path.stat()
    text = path.read_text()
    title = next(n.obj.title for n in before.portal.objectives.values() if n.unit.id == "sales-emea")
    edited = text.replace(title, title[::-1], 1)
    assert len(edited.encode()) == len(text.encode()) and edited != text
    path.write_text(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = build_portal(goals, dt.date(2026, 11, 22), memo=memo)
    titles = {n.obj.title for n in after.portal.objectives.values() if n.unit.id == "sales-emea"}
    assert title[::-1] in titles and title not in titles


def test_a_settled_file_that_did_not_change_is_not_read_again(tmp_path, monkeypatch):
    import time

    from generator.load import read

    monkeypatch.setattr(read, "SETTLED_NS", 0)  # as if every file had been written long before it was read
    goals, memo = _tree(tmp_path), Memo()
    first = load_goals(goals, memo)
    files = len(first.sources())
    assert first.stats.files_read == files
    second = load_goals(goals, memo)
    assert second.stats.files_read == 0, "nothing changed: no file read"
    assert second.org is first.org and second.periods == first.periods
    time.sleep(0.05)  # later than the copy by more than the file system's clock tick
    path = goals / "2026-Q4" / "sales-emea.yaml"
    stat, text = path.stat(), path.read_text()
    path.write_text(text.replace("a", "e", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same modification time
    assert path.stat().st_size == stat.st_size
    third = load_goals(goals, memo)
    assert third.stats.files_read == 1, "its change time told"
    assert third.periods["2026-Q4"]["sales-emea"] is not first.periods["2026-Q4"]["sales-emea"]
    assert third.org is first.org
    copy = path.with_suffix(".tmp")
    copy.write_bytes(path.read_bytes())
    os.replace(copy, path)  # the same bytes in a new file
    assert load_goals(goals, memo).stats.files_read == 1


def test_a_file_written_just_before_it_was_read_is_read_again(tmp_path):
    goals, memo = _tree(tmp_path), Memo()  # just copied: changes in the same instant would not show in its times
    files = load_goals(goals, memo).stats.files_read
    assert files > 0
    assert load_goals(goals, memo).stats.files_read == files


def test_a_file_that_broke_and_was_fixed_is_read_again_each_time(tmp_path):
    from generator.pipeline import build_portal

    goals, memo = _tree(tmp_path), Memo()
    path = goals / "2026-Q4" / "sales-emea.yaml"
    good = path.read_text()
    assert build_portal(goals, dt.date(2026, 11, 22), memo=memo).ok
    path.write_text(good + "  - [\n")
    broken = build_portal(goals, dt.date(2026, 11, 22), memo=memo)
    assert not broken.ok and {p.code for p in broken.errors} == {"load.yaml-syntax"}
    path.write_text(good)
    assert build_portal(goals, dt.date(2026, 11, 22), memo=memo).ok


def test_read_yaml_outside_load_goals_keeps_nothing(tmp_path):
    first, _ = read(tmp_path, OBJECTIVE)
    second, _ = read(tmp_path, OBJECTIVE)
    assert first is not second and first.data == second.data


def test_csv_line_ends_of_every_kind_and_text_the_csv_reader_stops_at(tree):
    """A lone carriage return ends a line (it made the csv module raise), and a field too large for
    the csv module is a located problem, not a traceback."""
    build = tree.build({"kpis.yaml": kpi_data("data/churn.csv"),
                        "data/churn.csv": "date,value\r2026-09-30,2.4\r\n2026-10-31,2.2\n"})
    assert [r for r in build.goals.csv["data/churn.csv"].rows] == [(2, "2026-09-30", "2.4"), (3, "2026-10-31", "2.2")]
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": "da\rte,value\n"}) == [
        ("data/churn.csv", 1, 1, "load.csv-header")]
    huge = "date,value\n2026-09-30,2.4\n2026-10-31," + "9" * 200_000 + "\n"
    assert tree.problems({"kpis.yaml": kpi_data("data/churn.csv"), "data/churn.csv": huge}) == [
        ("data/churn.csv", 3, 1, "load.csv-syntax")]


def test_the_rebuilds_of_a_server_reuse_the_files_that_did_not_change(tmp_path, monkeypatch):
    """The MkDocs shell keeps a Memo while it serves (on_startup(command="serve"), as `mkdocs serve` and
    `goalsite serve` start it), and passes it to the load: a rebuild reads only the edited file."""
    from pathlib import Path

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator.load import read

    monkeypatch.setattr(read, "SETTLED_NS", 0)  # as if every file had been written long before it was read
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    goals = _tree(tmp_path)
    config = load_config(str(Path(__file__).resolve().parents[2] / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    plugin = config.plugins["goalsite"]
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        with plugin.preset(goals_dir=str(goals)):
            mkdocs_build(config)
            first = plugin.build.goals
            path = goals / "2026-Q4" / "sales-emea.yaml"
            path.write_text(path.read_text().replace("Become the first choice", "Become the clear favourite"))
            mkdocs_build(config)
        second = plugin.build.goals
        assert second.stats.files_read == 1 and first.stats.files_read == len(first.sources())
        assert second.org is first.org
        assert second.periods["2026-Q4"]["sales-emea"] is not first.periods["2026-Q4"]["sales-emea"]
    finally:
        config.plugins.on_shutdown()
    assert plugin.memo is None, "what the server kept is let go when it stops"
