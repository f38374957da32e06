"""schema.py: the JSON Schema (draft-07) editors use agrees with the model that validates.

jsonschema is not a dependency, so a small draft-07 checker below covers the keywords
the generated schemas use; anything else makes it fail loudly rather than pass silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import pytest

from generator.load import SLUG_RE, read_yaml
from generator.model import REF_RE
from generator.schema import json_schema as _json_schema

@functools.cache
def _schema_text(kind: str) -> str:
    return json.dumps(_json_schema(kind))


def json_schema(kind: str) -> dict:
    """A fresh copy of the schema (generating one takes a while; tests may not share mutable copies)."""
    return json.loads(_schema_text(kind))


FIXTURE = Path("tests/fixtures/portal_minimal/goals")
KINDS = ("period", "org", "kpis")
DRAFT_07_KEYWORDS = {
    "$schema", "$id", "$ref", "title", "description", "default", "type", "enum", "const", "pattern", "format",
    "properties", "patternProperties", "additionalProperties", "required", "items", "additionalItems",
    "minItems", "maxItems", "anyOf", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "definitions",
}
TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool, "object": dict, "array": list,
         "null": type(None)}


def errors(schema: dict, value, root: dict | None = None, path: str = "") -> list[str]:
    """Where `value` breaks a draft-07 `schema` (the subset goalsite's schemas use)."""
    root = root or schema
    unknown = set(schema) - DRAFT_07_KEYWORDS
    assert not unknown, f"keywords the checker does not know: {unknown}"
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/definitions/")
        return errors(root["definitions"][name], value, root, path)
    if "anyOf" in schema:
        return [] if any(not errors(s, value, root, path) for s in schema["anyOf"]) else [f"{path}: no anyOf branch"]
    out = []
    if "type" in schema:
        wanted = TYPES[schema["type"]]
        if not isinstance(value, wanted) or (isinstance(value, bool) and schema["type"] != "boolean"):
            return [f"{path}: not {schema['type']}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: not in enum")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: does not match pattern")
    for keyword, ok in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b),
                        ("exclusiveMinimum", lambda v, b: v > b), ("exclusiveMaximum", lambda v, b: v < b)):
        if keyword in schema and isinstance(value, (int, float)) and not ok(value, schema[keyword]):
            out.append(f"{path}: {keyword}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{path}.{k}: required" for k in schema.get("required", []) if k not in value]
        for key, item in value.items():
            if key in props:
                out += errors(props[key], item, root, f"{path}.{key}")
            elif any(re.search(p, key) for p in schema.get("patternProperties", {})):
                pattern = next(p for p in schema["patternProperties"] if re.search(p, key))
                out += errors(schema["patternProperties"][pattern], item, root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}.{key}: additional property")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            out.append(f"{path}: length")
        items = schema.get("items")
        if isinstance(items, list):
            if schema.get("additionalItems") is False and len(value) > len(items):
                out.append(f"{path}: additional items")
            out += [e for s, v in zip(items, value) for e in errors(s, v, root, path)]
        elif items is not None:
            out += [e for i, v in enumerate(value) for e in errors(items, v, root, f"{path}[{i}]")]
    return out


