"""Property-based fuzzing of the loader and validator with mutated copies of the minimal fixture.

Whatever the bytes or the structure of a goal file, `build_portal` returns problems as data: it never
raises, every problem has a real place (line and column >= 1) in a file of the goals folder, and it
finishes quickly. The real CLI on a few fuzzed trees prints no traceback.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import tempfile
import time
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hardening_support import MINIMAL_GOALS, TODAY, copy_goals, run_bounded
from generator.pipeline import build_portal

DAY = dt.date.fromisoformat(TODAY)
FILES = ["org.yaml", "kpis.yaml", "2026-Q4/sales-emea.yaml", "2026-Q4/acme.yaml", "2026/acme.yaml",
         "data/monthly-churn.csv"]
YAML_FILES = FILES[:-1]
ORIGINAL = {f: (MINIMAL_GOALS / f).read_bytes() for f in FILES}

FUZZ = settings(max_examples=150, deadline=2000, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SPECIALS = [b":", b": ", b"- ", b"-", b"&a ", b"*a", b"*b", b"&a [*a]", b"!!", b"!!str ", b"!!binary ", b"!foo ",
            b"{", b"}", b"[", b"]", b"\t", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"#", b"'", b'"', b"|", b">",
            b"? ", b"%YAML 1.1\n", b"---\n", b"...\n", b"<<: ", b",", b"\r", b"\x85", "\u2028".encode(),
            b"1e400", b"-.inf", b".nan", b"9" * 400, b"0x1F", b"2026-02-30", b"2026-13-01", b"null", b"~",
            b"yes", b"../x", b"a/b", b"\\"]

_edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 200)),
    st.tuples(st.just("swap"), st.integers(0, 5000)),
    st.tuples(st.just("insert"), st.integers(0, 5000), st.one_of(st.sampled_from(SPECIALS), st.binary(max_size=8))),
    st.tuples(st.just("insert-line"), st.integers(0, 200), st.sampled_from(SPECIALS)),
    st.tuples(st.just("truncate"), st.integers(0, 5000)),
)


def _apply(data: bytes, edit: tuple) -> bytes:
    kind = edit[0]
    lines = data.split(b"\n")
    if kind == "delete" and lines:
        del lines[edit[1] % len(lines)]
        return b"\n".join(lines)
    if kind == "duplicate" and lines:
        i = edit[1] % len(lines)
        return b"\n".join(lines[:i + 1] + lines[i:])
    if kind == "insert-line":
        i = edit[1] % (len(lines) + 1)
        return b"\n".join(lines[:i] + [edit[2]] + lines[i:])
    if not data:
        return data
    i = edit[1] % len(data)
    if kind == "swap" and i + 1 < len(data):
        return data[:i] + data[i + 1:i + 2] + data[i:i + 1] + data[i + 2:]
    if kind == "insert":
        return data[:i] + edit[2] + data[i:]
    if kind == "truncate":
        return data[:i]
    return data


def _assert_problems_are_located(goals: Path, files: dict[str, bytes]) -> None:
    start = time.monotonic()
    build = build_portal(goals, DAY)  # must not raise
    assert time.monotonic() - start < 2
    assert build.problems is not None
    for p in build.problems:
        assert p.location.line >= 1 and p.location.column >= 1, p
        assert isinstance(p.message, str) and p.message and "\n" not in p.message, p
        assert p.code.count(".") == 1, p
        assert (Path.cwd() / p.location.path).resolve().is_relative_to(goals.resolve()), p
    changed = any(files[f] != ORIGINAL[f] for f in files)
    if not changed:
        assert not build.errors


def _write_tree(root: Path, files: dict[str, bytes]) -> Path:
    goals = copy_goals(root / "goals")
    for rel, data in files.items():
        (goals / rel).write_bytes(data)
    return goals


@FUZZ
@given(name=st.sampled_from(FILES), edits=st.lists(_edit, min_size=1, max_size=6))
@example(name="data/monthly-churn.csv", edits=[("insert", 0, b"\r")])  # the csv module raised on a lone CR
@example(name="data/monthly-churn.csv", edits=[("insert", 11, b"\r")])
def test_text_mutations_never_raise(name, edits):
    data = ORIGINAL[name]
    for edit in edits:
        data = _apply(data, edit)
    with tempfile.TemporaryDirectory() as tmp:
        _assert_problems_are_located(_write_tree(Path(tmp), {name: data}), {name: data})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(["../x", "a/b", "Win-Dach", "2026-02-30", "acme/nope", "2026:acme/grow-revenue", "dana",
                       "private", "public", "committed", "", "2026-11-16"])
    | st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _paths(node, prefix=()):
    """Every path into a parsed YAML tree (the root included)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _replace(node, path, value):
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


@FUZZ
@given(name=st.sampled_from(YAML_FILES), choice=st.integers(0, 10_000), value=json_values,
       delete=st.booleans())
def test_structural_mutations_never_raise(name, choice, value, delete):
    tree = yaml.safe_load(ORIGINAL[name])
    paths = list(_paths(tree))
    path = paths[choice % len(paths)]
    if delete and path:
        parent = tree
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
    else:
        tree = _replace(tree, path, value)
    data = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        _assert_problems_are_located(_write_tree(Path(tmp), {name: data}), {name: data})


def test_cli_check_on_fuzzed_trees_prints_no_traceback(tmp_path):
    rng = random.Random(7)
    for n in range(6):
        files = {}
        for name in rng.sample(FILES, 2):
            data = ORIGINAL[name]
            for _ in range(4):
                data = _apply(data, rng.choice([
                    ("delete", rng.randrange(200)), ("duplicate", rng.randrange(200)),
                    ("swap", rng.randrange(5000)), ("insert", rng.randrange(5000), rng.choice(SPECIALS)),
                    ("insert-line", rng.randrange(200), rng.choice(SPECIALS)),
                ]))
            files[name] = data
        work = tmp_path / str(n)
        work.mkdir()
        _write_tree(work, files)
        run = run_bounded("check", "--goals", "goals", "--today", TODAY, cwd=work)
        assert run.returncode in (0, 1), run.output
        assert "Traceback" not in run.output, run.output
        assert run.seconds < 10
    shutil.rmtree(tmp_path, ignore_errors=True)
