"""export_json(): the schema of api/goals.json, privacy and determinism, on real goal files."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import __version__, build_portal
from generator.cli import cli
from generator.export import export_json

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "portal_minimal" / "goals"
TODAY = dt.date(2026, 11, 22)


def export(goals: Path = FIXTURE, include_private: bool = False) -> dict:
    build = build_portal(goals, TODAY, include_private=include_private)
    assert build.ok, build.errors
    return export_json(build)


@pytest.fixture(scope="module")
def data() -> dict:
    return export()


def by(items: list[dict], key: str) -> dict[str, dict]:
    return {item[key]: item for item in items}


def test_top_level_shape(data):
    assert set(data) == {"generator", "today", "restricted", "complete", "files", "company", "settings", "periods",
                         "units", "people", "objectives", "key_results", "kpis"}
    assert data["generator"] == {"name": "goalsite", "version": __version__, "schema": 2}
    assert data["complete"] is True
    assert data["today"] == "2026-11-22" and data["restricted"] is False
    assert data["company"]["name"] == "Acme Corp"
    assert data["company"]["mission"] == "Make checkout *effortless* for every retailer."


def test_objectives_have_refs_titles_scores_and_alignment(data):
    objectives = by(data["objectives"], "ref")
    assert list(objectives) == ["2026-Q4:acme/customer-experience", "2026-Q4:sales-emea/win-dach",
                                "2026:acme/grow-revenue"]
    win = objectives["2026-Q4:sales-emea/win-dach"]
    assert win["title"] == "Become the first choice for mid-market retailers in DACH"
    assert win["score"] == pytest.approx(0.5586666, abs=1e-6)
    assert win["owner"] == "dana" and win["collaborators"] == ["eli"]
    assert win["kind"] == "aspirational" and win["status"] == "on-track" and win["private"] is False
    assert win["aligns_to"] == ["2026-Q4:acme/customer-experience"]
    assert win["url"] == "units/sales-emea/2026-Q4/#obj-win-dach"
    assert [kr["id"] for kr in win["key_results"]] == ["new-logos", "churn", "uptime", "partner-portal"]
    assert objectives["2026-Q4:acme/customer-experience"]["aligns_to"] == ["2026:acme/grow-revenue"]


def test_key_results_are_nested_and_flat(data):
    flat = by(data["key_results"], "ref")
    assert list(flat) == sorted(flat)
    nested = [kr for o in data["objectives"] for kr in o["key_results"]]
    assert sorted(nested, key=lambda kr: kr["ref"]) == data["key_results"]
    logos = flat["2026-Q4:sales-emea/win-dach/new-logos"]
    assert logos["title"] == "Sign 25 new mid-market logos"
    assert logos["score"] == pytest.approx(0.48) and logos["progress"] == pytest.approx(0.48)
    assert logos["owner"] == "eli" and logos["status"] == "at-risk" and logos["confidence"] == 6
    assert logos["metric"]["from"] == 0 and logos["metric"]["to"] == 25 and logos["metric"]["unit"] == "logos"
    assert logos["url"] == "units/sales-emea/2026-Q4/#kr-win-dach__new-logos"
    assert [c["date"] for c in logos["checkins"]] == ["2026-10-05", "2026-11-16"]
    assert logos["checkins"][0]["note"] == "Two pilots converted"
    churn = flat["2026-Q4:sales-emea/win-dach/churn"]
    assert churn["kpi"] == "monthly-churn" and churn["from_kpi"] is True and churn["stale"] is True
    retention = flat["2026-Q4:acme/customer-experience/retention"]
    assert retention["progress"] < 0 and retention["score"] == 0.0
    assert flat["2026-Q4:sales-emea/win-dach/partner-portal"]["type"] == "milestone"
    assert flat["2026-Q4:sales-emea/win-dach/uptime"]["metric"]["keep_between"] == [99.9, 100]


def test_kpis_have_health_and_latest_value(data):
    kpis = by(data["kpis"], "id")
    assert list(kpis) == ["customer-retention", "monthly-churn"]
    retention = kpis["customer-retention"]
    assert retention["name"] == "Customer retention"
    assert retention["healthy"] is False and retention["value"] == 84.2 and retention["date"] == "2026-10-31"
    assert retention["threshold"] == {"unit": "%", "keep_between": None, "keep_above": 85.0, "keep_below": None}
    assert retention["moved_by"] == ["2026-Q4:acme/customer-experience/retention"]
    assert retention["predicted_by"] == ["monthly-churn"]
    assert kpis["monthly-churn"]["healthy"] is True and kpis["monthly-churn"]["value"] == 2.2
    assert kpis["monthly-churn"]["values"] == [{"date": "2026-09-30", "value": 2.4}, {"date": "2026-10-31", "value": 2.2}]


def test_periods_units_and_people(data):
    periods = by(data["periods"], "id")
    assert [p["id"] for p in data["periods"]] == ["2026", "2026-Q4"]
    q4 = periods["2026-Q4"]
    assert q4["state"] == "running" and q4["objective_count"] == 2 and q4["url"] == "periods/2026-Q4/"
    assert q4["mean_score"] == pytest.approx(0.2793333, abs=1e-6)
    units = by(data["units"], "id")
    assert [u["id"] for u in data["units"]] == sorted(units)
    assert units["sales-emea"]["parent"] == "sales" and units["sales-emea"]["lead"] == "eli"
    assert units["sales-emea"]["periods"][0]["id"] == "2026-Q4"
    people = by(data["people"], "id")
    assert people["no"]["name"] == "Nora Olsen" and people["no"]["url"] == "people/cs/#person-no"


def test_private_goals_are_nowhere_in_the_export(data):
    text = json.dumps(data, sort_keys=True).lower()
    assert "nightjar" not in text and "secret" not in text and "sites" not in text


def test_a_private_parent_is_exported_as_private(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    path = goals / "2026-Q4" / "sales-emea.yaml"
    data = yaml.safe_load(path.read_text())
    data["objectives"].append({"id": "follow-up", "title": "Support it", "owner": "eli",
                               "aligns_to": "sales-emea/nightjar/sites",
                               "key_results": [{"id": "k", "title": "K", "metric": {"unit": "x", "from": 0, "to": 1}}]})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    public = export(goals)
    assert by(public["objectives"], "ref")["2026-Q4:sales-emea/follow-up"]["aligns_to"] == ["private"]
    assert "nightjar" not in json.dumps(public).lower()
    restricted = export(goals, include_private=True)
    assert restricted["restricted"] is True
    objectives = by(restricted["objectives"], "ref")
    assert objectives["2026-Q4:sales-emea/nightjar"]["private"] is True
    assert objectives["2026-Q4:sales-emea/follow-up"]["aligns_to"] == ["2026-Q4:sales-emea/nightjar/sites"]


def test_private_kpis_are_nowhere_in_the_export(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    path = goals / "kpis.yaml"
    data = yaml.safe_load(path.read_text())
    data["kpis"][1]["visibility"] = "private"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    # A public key result may move a private KPI only with check-ins of its own (resolve.private-kpi-values).
    team = goals / "2026-Q4" / "sales-emea.yaml"
    plan = yaml.safe_load(team.read_text())
    plan["objectives"][0]["key_results"][1]["checkins"] = [{"date": TODAY, "value": 2.3, "confidence": 6}]
    team.write_text(yaml.safe_dump(plan, sort_keys=False))
    exported = export(goals)
    assert "monthly-churn" not in json.dumps(exported)
    assert by(exported["key_results"], "ref")["2026-Q4:sales-emea/win-dach/churn"]["kpi"] is None


def test_export_is_deterministic_and_json_ready(data):
    again = export()
    assert json.dumps(again, sort_keys=True) == json.dumps(data, sort_keys=True)
    assert json.loads(json.dumps(data, sort_keys=True, allow_nan=False)) == data


# --- goalsite export ----------------------------------------------------------------------------


def _run_export(*args: str):
    return CliRunner().invoke(cli, ["export", "--goals", str(FIXTURE), "--today", "2026-11-22", *args])


def test_export_json_is_the_sites_document(data):
    result = _run_export()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(data))
    assert "Nightjar" not in result.output


def test_export_csv_has_a_row_per_objective_and_key_result(data):
    result = _run_export("--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv_module.DictReader(io.StringIO(result.output)))
    assert [r["ref"] for r in rows if r["type"] == "objective"] == [o["ref"] for o in data["objectives"]]
    assert len([r for r in rows if r["type"] == "key-result"]) == len(data["key_results"])
    logos = next(r for r in rows if r["ref"] == "2026-Q4:sales-emea/win-dach/new-logos")
    assert (logos["period"], logos["unit"], logos["owner"]) == ("2026-Q4", "sales-emea", "eli")
    assert "Nightjar" not in result.output


def test_export_csv_defuses_spreadsheet_formulas(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    team = goals / "2026-Q4" / "sales-emea.yaml"
    team.write_text(team.read_text().replace("title: Sign 25 new mid-market logos",
                                             "title: \"=HYPERLINK(\\\"http://x\\\",\\\"25\\\")\""))
    result = CliRunner().invoke(cli, ["export", "--goals", str(goals), "--today", "2026-11-22", "--format", "csv"])
    assert result.exit_code == 0, result.output
    row = next(r for r in csv_module.DictReader(io.StringIO(result.output)) if r["ref"].endswith("/new-logos"))
    assert row["title"] == "'=HYPERLINK(\"http://x\",\"25\")"


def test_export_of_broken_goals_prints_the_problems_and_exits_1(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    (goals / "2026-Q4" / "cs.yaml").write_text("- a list\n")
    result = CliRunner().invoke(cli, ["export", "--goals", str(goals), "--today", "2026-11-22"])
    assert result.exit_code == 1 and "[load.not-a-mapping]" in result.output and "Traceback" not in result.output


def test_export_csv_keeps_negative_progress_a_number(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    team = goals / "2026-Q4" / "sales-emea.yaml"
    team.write_text(team.read_text().replace("{date: 2026-11-16, value: 12, confidence: 6}",
                                             "{date: 2026-11-16, value: -5, confidence: 6}"))
    result = CliRunner().invoke(cli, ["export", "--goals", str(goals), "--today", "2026-11-22", "--format", "csv"])
    assert result.exit_code == 0, result.output
    row = next(r for r in csv_module.DictReader(io.StringIO(result.output)) if r["ref"].endswith("/new-logos"))
    assert row["progress"] == "-0.2" and row["score"] == "0.0"


def test_the_export_text_is_json_dumps_of_it_before_and_after_an_edit(tmp_path):
    """export_text() reuses the text of objects an unchanged file's export shares; it is always json.dumps'."""
    from generator.export_files import export_text
    from generator.render import render_pages
    from generator.render.site import Site

    goals = tmp_path / "goals"
    shutil.copytree(Path(__file__).resolve().parents[2] / "goals", goals)

    def both() -> tuple[str, str]:
        result = build_portal(goals, dt.date(2026, 11, 22))
        site = Site(result)
        render_pages(result, site=site)  # keys the Site: the export reuses unchanged files' objectives
        data = export_json(result, site)
        return export_text(data), json.dumps(data, sort_keys=True, separators=(",", ":"))

    first, expected = both()
    assert first == expected
    team = goals / "2026-Q4" / "storefront.yaml"
    text = team.read_text(encoding="utf-8")
    title = yaml.safe_load(text)["objectives"][0]["title"]
    team.write_text(text.replace(title, f"{title} (edited)", 1), encoding="utf-8")
    second, expected = both()
    assert second == expected and second != first
    assert f"{title} (edited)" in second


# --- CSV: line breaks in goal text --------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Titles as a YAML double-quoted scalar writes them: line breaks of every kind, each followed by a formula.
HOSTILE_TITLES = {
    "Sign 25 new mid-market logos": r"Sign 25\r=1+1",  # no quote and no LF: was written unquoted
    "Reduce monthly churn from 2.4% to 1.8%": r"Churn\r\n+cmd|' /C calc'!A0\n-2+3",
    "Keep checkout availability between 99.9% and 100%": r"Uptime\u2028@SUM(A1)\r\t=1\r =2",
    "Launch the partner portal": r"\r=HYPERLINK(\"http://x\",\"y\")",
}


def spreadsheet_rows(text: str) -> list[list[str]]:
    """Rows the way a spreadsheet's CSV import reads them (LibreOffice's rules).

    A record ends at a line break (CR, LF or CR LF) outside quotes; inside quotes a line break
    is part of the cell; `""` in a quoted cell is one quote; a comma outside quotes ends a cell.
    """
    rows, row, cell, quoted, i = [], [], [], False, 0
    while i < len(text):
        c = text[i]
        if quoted:
            if c == '"' and text[i + 1:i + 2] == '"':
                cell.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                cell.append(c)
        elif c == '"' and not cell:
            quoted = True
        elif c == ",":
            row.append("".join(cell))
            cell = []
        elif c in "\r\n":
            if c == "\r" and text[i + 1:i + 2] == "\n":
                i += 1
            rows.append(row + ["".join(cell)])
            row, cell = [], []
        else:
            cell.append(c)
        i += 1
    if row or cell:
        rows.append(row + ["".join(cell)])
    return rows


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.fixture
def hostile_csv(tmp_path) -> str:
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    team = goals / "2026-Q4" / "sales-emea.yaml"
    text = team.read_text(encoding="utf-8")
    for title, hostile in HOSTILE_TITLES.items():
        assert f"title: {title}\n" in text
        text = text.replace(f"title: {title}\n", f'title: "{hostile}"\n')
    team.write_text(text.replace("title: Become the first", 'title: "-1\\r=2\\rBecome the first'
                                 ).replace("retailers in DACH\n", 'retailers in DACH"\n', 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--goals", str(goals), "--today", "2026-11-22", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("reader", [lambda text: list(csv_module.reader(io.StringIO(text, newline=""))),
                                    spreadsheet_rows], ids=["python-csv", "spreadsheet"])
def test_export_csv_keeps_each_row_whole_and_no_line_of_a_cell_a_formula(hostile_csv, reader):
    from generator.export import CSV_COLUMNS

    rows = reader(hostile_csv)
    assert rows[0] == list(CSV_COLUMNS)
    assert [len(row) for row in rows] == [len(CSV_COLUMNS)] * len(rows)
    refs = [row[1] for row in rows[1:]]
    assert refs == [r["ref"] for r in csv_module.DictReader(io.StringIO(_run_export("--format", "csv").output))]
    for row in rows:
        for cell in row:
            if _is_number(cell):
                continue  # a number stays a number: progress -0.2 is data, not a formula
            for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                assert not line.lstrip(" ").startswith(FORMULA_START), (cell, line)
    titles = {row[1].rsplit("/", 1)[-1]: row[4] for row in rows[1:]}
    assert titles["new-logos"] == "Sign 25\n'=1+1"
    assert titles["churn"] == "Churn\n'+cmd|' /C calc'!A0\n'-2+3"
    assert titles["uptime"] == "Uptime\n'@SUM(A1)\n'\t=1\n' =2"
    assert titles["partner-portal"] == "\n'=HYPERLINK(\"http://x\",\"y\")"
    assert titles["win-dach"] == "'-1\n'=2\nBecome the first choice for mid-market retailers in DACH"


def test_export_csv_quotes_a_cell_with_a_carriage_return(hostile_csv):
    assert "\r" not in hostile_csv  # every line break inside a cell is LF, inside quotes
    assert ',"Sign 25\n\'=1+1",' in hostile_csv


# --- the site's files: api/goals.json, api/index.json, api/periods/PERIOD/UNIT.json -------------

OSPREY = """\
objectives:
  - id: osprey
    title: Project Osprey hidden launch
    owner: carol
    visibility: private
    key_results:
      - id: pilots
        title: Run 2 Osprey pilots
        metric: {unit: pilots, from: 0, to: 2}
