"""What a reader downloads and waits for, measured in a browser (issue 28): `python benchmarks/browser.py`.

For each N teams: the synthetic company of synth.py (run.company(), cached), built with the real
`goalsite build` into $TMPDIR/goalsite-bench/browser-site-N (built again on every run unless
`--reuse`: the site must be the one the current code builds; kept afterwards, remove the folder to
reclaim the disk space), served on loopback, and measured in
Debian's chromium (Playwright, `--no-sandbox`). Each measurement is a function of
(browser, site URL, site folder, company folder, repeat=) returning rows of figures; MEASUREMENTS
lists them and the table prints a column per N.

    .venv/bin/python benchmarks/browser.py                     # N = 100 and 1000
    .venv/bin/python benchmarks/browser.py --teams 100         # any list of team counts
    .venv/bin/python benchmarks/browser.py --big               # adds N = 5000 (a 15-minute build, 11 GB)
    .venv/bin/python benchmarks/browser.py --teams 1000 --reuse  # measure the site built last time
    .venv/bin/python benchmarks/browser.py --teams 5000 --search-only  # search only, without the site

Search (`measure_search`): for a person's name, a KPI's name and a key result's title, each in a
fresh browser context (cold: no cache, nothing loaded), the home page is loaded, then the search
box is opened with "/" and the query typed at once; measured from the keystroke that opens the box
to the first result on screen (`first result ms`, which includes fetching pagefind.js, its wasm
and the index's entry), the bytes of every request made from that keystroke until the results are
complete (`KB`), and the rank of the expected page among the results (`rank`; "top 5" when it is
in the first five). The expected page is the person's own page, the KPI's page and the key
result's unit page of the period. The person is one whose name is shared by the fewest people of
the company (at 5,000 teams every name is shared: the progress lines say by how many); with
namesakes the first results are all people of that name, in no order a search engine could know.
The key result is one whose title no other key result has (see _key_result).

Filters (`measure_filter`): the same cold start, then the box is opened with "/" and the status
"at risk" chosen with no words typed: the time to the first result, the bytes, and how many results
the filter lists (every objective at risk or with a key result at risk); the same for the button
"At risk" of the "Find goals" row of the page of 2026-Q4 (period and status), from its click. Then a team's unit: its name
typed, its chip clicked, the words cleared; the bytes and requests of that search with no words (the
index chunks among them) and how many results it lists.

Progress goes to stderr, the table to stdout; the figures are wall-clock times on loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import re
import shutil
import sys
import time
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, CACHE, PY, ROOT, TODAY, company, progress, run_measured  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
#: The period whose page's "Find goals" row measure_filter clicks (the example's pages hold the row).
FIND_PERIOD = "2026-Q4"
#: Seconds a measured query may take before it counts as failed.
QUERY_TIMEOUT_S = 60


# --- the site ---------------------------------------------------------------------------------------


def build_site(n: int, goals: Path, *, reuse: bool) -> Path:
    site = CACHE / f"browser-site-{n}"
    if reuse and (site / "index.html").is_file():
        progress(f"N={n}: reusing the site built before at {site}")
        return site
    progress(f"N={n}: goalsite build into {site}")
    wall, rss, _ = run_measured([str(BIN / "goalsite"), "build", "--goals", str(goals), "--today", TODAY,
                                 "--site-dir", str(site)], log=CACHE / f"browser-build-{n}.log")
    progress(f"N={n}: built in {wall:.0f} s, peak {rss:.0f} MB")
    return site


def search_only_site(n: int, goals: Path) -> Path:
    """`--search-only`: the example company's site (goals/) with company N's search bundle in place of its own.

    Builds no site of N teams: the search figures depend only on pagefind/ and the search box, which
    every page has. The records of N's published portal are made in a subprocess (build_portal, then
    generator.search), which exits before Pagefind indexes them, so the two never hold memory at once.
    The bundle has no hand-written guide pages (no MkDocs build): 8 records fewer than a real site's.
    """
    shell = CACHE / f"browser-search-{n}"
    script = shell / "assets" / "search.js"  # a shell of an older checkout would search words its records lack
    if not script.is_file() or script.read_bytes() != (ROOT / "generator" / "assets" / "search.js").read_bytes():
        progress(f"N={n}: goalsite build of the example company, the pages around the search box")
        run_measured([str(BIN / "goalsite"), "build", "--goals", str(ROOT / "goals"), "--today", TODAY,
                      "--site-dir", str(shell)])
    folder = CACHE / f"browser-records-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    progress(f"N={n}: search records of the company (subprocess)")
    wall, rss, _ = run_measured([PY, str(Path(__file__).resolve()), "--_records", str(goals), str(folder)])
    progress(f"N={n}: records written in {wall:.0f} s, peak {rss:.0f} MB")
    from generator.search.bundle import BUNDLE_DIR, MENUS_FILE, index_folder

    bundle = shell / BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    started = time.perf_counter()
    index_folder(folder, bundle)
    shutil.move(str(folder / MENUS_FILE), str(bundle / MENUS_FILE))
    progress(f"N={n}: Pagefind indexed {sum(1 for _ in folder.rglob('*.html'))} records in "
             f"{time.perf_counter() - started:.0f} s")
    shutil.rmtree(folder, ignore_errors=True)
    return shell


def records_worker(goals: str, folder: str) -> None:
    """`--_records GOALS FOLDER`: the search records of the published portal, as files, and the menus file."""
    import datetime as dt

    from generator.pipeline import build_portal
    from generator.render.site import Site
    from generator.search.bundle import write_input
    from generator.search.records import portal_records

    build = build_portal(goals, dt.date.fromisoformat(TODAY))
    write_input(portal_records(Site(build)), Path(folder), "en", restricted=False)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


@contextlib.contextmanager
def serving(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- search -----------------------------------------------------------------------------------------


def search_queries(goals: Path) -> list[tuple[str, str, str]]:
    """(label, query, expected page path) for a person, a KPI and a key result of the synthetic company."""
    load = functools.partial(yaml.load, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    org = load((goals / "org.yaml").read_text(encoding="utf-8"))
    names = Counter(p["name"] for p in org["people"])
    person = min(org["people"], key=lambda p: (names[p["name"]], p["id"]))
    kpis = load((goals / "kpis.yaml").read_text(encoding="utf-8"))["kpis"]
    kpi = kpis[len(kpis) // 2]
    team, kr = _key_result(goals, load)
    progress(f"  the person's name is shared by {names[person['name']]} people")
    return [
        ("person", person["name"], f"people/{person['id']}/"),  # the person's own page
        ("KPI", kpi["name"], f"kpis/{kpi['id']}/"),
        ("key result", kr["title"], f"units/{team.stem}/2026-Q4/"),
    ]


#: In the page, before the keystroke: the time of the first key pressed, and of the first result shown
#: (the page's own clock, so that the browser's automation adds nothing to the figures).
CLOCK = """() => {
  window.__bench = {};
  const start = () => { window.__bench.key = window.__bench.key || performance.now(); };
  document.addEventListener('keydown', start, true);
  document.addEventListener('click', start, true);
  new MutationObserver(() => {
    if (!window.__bench.first && document.querySelector('.goalsite-search__result')) {
      window.__bench.first = performance.now();
    }
  }).observe(document.body, {childList: true, subtree: true});
}"""


def _key_result(goals: Path, load) -> tuple[Path, dict]:
    """A public key result of 2026-Q4 whose title no other key result of the company has: from the middle
    team on, the first such of its second objective (synthetic titles repeat: "Keep accuracy at or
    above 95 %" is the title of hundreds, and no search can tell which one a reader means)."""
    titles = Counter(m.group(1).strip() for f in goals.rglob("*.yaml")
                     for m in _KR_TITLE.finditer(f.read_text(encoding="utf-8")))
    teams = sorted((goals / "2026-Q4").glob("team-*.yaml"))
    for team in teams[len(teams) // 2:] + teams[:len(teams) // 2]:
        data = load(team.read_text(encoding="utf-8"))
        objective = data["objectives"][1]
        if "private" in (data.get("visibility"), objective.get("visibility")):
            continue
        for kr in objective["key_results"]:
            if titles[kr["title"]] == 1:
                return team, kr
    raise SystemExit(f"no public key result with a title of its own in {goals}")


_KR_TITLE = re.compile(r"^        title: (.+)$", re.M)


def measure_query(browser, url: str, query: str, expected: str, status: str = "", find: str = "") -> dict:
    """One cold query: a fresh context, the home page, then "/" and the query (or, with `status` and an
    empty query, that status chosen in the box's menu; or, with `find`, a click on that button of the
    "Find goals" row of the page of FIND_PERIOD); see the module's docstring."""
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url + (f"periods/{FIND_PERIOD}/" if find else ""), wait_until="load")
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.evaluate(CLOCK)
        if find:
            page.locator(".goalsite-find__item", has_text=find).first.click()
        else:
            page.keyboard.press("/")
        if status:
            page.locator('select[data-filter="status"] option[value="%s"]' % status).wait_for(state="attached")
            page.locator('select[data-filter="status"]').select_option(status)
        else:
            page.locator(".goalsite-search__input").fill(query)
        page.wait_for_function("q => document.querySelector('.goalsite-search').getAttribute('data-settled') === q",
                               arg=query.strip(), timeout=QUERY_TIMEOUT_S * 1000)
        key, first, done = page.evaluate("() => [window.__bench.key, window.__bench.first, performance.now()]")
        first, done = ((first - key) / 1000 if first else None), (done - key) / 1000
        hrefs = page.eval_on_selector_all(".goalsite-search__result > a", "els => els.map(a => a.href)")
        found = page.locator(".goalsite-search__status").inner_text()
        sizes = [r.sizes() for r in finished]
        received = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    finally:
        context.close()
    pages = [urlsplit(h).path.lstrip("/") for h in hrefs]
    rank = pages.index(expected) + 1 if expected in pages else None
    return {"first": first, "done": done, "bytes": received, "requests": len(sizes), "rank": rank,
            "shown": len(pages), "found": found}


def measure_search(browser, url: str, site: Path, goals: Path, repeat: int = 1) -> list[tuple[str, str]]:
    rows = []
    for label, query, expected in search_queries(goals):
        progress(f"  search {label}: {query!r}, expecting {expected}")
        runs = [measure_query(browser, url, query, expected) for _ in range(repeat)]
        # The fastest run (a busy machine only ever adds time), and the slowest when there were several.
        m = min(runs, key=lambda r: r["first"] if r["first"] is not None else float("inf"))
        rank = f"{m['rank']}" + (" (top 5)" if m["rank"] and m["rank"] <= 5 else "") if m["rank"] else "not shown"
        first = f"{m['first'] * 1000:.0f}" if m["first"] is not None else "none"
        if repeat > 1 and all(r["first"] is not None for r in runs):
            first += f" ({max(r['first'] for r in runs) * 1000:.0f})"
        rows += [(f"search {label}: first result ms" + (" (slowest)" if repeat > 1 else ""), first),
                 (f"search {label}: KB (requests)", f"{m['bytes'] / 1024:.0f} ({m['requests']})"),
                 (f"search {label}: rank of expected page", rank)]
        progress(f"    first result {first} ms, all {m['shown']} shown {m['done'] * 1000:.0f} ms, "
                 f"{m['bytes'] / 1024:.0f} KB in {m['requests']} requests, rank {rank}")
    bundle = site / "pagefind"
    total = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) if bundle.is_dir() else 0
    rows.append(("search index on disk MB", f"{total / 1e6:.1f}"))
    return rows


