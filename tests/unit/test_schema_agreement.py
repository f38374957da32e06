"""Editors and `goalsite check` agree: the JSON Schema accepts exactly the files the checker accepts.

Every file of the example company (goals/) and of the test fixture, and thousands of
systematic mutations of them, are judged twice:

- by the checker: the YAML text is written into tmp_path, read by the real loader
  (`read_yaml`) and validated by the model (`validate_goals`, the file's own checks);
- by the schema: the same text is read as editors read YAML (1.2 core schema, see
  yaml_core.py) and validated by `jsonschema` (draft-07, formats checked).

The mutations, for each field of each kind of mapping (model, and each form of it)
found in the corpus: a number where text is expected, in every YAML 1.2 spelling
(`2026`, `007`, `+1`, `1e3`, `0x1f`, `0o17`, `.inf`, `.nan`, and `1_000`, which 1.2
reads as text); text where a number is expected; `true` and the YAML 1.1 look-alikes
`yes`, `no`, `on`; null; dates and impossible dates; lists and mappings; numbers out of
range; good and bad ids, references and period ids, with a trailing newline too; texts
at and over their length limits; an unknown field; each present field removed.
Setting a metric's other forms, `milestone: true` next to a metric, or `data` next to
`values`, and removing a metric's `to`, a key result's `metric` or its `milestone`,
test the "exactly one form" rules.

The two must agree, except where the checker rejects and the schema cannot say so:

- SCHEMA_CANNOT_SAY: checks that compare two values of one file (the schema judges
  each value on its own), and that depend on the file's place. The checker rejects,
  the schema accepts.
- a number written in a form that is not itself an id or a period id, in an id or
  period field (`id: +1`, `id: 1.0`, `id: 0x1F`, `period: 2026.0`): an editor sees only
  the number, which could be an id; the checker sees the text, which is not one (see
  `_written_number_is_no_id`). The schema accepts, the checker rejects.
- a number written with more characters than its text field allows (`title: 000...01`,
  600 characters): the schema has no length for numbers. Not generated here.

Rules across files are the checker's alone and out of this test, since it validates
one file at a time: unknown people, units and KPIs, alignment references and loops,
`rolled_over_from`, check-in and due dates inside the period and not after today,
ids unique across files, units forming a tree, the KPI `data:` file existing and
holding dates and numbers.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.load import Goals, read_yaml
from generator.model import KpiFile, Org, PeriodFile, validate_goals
from yaml_core import core_text, load_core, schema_errors, validator

ROOT = Path(__file__).resolve().parents[2]
CORPUS_ROOTS = [ROOT / "goals", ROOT / "tests/fixtures/portal_minimal/goals"]
MODELS = {"org": Org, "kpis": KpiFile, "period": PeriodFile}

SCHEMA_CANNOT_SAY = {
    "model.duplicate-id": "ids unique within a file: the schema sees one id at a time",
    "model.header-mismatch": "`unit:` and `period:` must equal the file's name and folder",
    "resolve.unknown-key-result": "an initiative names key results of its own objective",
    "model.bad-period-dates": "a period's `end` on or after its `start`",
}
METRIC_FORM_CANNOT_SAY = {
    "Expected a target different from the baseline": "a metric's `from` different from its `to`",
    "Expected [low, high] with low < high": "`keep_between` low below high",
}


@dataclass(frozen=True)
class Plain:
    """A plain scalar written exactly so (`007`, `yes`, `~`): the mutations' way to spell a YAML value."""

    text: str


# --- the corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    kind: str
    rel: str
    text: str


def _kind(rel: str) -> str:
    if rel == "org.yaml":
        return "org"
    return "kpis" if rel == "kpis.yaml" or rel.startswith("kpis/") else "period"


