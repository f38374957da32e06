"""The largest HTML page of each kind, and the whole site's size (issue 28: every page bounded).

    python benchmarks/pages.py                        # builds the synthetic companies of 100 and 1,000 teams
    python benchmarks/pages.py --teams 100,300        # any sizes
    python benchmarks/pages.py --big                  # adds 5,000 teams (about 20 minutes and 11 GB)
    python benchmarks/pages.py --site /tmp/site-1000  # measures a site built already (no build)
    python benchmarks/pages.py --flat --teams 400     # a flat org: every team directly under the company

Builds each company with `goalsite build` (synth.py's goals, today 2026-11-22) into
`$TMPDIR/goalsite-pages/site-N`, unless that site exists already, then prints one table: for each kind
of page, the largest `index.html` of that kind (KB) and its path, then the whole site (MB, files).
A measurement, not a test: nothing fails. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-22"

#: (kind, test on the page's folder relative to the site root, posix, "" for the home page), first match wins.
KINDS = [
    ("home", lambda p: p == ""),
    ("periods index", lambda p: p == "periods"),
    ("retrospectives index", lambda p: p == "retrospectives"),
    ("period", lambda p: p.startswith("periods/") and p.count("/") == 1),
    ("period, next departments", lambda p: p.startswith("periods/") and "/_departments/" in p),
    ("retrospective, next departments", lambda p: p.startswith("retrospectives/") and "/_departments/" in p),
    ("units index, next pages", lambda p: p.startswith("units/_departments/")),
    ("KPI catalogue, next pages", lambda p: p.startswith("kpis/_page/")),
    ("period without alignment", lambda p: False),  # measured on the period pages (measure())
    ("period-department", lambda p: p.startswith("periods/") and p.count("/") >= 2),
    ("retrospective", lambda p: p.startswith("retrospectives/") and p.count("/") <= 1),
    ("retro-department", lambda p: p.startswith("retrospectives/") and p.count("/") >= 2),
    ("units index", lambda p: p == "units"),
    ("unit", lambda p: p.startswith("units/") and p.count("/") == 1),
    ("unit-period", lambda p: p.startswith("units/") and p.count("/") == 2),
    ("people", lambda p: p == "people"),
    ("person/people of a unit", lambda p: p.startswith("people/")),
    ("KPI catalogue", lambda p: p == "kpis"),
    ("KPI", lambda p: p.startswith("kpis/")),
    ("tag", lambda p: p.startswith("tags")),
    ("guide", lambda p: p.startswith("guide")),
    ("other", lambda p: True),
]


def kind_of(folder: str) -> str:
    return next(name for name, test in KINDS if test(folder))


def measure(site: Path) -> dict:
    """{kind: (bytes, path) of the largest index.html of that kind}, and the site's bytes and files."""
    largest: dict[str, tuple[int, str]] = {}
    total = files = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        files += 1
        if path.name != "index.html":
            continue
        folder = path.parent.relative_to(site).as_posix()
        folder = "" if folder == "." else folder
        kind = kind_of(folder)
        _keep(largest, kind, size, folder)
        if kind == "period":  # the alignment section is being replaced by a lazily loaded map (issue 28)
            _keep(largest, "period without alignment", size - _alignment_bytes(path), folder)
    return {"largest": largest, "total": total, "files": files}


def _keep(largest: dict, kind: str, size: int, folder: str) -> None:
    if size > largest.get(kind, (-1, ""))[0]:
        largest[kind] = (size, folder + "/")


def _alignment_bytes(page: Path) -> int:
    """Bytes of a period page's "Alignment" section (its heading to the next h2)."""
    html = page.read_bytes()
    start = html.find(b'<h2 id="alignment"')
    end = html.find(b"<h2", start + 1) if start >= 0 else -1
    return (end if end >= 0 else len(html)) - start if start >= 0 else 0


def build(teams: int, work: Path, flat: bool = False) -> Path:
    """The site of the synthetic company of `teams` teams (built once, kept in `work`); `flat`: synth.py --flat."""
    name = f"flat-{teams}" if flat else str(teams)
    goals, site = work / f"goals-{name}", work / f"site-{name}"
    if (site / "index.html").is_file():
        return site
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = sys.executable
    print(f"building {teams} teams into {site} ...", file=sys.stderr)
    subprocess.run([python, str(ROOT / "benchmarks" / "synth.py"), "--teams", str(teams), "--out", str(goals)]
                   + (["--flat"] if flat else []),
                   check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([python, "-m", "generator", "build", "--goals", str(goals), "--today", TODAY, "--site-dir", str(site)],
                   check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return site


def table(columns: list[tuple[str, dict]]) -> str:
    head = "| page kind | " + " | ".join(name for name, _ in columns) + " |"
    lines = [head, "|---" * (len(columns) + 1) + "|"]
    for kind, _ in KINDS:
        cells = []
        for _, m in columns:
            size, where = m["largest"].get(kind, (None, ""))
            cells.append("–" if size is None else f"{size / 1024:,.0f} KB (`{where}`)")
        if any(c != "–" for c in cells):
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append("| whole site | " + " | ".join(f"{m['total'] / 1e6:,.1f} MB, {m['files']:,} files" for _, m in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", default="100,1000", help="team counts, comma-separated (default 100,1000)")
    parser.add_argument("--big", action="store_true", help="add 5,000 teams")
    parser.add_argument("--flat", action="store_true", help="flat orgs: no departments (synth.py --flat)")
    parser.add_argument("--site", type=Path, action="append", help="measure this built site (repeatable); no build")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "goalsite-pages",
                        help="where the companies and sites are built and kept")
    args = parser.parse_args(argv)
    if args.site:
        columns = [(str(s), measure(s)) for s in args.site]
    else:
        sizes = [int(n) for n in args.teams.split(",") if n.strip()] + ([5000] if args.big else [])
        args.work.mkdir(parents=True, exist_ok=True)
        flat = " (flat)" if args.flat else ""
        columns = [(f"{n:,} teams{flat}", measure(build(n, args.work, args.flat))) for n in sizes]
    print(table(columns))


if __name__ == "__main__":
    main()