def measure_filter(browser, url: str, site: Path, goals: Path, repeat: int = 1) -> list[tuple[str, str]]:
    rows = []
    for label, options in [("status at risk", {"status": "at risk"}),
                           (f"Find goals of {FIND_PERIOD}: At risk", {"find": "At risk"})]:
        progress(f"  {label}")
        runs = [measure_query(browser, url, "", "", **options) for _ in range(repeat)]
        m = min(runs, key=lambda r: r["first"] if r["first"] is not None else float("inf"))
        first = f"{m['first'] * 1000:.0f}" if m["first"] is not None else "none"
        progress(f"    first result {first} ms, {m['bytes'] / 1024:.0f} KB in {m['requests']} requests, {m['found']}")
        rows += [(f"{label}: first result ms", first),
                 (f"{label}: KB (requests)", f"{m['bytes'] / 1024:.0f} ({m['requests']})"),
                 (f"{label}: results", m["found"].split(" ")[0])]
    return rows


def measure_unit_filter(browser, url: str, site: Path, goals: Path, repeat: int = 1) -> list[tuple[str, str]]:
    """A team's unit chosen from a result's chip, then the words cleared: what the search with the unit
    alone downloads (after what the typed name downloaded)."""
    load = functools.partial(yaml.load, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    org = load((goals / "org.yaml").read_text(encoding="utf-8"))
    unit = next(u["name"] for u in org.get("units", org.get("org_units", [])) if u.get("kind") == "team")
    progress(f"  unit filter, no words: {unit}")
    runs = [_unit_filter(browser, url, unit) for _ in range(repeat)]
    m = min(runs, key=lambda r: r["bytes"])
    progress(f"    {m['bytes'] / 1024:.0f} KB in {m['requests']} requests ({m['chunks']} index chunks), {m['found']}")
    return [("unit filter, no words: KB (requests)", f"{m['bytes'] / 1024:.0f} ({m['requests']})"),
            ("unit filter, no words: index chunks", str(m["chunks"])),
            ("unit filter, no words: results", m["found"].split(" ")[0])]


def _unit_filter(browser, url: str, unit: str) -> dict:
    context = browser.new_context(service_workers="block", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.keyboard.press("/")
        settled = "q => document.querySelector('.goalsite-search').getAttribute('data-settled') === q"
        page.locator(".goalsite-search__input").fill(unit)
        page.wait_for_function(settled, arg=unit, timeout=QUERY_TIMEOUT_S * 1000)
        page.locator('.goalsite-search__chip[aria-label="Only unit %s"]' % unit).first.click()
        page.wait_for_function(settled, arg=unit, timeout=QUERY_TIMEOUT_S * 1000)
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.locator(".goalsite-search__input").fill("")
        page.wait_for_function(settled, arg="", timeout=QUERY_TIMEOUT_S * 1000)
        found = page.locator(".goalsite-search__status").inner_text()
        sizes = [r.sizes() for r in finished]
        chunks = sum(1 for r in finished if "/pagefind/index/" in r.url)
    finally:
        context.close()
    received = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return {"bytes": received, "requests": len(sizes), "chunks": chunks, "found": found}


#: The measurements of search (all that --search-only measures), then every measurement, in the order of the table.
SEARCH_MEASUREMENTS = [measure_search, measure_filter, measure_unit_filter]
MEASUREMENTS = [*SEARCH_MEASUREMENTS]


# --- the run ------------------------------------------------------------------------------------------


def measure(n: int, browser, *, reuse: bool, repeat: int, search_only: bool = False) -> list[tuple[str, str]]:
    goals = company(n)
    site = search_only_site(n, goals) if search_only else build_site(n, goals, reuse=reuse)
    rows: list[tuple[str, str]] = []
    with serving(site) as url:
        for measurement in (SEARCH_MEASUREMENTS if search_only else MEASUREMENTS):
            progress(f"N={n}: {measurement.__name__}")
            rows += measurement(browser, url, site, goals, repeat=repeat)
    return rows


def print_table(columns: dict[int, list[tuple[str, str]]]) -> None:
    labels = list(dict.fromkeys(label for rows in columns.values() for label, _ in rows))
    width = max(len(label) for label in labels) + 2
    print("".ljust(width) + "".join(f"{f'N={n}':>16}" for n in columns))
    for label in labels:
        values = [dict(rows).get(label, "-") for rows in columns.values()]
        print(label.ljust(width) + "".join(f"{v:>16}" for v in values))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", default="100,1000", help="comma-separated team counts (default 100,1000)")
    parser.add_argument("--big", action="store_true", help="add N = 5000")
    parser.add_argument("--reuse", action="store_true", help="measure the sites built by an earlier run")
    parser.add_argument("--repeat", type=int, default=3, help="measure each query this many times, cold each "
                        "time; the fastest is kept, the slowest shown in brackets (default 3)")
    parser.add_argument("--search-only", action="store_true", help="only the search figures, without building "
                        "the sites: each company's search bundle inside the example company's pages")
    parser.add_argument("--_records", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._records:
        records_worker(*args._records)
        return 0
    teams = [int(t) for t in args.teams.split(",") if t.strip()] + ([5000] if args.big else [])
    from playwright.sync_api import sync_playwright

    columns = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for n in teams:
                columns[n] = measure(n, browser, reuse=args.reuse, repeat=max(1, args.repeat),
                                     search_only=args.search_only)
        finally:
            browser.close()
    print_table(columns)
    return 0


if __name__ == "__main__":
    sys.exit(main())