def corpus() -> list[Doc]:
    docs = []
    for root in CORPUS_ROOTS:
        for path in sorted(root.rglob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            docs.append(Doc(_kind(rel), rel, path.read_text(encoding="utf-8")))
    # org.yaml's `periods:` appears in no corpus file: one more org, so that its fields are mutated too.
    org = next(d for d in docs if d.kind == "org")
    docs.append(Doc("org", "org.yaml", org.text + "periods:\n  2026-Q4: {start: 2026-10-01, end: 2026-12-31}\n"))
    return docs


# --- the two judges -------------------------------------------------------------------------------


class Checker:
    """goalsite's verdict on one file: the errors of the real loader and of the model."""

    def __init__(self, tmp_path: Path):
        self.goals = tmp_path / "goals"
        self.goals.mkdir(parents=True)
        self.count = 0

    def errors(self, doc: Doc, text: str) -> list:
        # A new file each time (overwriting one costs more than writing one); its place in the goals
        # folder, which the header checks compare with, is the corpus file's.
        self.count += 1
        path = self.goals / f"{self.count}.yaml"
        path.write_text(text, encoding="utf-8")
        context = {}
        if doc.kind == "period":
            folder, name = doc.rel.split("/")
            context = {"period": folder, "unit": name.removesuffix(".yaml")}
        source, problems = read_yaml(path, doc.rel, doc.kind, **context)
        path.unlink()
        goals = Goals(root=self.goals)
        if doc.kind == "org":
            goals.org = source
        elif doc.kind == "kpis":
            goals.kpis = [source]
        else:
            goals.periods = {source.period: {source.unit: source}}
        _, found = validate_goals(goals)
        return [p for p in problems + found if p.is_error]


def _schema_cannot_say(problem) -> bool:
    if problem.code in SCHEMA_CANNOT_SAY:
        return True
    return problem.code == "model.metric-form" and any(m in problem.message for m in METRIC_FORM_CANNOT_SAY)


def _written_number_is_no_id(value: Any, expressible: list) -> bool:
    """An id or period field holding a number whose text is not an id (`id: +1`): an editor cannot know."""
    if not isinstance(value, Plain):
        return False
    number = load_core(f"x: {value.text}")["x"]
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        return False
    return {p.code for p in expressible} <= {"model.bad-id", "model.bad-period"}


def disagreement(checker: Checker, doc: Doc, text: str, value: Any = None) -> str | None:
    """None when both judges agree on `text` (or disagree as documented above), else what each said."""
    expressible = [p for p in checker.errors(doc, text) if not _schema_cannot_say(p)]
    data = load_core(text)
    schema_ok = validator(doc.kind).is_valid(data)
    if bool(expressible) != schema_ok:
        return None
    if not schema_ok:
        return f"schema rejects, checker accepts: {schema_errors(doc.kind, data)[:3]}"
    if _written_number_is_no_id(value, expressible):
        return None
    return f"checker rejects, schema accepts: {[f'{p.code} {p.message[:100]}' for p in expressible]}"


# --- writing mutated data back as YAML ----------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/%()+,-]*")


def _scalar(value: Any) -> str:
    if isinstance(value, Plain):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}.get(repr(value), repr(value))
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if _PLAIN_SAFE.fullmatch(value) and not value.endswith(" ") and core_text(value):
        return value  # plain, as people write: `2026-10-05` is then a date to goalsite and text to editors
    return json.dumps(value, ensure_ascii=False)


def _lines(value: Any, indent: int):
    pad = " " * indent
    block = lambda v: isinstance(v, (dict, list)) and len(v) > 0  # noqa: E731
    if isinstance(value, dict):
        for key, item in value.items():
            if block(item):
                yield f"{pad}{_scalar(key)}:"
                yield from _lines(item, indent + 2)
            else:
                yield f"{pad}{_scalar(key)}: {_scalar(item)}"
        return
    for item in value:
        if block(item):
            inner = list(_lines(item, indent + 2))
            yield f"{pad}- {inner[0].lstrip()}"
            yield from inner[1:]
        else:
            yield f"{pad}- {_scalar(item)}"


def to_yaml(data: Any) -> str:
    """Block-style YAML of `data`; Plain values are written as they are."""
    if not isinstance(data, (dict, list)) or not data:
        return _scalar(data) + "\n"
    return "\n".join(_lines(data, 0)) + "\n"


# --- the mutations ------------------------------------------------------------------------------------

NUMBERS = ["2026", "007", "+1", "-3", "0", "1", "11", "0.5", "1.5", "1.0", "1e3", "0x1f", "0o17", "1_000", "1e16",
           ".inf", "-.inf", ".nan"]
WORDS = ["yes", "no", "on", "true", "false", "~", "null", "2026-10-05", "2026-02-30", "2026-Q4", "public", "done"]
TEXTS = ["", "text", "Bad_Id", "-x", "x" * 63, "x" * 64, "reliable\n", "2026-Q4\n", "2026-Q5", "2026", "4",
         "acme/x", "2026:acme/x/y", "acme/x\n", "2026-10-05", "a" * 500, "a" * 501, "a" * 20_000, "a" * 20_001]
