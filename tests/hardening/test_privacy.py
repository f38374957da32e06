"""Privacy: a marker planted in every field of private goals and a private KPI appears in no output file.

Private goals are linked from public ones every way the format allows: a public objective aligns
to a private one, a public key result moves the private KPI (with check-ins of its own), a public
KPI predicts the private one and the private one predicts a public KPI, a private key result moves
a public KPI. The marker must be absent from every file of the built site (pages, search index,
JSON, sitemap, chart data; gzip files decompressed), after an incremental rebuild, from
`goalsite generate`'s files and from `goalsite diff` summaries. `goalsite check` is for authors
and may name private goals: it is not asserted on.
"""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

import pytest

from hardening_support import TODAY, copy_goals, run_bounded

MARK = "PRIVMARK-7f3a"
SLUG = MARK.lower()  # ids are slugs: the marker in lowercase, found by the case-insensitive search

PRIVATE_OBJECTIVE = f"""\
  - id: {SLUG}-obj
    title: Objective {MARK} title
    description: |
      Description {MARK} with **markdown** and a [link](https://example.com/{MARK}).
    owner: dana
    collaborators: [eli]
    visibility: private
    tags: [{SLUG}-tag, "Tag {MARK}"]
    aligns_to: acme/customer-experience
    key_results:
      - id: {SLUG}-kr
        title: Key result {MARK} title
        metric: {{unit: "units {MARK}", from: 0, to: 31337}}
        kpi: customer-retention
        checkins:
          - date: 2026-11-02
            value: 4242
            confidence: 3
            note: Note {MARK} note
            blockers: Blockers {MARK} blockers
            next: Next {MARK} next
      - id: {SLUG}-kr2
        title: Milestone {MARK}
        milestone: true
        due: 2026-12-01
        kpi: {SLUG}-kpi
        checkins:
          - {{date: 2026-11-09, value: 0.25, note: "Second {MARK}"}}
    initiatives:
      - title: Initiative {MARK} title
        owner: eli
        status: active
        link: https://tracker.example.com/{MARK}
        key_results: [{SLUG}-kr]
"""

PUBLIC_ALIGNED = """\
  - id: open-follow-up
    title: A public objective that aligns to a private one
    owner: carol
    aligns_to: [sales-emea/{slug}-obj, sales-emea/{slug}-obj/{slug}-kr]
    key_results:
      - id: moves-private-kpi
        title: Moves the private KPI, with check-ins of its own
        metric: {{unit: points, from: 0, to: 10}}
        kpi: {slug}-kpi
        checkins:
          - {{date: 2026-11-20, value: 5, confidence: 6, note: {note}}}
"""

PRIVATE_KPI = f"""\
  - id: {SLUG}-kpi
    name: KPI {MARK} name
    description: KPI description {MARK}
    unit: cs
    owner: carol
    collaborators: [dana]
    indicator: leading
    predicts: [customer-retention]
    calculation: Calculation {MARK}
    source: Source {MARK}
    informed: [sales, eli]
    update_every_days: 30
    visibility: private
    metric: {{unit: "kpi-unit {MARK}", keep_above: 77777}}
    values:
      - {{date: 2026-10-15, value: 88888}}
      - {{date: 2026-11-15, value: 99999}}
"""

PRIVATE_FILE = f"""\
visibility: private
objectives:
  - id: {SLUG}-cs
    title: Whole private file {MARK}
    owner: carol
    key_results:
      - id: {SLUG}-cs-kr
        title: CS private {MARK}
        metric: {{unit: "%", keep_above: 90}}
        checkins:
          - {{date: 2026-11-10, value: 91, confidence: 8, note: "CS note {MARK}"}}
"""


def plant(goals: Path, note: str = "Public note") -> Path:
    """The minimal fixture's goals with the marker planted in private goals linked from public ones."""
    emea = goals / "2026-Q4" / "sales-emea.yaml"
    text = emea.read_text(encoding="utf-8")
    emea.write_text(text.replace("retrospective:", PRIVATE_OBJECTIVE + "retrospective:", 1), encoding="utf-8")
    acme = goals / "2026-Q4" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + PUBLIC_ALIGNED.format(slug=SLUG, note=note), encoding="utf-8")
    kpis = goals / "kpis.yaml"
    kpis.write_text(kpis.read_text(encoding="utf-8").replace(
        "    predicts: [customer-retention]\n", f"    predicts: [customer-retention, {SLUG}-kpi]\n", 1)
        + PRIVATE_KPI, encoding="utf-8")
    (goals / "2026-Q4" / "cs.yaml").write_text(PRIVATE_FILE, encoding="utf-8")
    return goals


