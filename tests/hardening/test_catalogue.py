"""A catalogue of broken goal sets, one defect each, fed to the real `goalsite check` (and a few to `build`).

Each case copies the minimal fixture's goals, applies one mutation and expects: exit 1, an error line
`PATH:LINE:COL: error: ...` naming the broken file and line with a keyword of the message or code,
no traceback, a finish within seconds and bounded memory. The `build` cases also expect the previous
site to stay byte-identical.
"""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hardening_support import ROOT, TODAY, copy_goals, run_bounded, tree_bytes

O, K, C = "org.yaml", "kpis.yaml", "data/monthly-churn.csv"
S, A, Y = "2026-Q4/sales-emea.yaml", "2026-Q4/acme.yaml", "2026/acme.yaml"

Mutation = Callable[[Path], None]


def sub(rel: str, old: str, new: str) -> Mutation:
    """Replace the first `old` in goals/REL with `new` (which must be there)."""
    def apply(goals: Path) -> None:
        text = (goals / rel).read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {rel}"
        (goals / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write(rel: str, content: str | bytes) -> Mutation:
    def apply(goals: Path) -> None:
        (goals / rel).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        (goals / rel).write_bytes(data)
    return apply


def raw_sub(rel: str, old: bytes, new: bytes) -> Mutation:
    def apply(goals: Path) -> None:
        data = (goals / rel).read_bytes()
        assert old in data
        (goals / rel).write_bytes(data.replace(old, new, 1))
    return apply


def append(rel: str, text: str) -> Mutation:
    def apply(goals: Path) -> None:
        with open(goals / rel, "a", encoding="utf-8") as f:
            f.write(text)
    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(goals: Path) -> None:
        for m in mutations:
            m(goals)
    return apply


def sparse_50mb(goals: Path) -> None:
    """A 50 MB period file, written as a sparse file: a size check must refuse it without reading it."""
    with open(goals / A, "r+b") as f:
        f.truncate(50 * 1024 * 1024)


def data_outside(goals: Path) -> None:
    (goals.parent / "secret.csv").write_text("date,value\n2026-10-01,1\n", encoding="utf-8")
    sub(K, "data: data/monthly-churn.csv", "data: ../secret.csv")(goals)


def data_symlink_file(goals: Path) -> None:
    (goals.parent / "secret.csv").write_text("date,value\n2026-10-01,1\n", encoding="utf-8")
    os.symlink(goals.parent / "secret.csv", goals / "data" / "linked.csv")
    sub(K, "data: data/monthly-churn.csv", "data: data/linked.csv")(goals)


def data_symlink_folder(goals: Path) -> None:
    outside = goals.parent / "elsewhere"
    shutil.move(goals / "data", outside)
    os.symlink(outside, goals / "data")


ALIAS_BOMB = "".join(
    ["objectives: []\nbomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    + [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)]
)


@dataclass(frozen=True)
class Case:
    """One broken goal set: the mutation, where the error must point, a word its line must contain."""

    name: str
    mutate: Mutation
    path: str
    line: int | None  # None: any line (the spot where a limit was hit)
    keyword: str
    build: bool = False


CASES = [
    # YAML itself
    # An unclosed quote fails at the end of the file; the message says where it opened.
    Case("yaml-unclosed-quote", sub(Y, "title: Grow ARR", 'title: "Grow ARR'), Y, 11, "opened at line 7"),
    Case("yaml-unclosed-flow", sub(S, "collaborators: [eli]", "collaborators: [eli"), S, 10, "yaml-syntax"),
    Case("yaml-bad-indent", sub(S, "    owner: dana\n", "      owner: dana\n"), S, 8, "yaml-syntax"),
    Case("tab-indent", sub(S, "    owner: dana\n", "\towner: dana\n"), S, 8, "tab", build=True),
    Case("duplicate-key", sub(S, "    owner: dana\n", "    owner: dana\n    owner: eli\n"), S, 9, "duplicate-key"),
    Case("duplicate-key-org", sub(O, "  name: Acme Corp\n", "  name: Acme Corp\n  name: Acme\n"), O, 4, "duplicate-key"),
    Case("nul-byte", sub(S, "title: Become", "title: Be\x00come"), S, 6, "#x0000: control characters"),
    Case("bell-byte", sub(O, "name: Acme Corp", "name: Acme\x07Corp"), O, 3, "load.yaml-syntax"),
    Case("non-utf8", raw_sub(S, b"title: Become", b"title: Be\xffcome"), S, 6, "UTF-8", build=True),
    Case("latin1-csv", write(C, "date,value\n2026-10-01,2\xe9\n".encode("latin-1")), C, 1, "UTF-8"),
    Case("empty-file", write(A, ""), A, 1, "empty file"),
    Case("whitespace-only-file", write(A, "\n\n   \n"), A, 1, "empty file"),
    Case("file-is-a-list", write(A, "- id: a\n- id: b\n"), A, 1, "list"),
    Case("file-is-a-string", write(O, "just some words\n"), O, 1, "mapping"),
    Case("two-documents", append(Y, "---\nobjectives: []\n"), Y, 11, "single YAML document"),
    Case("custom-tag", sub(S, "title: Become", "title: !!python/name:os.system Become"), S, 6, "tag"),
    Case("alias-bomb", write(A, ALIAS_BOMB), A, None, "too-many-values", build=True),
    Case("deep-nesting", write(A, "objectives: " + "[" * 500 + "]" * 500 + "\n"), A, 1, "too-deep"),
    Case("file-of-50-mb", sparse_50mb, A, 1, "too-large", build=True),
    # types and fields
    Case("title-is-a-list", sub(S, "title: Become the first choice for mid-market retailers in DACH", "title: [a, b]"), S, 6, "Expected text"),
    Case("weight-is-text", sub(S, "weight: 2", "weight: heavy"), S, 17, "Expected a number"),
    Case("checkins-is-a-mapping", sub(Y, "checkins:\n", "checkins: {date: 2026-10-31}\n#"), Y, 9, "Expected a list"),
    Case("objectives-is-text", write(A, "objectives: lots\n"), A, 1, "Expected a list"),
    Case("milestone-is-yes", sub(S, "milestone: true", "milestone: yes"), S, 38, "true or false"),
    Case("unknown-field", sub(S, "    owner: dana\n", "    owner: dana\n    colour: red\n"), S, 9, "unknown-field"),
    Case("unknown-field-typo", sub(S, "kind: aspirational", "knid: aspirational"), S, 10, "kind"),
    Case("missing-owner", sub(S, "    owner: dana\n", ""), S, 5, "missing-field"),
    Case("missing-company-name", sub(O, "  name: Acme Corp\n", ""), O, 2, "missing-field"),
    Case("missing-kr-title", sub(Y, "        title: Grow ARR from 10 to 14 million EUR\n", ""), Y, 6, "missing-field"),
    Case("bad-choice-visibility", sub(S, "visibility: public", "visibility: secret"), S, 3, "bad-choice"),
    Case("metric-both-forms", sub(S, "from: 0, to: 25}", "from: 0, to: 25, keep_above: 3}"), S, 18, "metric-form"),
    Case("metric-from-equals-to", sub(S, "from: 0, to: 25}", "from: 25, to: 25}"), S, 18, "metric-form"),
    Case("header-mismatch", sub(S, "unit: sales-emea ", "unit: sales "), S, 1, "header-mismatch"),
    # ids
    Case("uppercase-id", sub(S, "- id: win-dach", "- id: Win-Dach"), S, 5, "bad-id"),
    Case("dotdot-id", sub(S, "- id: win-dach", "- id: ../x"), S, 5, "bad-id", build=True),
    Case("slash-id", sub(S, "- id: new-logos", "- id: a/b"), S, 14, "bad-id"),
    Case("path-like-unit-id", sub(O, "- id: cs\n", "- id: ../../etc\n"), O, 17, "bad-id"),
    Case("path-like-kpi-id", sub(K, "- id: monthly-churn", "- id: /etc/passwd"), K, 16, "bad-id"),
    Case("bad-file-name", write("2026-Q4/Sales_EMEA.yaml", "objectives: []\n"), "2026-Q4/Sales_EMEA.yaml", 1, "bad-file-name"),
    Case("bad-period-folder", write("2026-q4/cs.yaml", "objectives: []\n"), "2026-q4", 1, "unknown-folder"),
    # duplicates
    Case("duplicate-objective", append(A, "  - id: customer-experience\n    title: Again\n    owner: carol\n"
                                          "    key_results: []\n"), A, 11, "duplicate-id"),
    Case("duplicate-key-result", sub(S, "- id: churn", "- id: new-logos"), S, 27, "duplicate-id"),
    Case("duplicate-unit", sub(O, "- id: cs\n", "- id: sales\n"), O, 17, "duplicate-id"),
    Case("person-with-unit-id", sub(O, '- id: "no"', "- id: cs"), O, 32, "duplicate-id"),
    Case("duplicate-kpi", sub(K, "- id: monthly-churn", "- id: customer-retention"), K, 16, "duplicate-id"),
    # references
    Case("unknown-owner", sub(S, "owner: dana\n    collab", "owner: zed\n    collab"), S, 8, "unknown-person"),
    Case("unknown-parent-unit", sub(O, "parent: sales", "parent: nowhere"), O, 15, "unknown-unit"),
    Case("unknown-kpi", sub(S, "kpi: monthly-churn", "kpi: nope"), S, 30, "unknown-kpi"),
    Case("unknown-alignment", sub(S, "aligns_to: acme/customer-experience", "aligns_to: acme/nope"), S, 11, "unknown"),
    Case("unknown-period-reference", sub(A, "2026:acme/grow-revenue", "2025:acme/grow-revenue"), A, 5, "unknown"),
    Case("malformed-reference", sub(S, "aligns_to: acme/customer-experience", "aligns_to: ../../x"), S, 11, "bad-reference"),
    Case("unknown-initiative-kr", sub(S, "key_results: [new-logos]", "key_results: [nope]"), S, 47, "unknown-key-result"),
    Case("self-alignment", sub(A, "2026:acme/grow-revenue", "acme/customer-experience"), A, 5, "self-alignment"),
    Case("alignment-loop", sub(A, "2026:acme/grow-revenue", "sales-emea/win-dach"), S, 11, "loop"),
    Case("unit-loop", sub(O, "    lead: dana\n", "    lead: dana\n    parent: sales-emea\n"), O, 13, "loop"),
    # dates and numbers
    Case("checkin-before-period", sub(S, "date: 2026-10-05", "date: 2026-09-05"), S, 20, "date-outside-period", build=True),
    Case("checkin-after-period", sub(Y, "date: 2026-10-31", "date: 2027-01-04"), Y, 10, "date-outside-period"),
    Case("checkin-in-future", sub(S, "{date: 2026-11-16, value: 12", "{date: 2026-11-29, value: 12"), S, 26, "future"),
    Case("kpi-value-in-future", sub(K, "{date: 2026-10-31, value: 84.2}", "{date: 2026-12-31, value: 84.2}"), K, 15, "future"),
    Case("due-outside-period", sub(S, "due: 2026-11-30", "due: 2027-01-15"), S, 39, "date-outside-period"),
    Case("impossible-date", sub(S, "date: 2026-10-05", "date: 2026-02-30"), S, 20, "bad-date"),
    Case("date-wrong-format", sub(S, "date: 2026-10-05", "date: 05/10/2026"), S, 20, "bad-date"),
    Case("date-and-time", sub(S, "date: 2026-10-05", "date: 2026-10-05T10:00:00"), S, 20, "date"),
    Case("period-dates-reversed", append(O, "periods:\n  2026-Q4: {start: 2026-12-31, end: 2026-10-01}\n"), O, 36, "bad-period-dates"),
    Case("value-inf", sub(S, "value: 4\n", "value: .inf\n"), S, 21, "not-finite"),
    Case("value-nan", sub(K, "value: 86.1", "value: .nan"), K, 14, "not-finite"),
    Case("value-overflows", sub(S, "value: 4\n", "value: 1e400\n"), S, 21, "not-finite"),
    Case("huge-integer", sub(S, "value: 4\n", "value: " + "9" * 400 + "\n"), S, 21, "not-finite"),
    Case("integer-of-5000-digits", sub(S, "value: 4\n", "value: " + "9" * 5000 + "\n"), S, 21, "Expected a number"),
    Case("csv-integer-of-5000-digits", append(C, "2026-11-15," + "9" * 5000 + "\n"), C, 4, "csv-value"),
    Case("tagged-float-overflows", sub(S, "value: 4\n", "value: !!float " + "9" * 400 + "\n"), S, 21, "not-finite"),
    Case("metric-target-inf", sub(S, "to: 25}", "to: -.inf}"), S, 18, "not-finite"),
    Case("confidence-too-high", sub(S, "confidence: 7", "confidence: 11"), S, 22, "out-of-range"),
    Case("confidence-zero", sub(S, "value: 12, confidence: 6", "value: 12, confidence: 0"), S, 26, "out-of-range"),
    Case("score-above-one", sub(S, "    owner: dana\n", "    owner: dana\n    score: 1.5\n"), S, 9, "out-of-range"),
    Case("score-negative", sub(S, "    owner: dana\n", "    owner: dana\n    score: -0.1\n"), S, 9, "out-of-range"),
    Case("milestone-value-two", sub(S, "value: 0.5, confidence: 8", "value: 2, confidence: 8"), S, 41, "0..1"),
    Case("weight-negative", sub(S, "weight: 2", "weight: -1"), S, 17, "out-of-range"),
    # CSV series and data paths
    Case("csv-bad-value", append(C, "2026-11-15,abc\n"), C, 4, "csv-value"),
    Case("csv-bad-date", append(C, "2026-13-01,2.0\n"), C, 4, "csv-value"),
    Case("csv-inf", append(C, "2026-11-15,inf\n"), C, 4, "csv-value"),
    Case("csv-extra-column", append(C, "2026-11-15,2.1,x\n"), C, 4, "csv-row"),
    Case("csv-bad-header", sub(C, "date,value", "day,amount"), C, 1, "csv-header"),
    Case("csv-empty", write(C, ""), C, 1, "csv-header"),
    Case("data-outside-goals", data_outside, K, 23, "data-outside"),
    Case("data-absolute", sub(K, "data: data/monthly-churn.csv", "data: /etc/passwd"), K, 23, "data-outside"),
    Case("data-through-symlinked-file", data_symlink_file, K, 23, "symbolic link", build=True),
    Case("data-through-symlinked-folder", data_symlink_folder, K, 23, "symbolic link"),
    Case("data-missing", sub(K, "data: data/monthly-churn.csv", "data: data/nothing.csv"), K, 23, "data-missing"),
]


def _check_case(case: Case, base: Path) -> list[str]:
    """Run one case; the list of what went wrong (empty when it passed)."""
    work = base / case.name
    work.mkdir()
    goals = copy_goals(work / "goals")
    case.mutate(goals)
    failures = []
    runs = [("check", run_bounded("check", "--goals", "goals", "--today", TODAY, cwd=work))]
    if case.build:
        site = work / "out" / "site"
        shutil.copytree(base / "good-site", site, symlinks=True)
        before = tree_bytes(site.parent)
        runs.append(("build", run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", site,
                                          "--config-file", ROOT / "mkdocs.yml", cwd=work)))
        if tree_bytes(site.parent) != before:
            failures.append("build changed the previous site")
    for verb, run in runs:
        where = re.escape(f"goals/{case.path}") + (rf":{case.line}:\d+" if case.line else r":\d+:\d+")
        error_lines = [ln for ln in run.output.splitlines() if re.search(where + ": error: ", ln)]
        if run.returncode != 1:
            failures.append(f"{verb} exited {run.returncode}, expected 1")
        if not error_lines:
            failures.append(f"{verb}: no error at goals/{case.path}:{case.line or '*'}")
        elif not any(case.keyword.lower() in ln.lower() for ln in error_lines):
            failures.append(f"{verb}: no error line there mentions {case.keyword!r}")
        if "Traceback" in run.output:
            failures.append(f"{verb} printed a traceback")
        if run.seconds > 10:
            failures.append(f"{verb} took {run.seconds:.1f} s")
        if not 0 < run.maxrss_kb < 1024 * 1024:
            failures.append(f"{verb} peaked at {run.maxrss_kb} KB of memory")
        if failures:
            failures.append(f"--- {verb} output\n{run.output.strip()}")
    return failures


def test_catalogue_is_large_and_names_are_unique():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert 4 <= sum(c.build for c in CASES) <= 8


def test_every_broken_goal_set_fails_cleanly_at_its_file_and_line(tmp_path, good_site):
    shutil.copytree(good_site, tmp_path / "good-site", symlinks=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([c.name for c in CASES], pool.map(lambda c: _check_case(c, tmp_path), CASES)))
    failed = {name: f for name, f in results.items() if f}
    assert not failed, "\n\n".join(f"[{name}]\n" + "\n".join(f) for name, f in failed.items())