LISTS = [[], [Plain("2026")], ["Bad_Id"], ["reliable\n"], [Plain("~")], ["text"], [Plain("1"), Plain("2")],
         [Plain("2"), Plain("1")], [Plain("1")], [Plain("1"), Plain("2"), Plain("3")], ["a" * 501], ["a" * 20_001],
         ["acme/x"], [{}], [{"a": 1}]]
BATTERY = [Plain(t) for t in NUMBERS + WORDS] + TEXTS + LISTS + [{}, {"a": 1}]
EXTRA = {  # values for fields whose inner structure the corpus does not show
    "periods": [{"2026-Q4": {"start": Plain("2026-10-01"), "end": Plain("2026-12-31")}},
                {"2026-Q5": {"start": Plain("2026-10-01"), "end": Plain("2026-12-31")}},
                {"2026-Q4\n": {"start": Plain("2026-10-01"), "end": Plain("2026-12-31")}},
                {Plain("2026"): {"start": Plain("2026-01-01"), "end": Plain("2026-12-31")}},
                {"2026-Q4": {"start": Plain("2026-10-01")}}],
}
DROP = object()


def _model_at(model: type[BaseModel], data: Any, path: tuple) -> type[BaseModel] | None:
    """The model class of the mapping at `path` of a file whose top is `model`."""
    for part in path:
        if isinstance(part, int):
            continue
        info = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        model = _inner_model(info.annotation) if info else None
        if model is None:
            return None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        if (found := _inner_model(arg)) is not None:
            return found
    return None


