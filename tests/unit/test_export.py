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
    assert set(data) == {"generator", "today", "restricted", "company", "settings", "periods", "units", "people",
                         "objectives", "key_results", "kpis"}
    assert data["generator"] == {"name": "goalsite", "version": __version__, "schema": 1}
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
    from generator.export import export_text
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