"""


def site_files(goals: Path = FIXTURE, include_private: bool = False, **kwargs) -> dict[str, dict]:
    """The export's files as the site has them (pipeline.render_site()), parsed."""
    from generator.pipeline import render_site

    build = build_portal(goals, TODAY, include_private=include_private)
    assert build.ok, build.errors
    # api/alignment/ holds the alignment map's branches (render/tree.py), not the export
    texts = {path: text for path, text in render_site(build).items()
             if path.startswith("api/") and not path.startswith("api/alignment/")}
    if kwargs:  # the same export with another single-file limit
        from generator.export_files import export_files
        texts = export_files(export_json(build), **kwargs)
    assert all(text.endswith("}\n") for text in texts.values())
    return {path: json.loads(text) for path, text in texts.items()}


def test_the_site_has_an_index_and_a_file_per_period_and_unit(data):
    files = site_files()
    assert sorted(files) == ["api/goals.json", "api/index.json", "api/periods/2026-Q4/acme.json",
                             "api/periods/2026-Q4/sales-emea.json", "api/periods/2026/acme.json"]
    index = files["api/index.json"]
    assert index == {key: value for key, value in data.items() if key not in ("objectives", "key_results")} | {
        "complete": False}
    assert index["files"] == [
        {"period": "2026", "unit": "acme", "url": "api/periods/2026/acme.json", "objectives": 1, "key_results": 1},
        {"period": "2026-Q4", "unit": "acme", "url": "api/periods/2026-Q4/acme.json", "objectives": 1,
         "key_results": 1},
        {"period": "2026-Q4", "unit": "sales-emea", "url": "api/periods/2026-Q4/sales-emea.json", "objectives": 1,
         "key_results": 4},
    ]
    part = files["api/periods/2026-Q4/sales-emea.json"]
    assert set(part) == {"generator", "today", "restricted", "period", "unit", "objectives"}
    assert (part["period"], part["unit"], part["generator"]["schema"]) == ("2026-Q4", "sales-emea", 2)
    assert part["objectives"] == [o for o in data["objectives"] if o["ref"].startswith("2026-Q4:sales-emea/")]