def _mappings(data: Any, path: tuple = ()):
    """(path, mapping) of every mapping in `data`, depth first."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from _mappings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _mappings(value, (*path, i))


def _trim(data: Any, path: tuple) -> tuple[Any, tuple]:
    """`data` with each list along `path` cut to the one item on it (smaller files, same shape)."""
    data = copy.deepcopy(data)
    node, new_path = data, []
    for part in path:
        if isinstance(part, int):
            node[:] = [node[part]]
            part = 0
        new_path.append(part)
        node = node[part]
    return data, tuple(new_path)


def _set(data: Any, path: tuple, value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    if value is DROP:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return data


@dataclass
class Host:
    doc: Doc
    data: Any
    path: tuple
    fields: list[str]


FORM_KEYS = {"metric", "milestone", "from", "to", "keep_between", "keep_above", "keep_below", "values", "data"}
"""Keys whose presence changes which rules apply: each combination found gets a host of its own."""


def hosts(checker: Checker, kind: str) -> list[Host]:
    """One small valid file for each kind of mapping (model, place, form) in the corpus."""
    docs = sorted((d for d in corpus() if d.kind == kind), key=lambda d: len(d.text))
    seen, out = set(), []
    for doc in docs:
        data = load_core(doc.text)
        for path, mapping in _mappings(data):
            model = _model_at(MODELS[kind], data, path)
            if model is None:
                continue
            shape = tuple("*" if isinstance(p, int) else p for p in path)
            key = (shape, frozenset(mapping) & FORM_KEYS, _in_milestone(data, path))
            if key in seen:
                continue
            seen.add(key)
            out.append(_host(checker, doc, data, path, model))
    return out


def _host(checker: Checker, doc: Doc, data: Any, path: tuple, model: type[BaseModel]) -> Host:
    """The file cut down around the mapping at `path`, as long as it stays valid."""
    for cut in (_trim_all, _trim):
        trimmed, at = cut(data, path)
        if not checker.errors(doc, to_yaml(trimmed)):  # cutting can break a file (an initiative's key results)
            break
    else:
        trimmed, at = data, path
    return Host(doc, trimmed, at, [f.alias or n for n, f in model.model_fields.items()])


def _trim_all(data: Any, path: tuple) -> tuple[Any, tuple]:
    """_trim(), and every other list of mappings cut to its first item."""
    data, path = _trim(data, path)

    def cut(node: Any) -> None:
        if isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
            del node[1:]
        for item in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
            cut(item)

    cut(data)
    return data, path


def _in_milestone(data: Any, path: tuple) -> bool:
    """Whether the mapping at `path` is inside a milestone key result (its check-in values are 0..1)."""
    node = data
    for part in path:
        if isinstance(node, dict) and node.get("milestone") is True:
            return True
        node = node[part]
    return False


def mutations(host: Host):
    """(description, mutated data, the value written) of one host mapping."""
    mapping = host.data
    for part in host.path:
        mapping = mapping[part]
    for name in host.fields + ["extra_field"]:
        samples = BATTERY + EXTRA.get(name, [])
        for value in samples:
            yield f"{name}: {value!r:.40}", _set(host.data, (*host.path, name), value), value
    for name in list(mapping):
        yield f"without {name}", _set(host.data, (*host.path, name), DROP), None


# --- the tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", corpus(), ids=lambda d: d.rel)
def test_both_accept_every_corpus_file(tmp_path, doc):
    checker = Checker(tmp_path)
    assert checker.errors(doc, doc.text) == []
    assert schema_errors(doc.kind, load_core(doc.text)) == []
    assert checker.errors(doc, to_yaml(load_core(doc.text))) == [], "the test's YAML writer changes what goalsite reads"


@pytest.mark.parametrize("kind", ["org", "kpis", "period"])
def test_both_judge_every_mutation_alike(tmp_path, kind):
    checker = Checker(tmp_path)
    found, count = [], 0
    for host in hosts(checker, kind):
        for what, data, value in mutations(host):
            count += 1
            said = disagreement(checker, host.doc, to_yaml(data), value)
            if said:
                found.append(f"{host.doc.rel} {'/'.join(map(str, host.path))} {what}: {said}")
    assert count > 500
    assert found == [], f"{len(found)} of {count} disagree:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("rel, text, code", [
    ("2026-Q4/sales.yaml", "objectives:\n  - {id: grow, title: A, owner: dana, key_results: []}\n"
                           "  - {id: grow, title: B, owner: dana, key_results: []}\n", "model.duplicate-id"),
    ("2026-Q4/sales.yaml", "unit: cs\n", "model.header-mismatch"),
    ("2026-Q4/sales.yaml", "period: 2026-Q3\n", "model.header-mismatch"),
    ("2026-Q4/sales.yaml", "objectives:\n  - {id: grow, title: A, owner: dana, initiatives: [{title: I, key_results: [nope]}]}\n",
     "resolve.unknown-key-result"),
    ("2026-Q4/sales.yaml", "objectives:\n  - id: grow\n    title: A\n    owner: dana\n    key_results:\n"
                           "      - {id: k, title: K, metric: {unit: x, from: 5, to: 5}}\n", "model.metric-form"),
    ("2026-Q4/sales.yaml", "objectives:\n  - id: grow\n    title: A\n    owner: dana\n    key_results:\n"
                           "      - {id: k, title: K, metric: {unit: x, keep_between: [2, 1]}}\n", "model.metric-form"),
    ("org.yaml", "company: {id: acme, name: Acme}\nperiods:\n  2026-Q4: {start: 2026-12-31, end: 2026-10-01}\n",
     "model.bad-period-dates"),
])
def test_what_the_schema_cannot_say_is_the_checker_s_alone(tmp_path, rel, text, code):
    """Each check listed in SCHEMA_CANNOT_SAY happens as documented: the checker rejects, the schema accepts."""
    doc = Doc(_kind(rel), rel, text)
    assert [p.code for p in Checker(tmp_path).errors(doc, text)] == [code]
    assert schema_errors(doc.kind, load_core(text)) == []
    assert disagreement(Checker(tmp_path / "again"), doc, text) is None


@pytest.mark.parametrize("rel, field, written, code", [
    ("org.yaml", "company: {id: %s, name: Acme}\n", "+1", "model.bad-id"),
    ("org.yaml", "company: {id: %s, name: Acme}\n", "0x1F", "model.bad-id"),
    ("org.yaml", "company: {id: %s, name: Acme}\n", "1.0", "model.bad-id"),
    ("org.yaml", "company: {id: acme, name: Acme}\npeople: [{id: dana, name: Dana, unit: %s}]\n", "1E3", "model.bad-id"),
    ("2026-Q4/sales.yaml", "period: %s\n", "2026.0", "model.bad-period"),
    ("2026-Q4/sales.yaml", "period: %s\n", "+2026", "model.bad-period"),
])
def test_a_number_written_as_no_id_is_the_documented_exception(tmp_path, rel, field, written, code):
    """`id: +1`: an editor sees the number 1, which could be an id; the checker sees the text '+1', which is not."""
    doc, text = Doc(_kind(rel), rel, field % written), field % written
    assert [p.code for p in Checker(tmp_path).errors(doc, text)] == [code]
    assert schema_errors(doc.kind, load_core(text)) == []
    assert disagreement(Checker(tmp_path / "again"), doc, text, Plain(written)) is None
    assert disagreement(Checker(tmp_path / "once-more"), doc, text) is not None