def as_json(value):
    """Loaded YAML as an editor's YAML-to-JSON would see it: dates become text."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def load(path: Path, kind: str):
    source, problems = read_yaml(path, str(path), kind)
    assert problems == []
    return as_json(source.data)


def schema_files():
    yield "org", FIXTURE / "org.yaml"
    yield "kpis", FIXTURE / "kpis.yaml"
    for path in sorted(FIXTURE.glob("20*/*.yaml")):
        yield "period", path


@pytest.mark.parametrize("kind, path", list(schema_files()), ids=lambda x: str(x).rsplit("goals/", 1)[-1])
def test_the_fixture_files_validate_against_the_schema(kind, path):
    assert errors(json_schema(kind), load(path, kind)) == []


@pytest.mark.parametrize("kind, doc, where", [
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "dana", "titel": "typo"}]}, ".objectives[0].titel"),
    ("period", {"objectives": [{"id": "Bad_Id", "title": "X", "owner": "dana"}]}, ".objectives[0].id"),
    ("period", {"objectives": [{"id": "x", "title": "X"}]}, ".objectives[0].owner"),
    ("period", {"visibility": "secret"}, ".visibility"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "kind": "moonshot"}]}, ".objectives[0].kind"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "aligns_to": "nowhere"}]}, ".objectives[0].aligns_to"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "score": 1.5}]}, ".objectives[0].score"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "key_results": [
        {"id": "k", "title": "K", "weight": 0}]}]}, ".objectives[0].key_results[0].weight"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "key_results": [
        {"id": "k", "title": "K", "checkins": [{"date": "2026-10-01", "value": 1, "confidence": 11}]}]}]},
     ".objectives[0].key_results[0].checkins[0].confidence"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "key_results": [
        {"id": "k", "title": "K", "metric": {"unit": "x", "from_": 0, "to": 1}}]}]}, ".objectives[0].key_results[0].metric"),
    ("period", {"objectives": [{"id": "x", "title": "X", "owner": "d", "initiatives": [{"title": "I", "status": "doing"}]}]},
     ".objectives[0].initiatives[0].status"),
    ("org", {"company": {"id": "acme", "name": "Acme"}, "settings": {"fiscal_year_start_month": 13}},
     ".settings.fiscal_year_start_month"),
    ("org", {"units": []}, ".company"),
    ("kpis", {"kpis": [{"id": "k", "name": "K", "owner": "d", "metric": {"from": 1, "to": 2}}]}, ".kpis[0].metric"),
    ("kpis", {"kpis": [{"id": "k", "name": "K", "owner": "d", "indicator": "lagged"}]}, ".kpis[0].indicator"),
])
def test_the_schema_rejects_what_the_model_rejects(kind, doc, where):
    found = errors(json_schema(kind), doc)
    assert found and all(e.startswith(where) for e in found), found


def definitions(kind: str) -> dict:
    return json_schema(kind)["definitions"]


def test_required_fields():
    period, org, kpis = definitions("period"), definitions("org"), definitions("kpis")
    assert period["Objective"]["required"] == ["id", "title", "owner"]
    assert period["KeyResult"]["required"] == ["id", "title"]
    assert period["CheckIn"]["required"] == ["date", "value"]
    assert period["Initiative"]["required"] == ["title"]
    assert kpis["Kpi"]["required"] == ["id", "name", "owner"]
    assert kpis["KpiValue"]["required"] == ["date", "value"]
    assert org["Company"]["required"] == ["id", "name"]
    assert org["Unit"]["required"] == ["id", "name"]
    assert org["Person"]["required"] == ["id", "name", "unit"]
    assert json_schema("org")["required"] == ["company"]
    assert "required" not in json_schema("period") and "required" not in json_schema("kpis")


def test_id_and_reference_patterns_agree_with_the_model():
    objective = definitions("period")["Objective"]["properties"]
    slug = objective["id"]["pattern"]
    ref = objective["rolled_over_from"]["anyOf"][0]["pattern"]
    assert slug == SLUG_RE.pattern and ref == REF_RE.pattern
    assert objective["owner"]["pattern"] == slug and objective["collaborators"]["items"]["pattern"] == slug
    assert {b.get("type") for b in objective["aligns_to"]["anyOf"]} == {"string", "array"}
    for text in ["sales", "sales-emea", "a", "2026", "Sales", "-x", "a_b", "x" * 64]:
        assert bool(re.search(slug, text)) == bool(SLUG_RE.match(text)), text
    for text in ["acme/grow", "acme/grow/arr", "2026:acme/grow", "2026-Q4:acme/grow/arr", "grow", "2026-Q5:a/b", "a/b/c/d"]:
        assert bool(re.search(ref, text)) == bool(REF_RE.match(text)), text


def test_enums():
    period = json_schema("period")
    objective = period["definitions"]["Objective"]["properties"]
    assert period["properties"]["visibility"]["enum"] == ["public", "private"]
    assert objective["kind"]["enum"] == ["aspirational", "committed"]
    assert period["definitions"]["Initiative"]["properties"]["status"]["enum"] == ["planned", "active", "done", "dropped"]
    kpi = definitions("kpis")["Kpi"]["properties"]
    assert kpi["visibility"]["enum"] == ["public", "private"]
    assert kpi["indicator"]["anyOf"][0]["enum"] == ["leading", "lagging"]


def test_metric_uses_from_not_the_python_name():
    metric = definitions("period")["Metric"]["properties"]
    assert set(metric) == {"unit", "from", "to", "keep_between", "keep_above", "keep_below"}
    keep_between = metric["keep_between"]["anyOf"][0]
    assert keep_between["items"] == [{"type": "number"}, {"type": "number"}] and keep_between["additionalItems"] is False
    assert set(definitions("kpis")["KpiMetric"]["properties"]) == {"unit", "keep_between", "keep_above", "keep_below"}


@pytest.mark.parametrize("kind", KINDS)
def test_every_object_forbids_additional_properties(kind):
    schema = json_schema(kind)
    assert schema["additionalProperties"] is False
    for name, definition in schema["definitions"].items():
        assert definition["additionalProperties"] is False, name


@pytest.mark.parametrize("kind", KINDS)
def test_only_draft_07_keywords(kind):
    schema = json_schema(kind)
    text = json.dumps(schema)
    assert '"$defs"' not in text and '"prefixItems"' not in text and '"ge"' not in text and '"gt"' not in text

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("properties", "patternProperties", "definitions", "default"):
                    assert key in DRAFT_07_KEYWORDS, key
                    walk(value)
                elif key != "default":
                    for sub in value.values():
                        walk(sub)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)


def test_numeric_bounds_are_in_the_schema():
    period = definitions("period")
    assert period["KeyResult"]["properties"]["weight"]["exclusiveMinimum"] == 0
    assert period["CheckIn"]["properties"]["confidence"]["anyOf"][0] | {} == {"type": "integer", "minimum": 1, "maximum": 10}
    assert period["Objective"]["properties"]["score"]["anyOf"][0] == {"type": "number", "minimum": 0, "maximum": 1}
    settings = definitions("org")["Settings"]["properties"]
    assert (settings["fiscal_year_start_month"]["minimum"], settings["fiscal_year_start_month"]["maximum"]) == (1, 12)
    assert settings["checkin_every_days"]["minimum"] == 1
    assert (settings["stretch_success"]["minimum"], settings["stretch_success"]["maximum"]) == (0, 1)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_deterministic_and_json(kind):
    assert json.dumps(_json_schema(kind), sort_keys=True) == json.dumps(_json_schema(kind), sort_keys=True)
    assert json_schema(kind)["$id"] == f"goalsite-{kind}.schema.json"