def test_the_files_hold_every_objective_and_key_result_once(data):
    files = site_files()
    objectives = [o for entry in files["api/index.json"]["files"] for o in files[entry["url"]]["objectives"]]
    assert sorted(o["ref"] for o in objectives) == [o["ref"] for o in data["objectives"]]
    assert sorted(kr["ref"] for o in objectives for kr in o["key_results"]) == [kr["ref"] for kr in data["key_results"]]
    for entry in files["api/index.json"]["files"]:
        part = files[entry["url"]]["objectives"]
        assert (entry["objectives"], entry["key_results"]) == (len(part), sum(len(o["key_results"]) for o in part))


def test_a_small_companys_goals_json_is_the_whole_export(data):
    files = site_files()
    assert files["api/goals.json"] == json.loads(json.dumps(data)) and files["api/goals.json"]["complete"] is True


def test_above_the_limit_goals_json_is_the_index():
    files = site_files(single_file_limit=1000)  # the fixture's files hold about 9,000 characters
    assert files["api/goals.json"] == files["api/index.json"] and files["api/goals.json"]["complete"] is False
    assert "objectives" not in files["api/goals.json"] and "api/periods/2026-Q4/sales-emea.json" in files


def test_private_goals_are_in_no_file_of_the_export(tmp_path):
    goals = tmp_path / "goals"
    shutil.copytree(FIXTURE, goals)
    (goals / "2026-Q4" / "cs.yaml").write_text(OSPREY)  # a unit whose goals are all private
    public = site_files(goals)
    assert "api/periods/2026-Q4/cs.json" not in public
    assert all(entry["unit"] != "cs" for entry in public["api/index.json"]["files"])
    for path, doc in public.items():
        text = json.dumps(doc)
        assert "Nightjar" not in text and "Osprey" not in text and "nightjar" not in text, path
    restricted = site_files(goals, include_private=True)
    osprey = restricted["api/periods/2026-Q4/cs.json"]
    assert osprey["restricted"] is True and osprey["objectives"][0]["private"] is True
    assert "Nightjar" in json.dumps(restricted["api/periods/2026-Q4/sales-emea.json"])