def leaks(root: Path) -> list[str]:
    """Files under `root` that contain the marker, any case (gzip files decompressed)."""
    needle = MARK.lower().encode()
    found = []
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if data[:2] == b"\x1f\x8b":  # .gz, and Pagefind's index files, gzip whatever their name
            data = gzip.decompress(data)
        if needle in data.lower():
            found.append(p.relative_to(root).as_posix())
        if needle in p.relative_to(root).as_posix().lower().encode():
            found.append(f"{p.relative_to(root).as_posix()} (its name)")
    return found


@pytest.fixture
def planted(tmp_path) -> Path:
    goals = plant(copy_goals(tmp_path / "goals"))
    check = run_bounded("check", "--goals", goals, "--today", TODAY)
    assert check.returncode == 0, check.output  # the planted goals are valid: they are published
    return goals


def _build(goals: Path, site: Path, *extra) -> None:
    run = run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", site, *extra, timeout=120)
    assert run.returncode == 0, run.output


def test_marker_is_in_no_file_of_the_site_nor_after_an_incremental_rebuild(planted, tmp_path):
    site = tmp_path / "out" / "site"
    _build(planted, site)
    assert (site / "sitemap.xml").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
    # The public goals that link to private ones are there: the test looks where a leak would be.
    assert "open-follow-up" in (site / "api" / "goals.json").read_text(encoding="utf-8")
    assert leaks(tmp_path / "out") == []
    # Rebuild into the same site after editing a public file.
    acme = planted / "2026-Q4" / "acme.yaml"
    acme.write_text(acme.read_text(encoding="utf-8").replace("Public note", "Public note - edited"), encoding="utf-8")
    _build(planted, site)
    assert "Public note - edited" in (site / "api" / "goals.json").read_text(encoding="utf-8")
    assert leaks(tmp_path / "out") == []


def test_the_restricted_build_does_show_the_marker(planted, tmp_path):
    """The control: the same goals built with --include-private hold the marker, so the search above works."""
    site = tmp_path / "site"
    _build(planted, site, "--include-private")
    assert any(name.startswith("pagefind/fragment/") for name in leaks(site)), "the search index holds it"


def test_marker_is_in_no_generated_file(planted, tmp_path):
    out = tmp_path / "generated"
    run = run_bounded("generate", "--goals", planted, "--today", TODAY, "--out", out)
    assert run.returncode == 0, run.output
    assert any(out.rglob("*.md"))
    assert leaks(out) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def test_marker_is_in_no_diff_summary(tmp_path):
    repo = tmp_path / "repo"
    goals = copy_goals(repo / "goals")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    plant(goals)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "private goals arrive")
    emea = goals / "2026-Q4" / "sales-emea.yaml"
    text = emea.read_text(encoding="utf-8")
    # The private objective changes: target, title, a new check-in; and a private key result goes.
    text = text.replace("to: 31337}", "to: 41337}").replace(f"title: Objective {MARK} title", f"title: Renamed {MARK}")
    later = f"          - {{date: 2026-11-16, value: 5000, note: Later {MARK}}}\n"
    text = text.replace(f"            next: Next {MARK} next\n", f"            next: Next {MARK} next\n{later}", 1)
    text = text.replace(f"        metric: {{unit: \"units {MARK}\", from: 0, to: 41337}}",
                        f"        metric: {{unit: \"units {MARK}\", from: 0, to: 41337}}", 1)
    emea.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "private goals change")
    for base, head in (("HEAD~2", "HEAD~1"), ("HEAD~1", "HEAD"), ("HEAD~2", "HEAD")):
        for fmt in ("markdown", "json"):
            run = run_bounded("diff", base, head, "--goals", "goals", "--today", TODAY, "--format", fmt, cwd=repo)
            assert run.returncode == 0, run.output
            assert MARK.lower() not in run.output.lower(), f"diff {base} {head} --format {fmt}:\n{run.output}"
