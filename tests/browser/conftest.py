"""Real-browser fixtures: serve a built portal on a free loopback port and drive it with Debian's chromium.

In the style of datasette's tests/conftest.py + tests/test_playwright.py: the site is built once per
session with the real CLI (`goalsite build`, the repo's mkdocs.yml with site_url set to the loopback
address it is served on, see config_serving_at), served by a ThreadingHTTPServer in a daemon thread,
and one headless chromium (Playwright for Python, never a browser Playwright downloads) is shared by
every test. Each test gets a fresh context (own cache and storage); any console error, uncaught page
error or request that leaves 127.0.0.1 fails it.

These tests never skip in CI. A missing chromium or Playwright fails them with what to do;
GOALSITE_SKIP_BROWSER=1 skips them on a developer machine only.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("GOALSITE_CHROMIUM") or "/usr/bin/chromium"
"""The browser to drive: Debian's chromium, or the one `make test CHROMIUM=PATH` passes on."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The date every browser test builds the example company as of.
TODAY = "2026-11-22"
#: Short waits: a page of this portal is static; only plotly.js takes a moment to parse.
TIMEOUT_MS = 10_000
CI_VARS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI")


# --- the gate: fail loudly, never skip in CI ------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _browser_gate():
    """Fail (not skip) when the browser stack is missing; skip only on request, and never in CI."""
    if os.environ.get("GOALSITE_SKIP_BROWSER") == "1":
        ci = [name for name in CI_VARS if os.environ.get(name, "").lower() not in ("", "0", "false")]
        if ci:
            pytest.fail(f"GOALSITE_SKIP_BROWSER=1 is for local runs only, but {ci[0]} is set: "
                        "CI must run the browser tests", pytrace=False)
        pytest.skip("GOALSITE_SKIP_BROWSER=1: browser tests skipped on this machine")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("Playwright for Python is not installed: run `make test` "
                    "(it runs pip install -e '.[test]')", pytrace=False)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it (Debian: apt-get install chromium; "
                    "`make test` does it when run as root), or point at your own browser with "
                    "GOALSITE_CHROMIUM=/path/to/chromium (`make test CHROMIUM=/path/to/chromium`); "
                    "set GOALSITE_SKIP_BROWSER=1 to skip the browser tests on a developer machine",
                    pytrace=False)


# --- building and serving -------------------------------------------------------------------------


def _goalsite_exe() -> str:
    """The `goalsite` script of the environment running pytest (the repo's .venv under `make test`)."""
    for candidate in (Path(sys.executable).with_name("goalsite"), ROOT / ".venv" / "bin" / "goalsite"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("goalsite")
    if not found:
        pytest.fail("the goalsite command is not installed: run `make test`", pytrace=False)
    return found


def build_site(goals: Path, site_dir: Path, *flags: str, today: str = TODAY) -> Path:
    """Build `goals` into `site_dir` with the real CLI, exactly as a user or CI would."""
    cmd = [_goalsite_exe(), "build", "--goals", str(goals), "--today", today, "--site-dir", str(site_dir), *flags]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not (site_dir / "index.html").is_file():
        pytest.fail(f"`{' '.join(cmd)}` exited {proc.returncode}\n--- stdout\n{proc.stdout}\n"
                    f"--- stderr\n{proc.stderr}", pytrace=False)
    return site_dir


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags it uses (!ENV, !!python/name:...); their values do not matter here."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def config_serving_at(url: str, folder: Path) -> Path:
    """The repo's mkdocs.yml with `site_url: url`, written into `folder` (as `mkdocs serve` does with dev_addr).

    Material's navigation.instant only follows links listed in sitemap.xml, and rebases the sitemap onto
    the current scheme and host but not the port: the site must be built for the address it is served on.
    The paths of the repo's config are made absolute, since MkDocs resolves them next to this file.
    """
    repo = ROOT / "mkdocs.yml"
    base = yaml.load(repo.read_text(encoding="utf-8"), Loader=_AnyTagLoader) or {}
    child: dict = {"INHERIT": str(repo), "site_url": url,
                   "docs_dir": str(ROOT / base.get("docs_dir", "docs"))}
    theme = base.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        child["theme"] = {"custom_dir": str(ROOT / theme["custom_dir"])}
    for key in ("watch", "hooks"):
        if base.get(key):
            child[key] = [str(ROOT / path) for path in base[key]]
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "mkdocs.yml"
    config.write_text(json.dumps(child, indent=1), encoding="utf-8")  # JSON is YAML
    return config


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """Serve `directory` on 127.0.0.1 at a free port; yields the base URL, ending in a slash."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {directory}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Site:
    """A built portal being served: its folder, its URL and what its pages hold."""

    root: Path
    url: str
    #: Page paths relative to the site root, "" for home, "units/storefront/" for the rest.
    pages: list[str] = field(default_factory=list)
    #: The pages whose HTML holds at least one `.portal-chart`.
    chart_pages: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, root: Path, url: str) -> "Site":
        site = cls(root=root, url=url)
        for index in sorted(root.rglob("index.html")):
            rel = index.parent.relative_to(root).as_posix()
            path = "" if rel == "." else rel + "/"
            if path.startswith(("assets/", "search/", "api/")):
                continue
            site.pages.append(path)
            if 'class="portal-chart' in index.read_text(encoding="utf-8"):
                site.chart_pages.add(path)
        return site

    def html(self, path: str) -> str:
        return (self.root / path / "index.html").read_text(encoding="utf-8")

    def href(self, path: str = "") -> str:
        return self.url + path

    def path_of(self, url: str) -> str:
        """The page path of a URL of this site ("units/storefront/"), without query or anchor."""
        path = urlsplit(url).path.lstrip("/")
        return path[: -len("index.html")] if path.endswith("index.html") else path

    def export(self) -> dict:
        return json.loads((self.root / "api" / "goals.json").read_text(encoding="utf-8"))

    def key_results(self, period: str = "[^:]+") -> list[dict]:
        """Every key result of the export (of `period`, a regex): objects whose ref is PERIOD:UNIT/OBJECTIVE/KR."""
        found = []

        def walk(node):
            if isinstance(node, dict):
                ref = node.get("ref")
                if isinstance(ref, str) and re.fullmatch(rf"{period}:[^/]+/[^/]+/[^/]+", ref) and node.get("title"):
                    found.append(node)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.export())
        return found


@pytest.fixture(scope="session")
def servers():
    """serve(directory) -> base URL; every server stops at the end of the session."""
    with contextlib.ExitStack() as stack:
        yield lambda directory: stack.enter_context(serve_directory(directory))


@pytest.fixture(scope="session")
def build_and_serve(servers):
    """build_and_serve(goals, folder) -> Site: `goalsite build` of `goals` into folder/site, served on a free
    loopback port, with the repo's mkdocs.yml but for site_url, which is the address it is served on."""

    def build_and_serve(goals: Path, folder: Path) -> Site:
        site_dir = folder / "site"
        url = servers(site_dir)  # the folder is served from wherever the build swaps it in
        build_site(goals, site_dir, "--config-file", str(config_serving_at(url, folder / "config")))
        return Site.scan(site_dir, url)

    return build_and_serve


@pytest.fixture(scope="session")
def site(build_and_serve, tmp_path_factory) -> Site:
    """The example company's portal (the repo's goals/ as of TODAY), built once and served.

    Not the shared `built_site` of tests/conftest.py: that one has no site_url (mkdocs.yml sets none), so
    its sitemap.xml is empty and Material's instant navigation is off; see config_serving_at.
    """
    return build_and_serve(ROOT / "goals", tmp_path_factory.mktemp("portal"))


# --- the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(_browser_gate):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


class PageLog:
    """Everything a page did that a test may want to hold against it."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{page.url}: console error: {m.text} ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"))
        page.on("pageerror", lambda e: self.page_errors.append(f"{page.url}: page error: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))

    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors

    def external(self) -> list[str]:
        return [u for u in self.requests if not _is_local(u)]

    def requested(self, name: str) -> list[str]:
        """Requests whose path ends with `name`, e.g. "plotly.min.js"."""
        return [u for u in self.requests if urlsplit(u).path.endswith(name)]

    def problems(self) -> list[str]:
        return [f"request left 127.0.0.1 (the portal must work offline): {u}" for u in self.external()] + self.errors()

    def mark(self) -> tuple[int, int, int]:
        return len(self.console_errors), len(self.page_errors), len(self.requests)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log):
    """A fresh page (own context, so own cache) whose errors and requests land in `page_log`.

    The test fails if any request leaves 127.0.0.1, or on any console error or uncaught page error.
    """
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page_log.attach(page)
    yield page
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Hold the page's errors and outside requests against the test itself, not its teardown."""
    result = yield
    log = getattr(item, "funcargs", {}).get("page_log")
    if isinstance(log, PageLog) and log.problems():
        pytest.fail("the browser saw problems:\n  " + "\n  ".join(log.problems()), pytrace=False)
    return result


# --- helpers for the tests ---------------------------------------------------------------------------

CHARTS_SETTLED = """() => {
  const charts = [...document.querySelectorAll('.portal-chart')];
  return charts.length > 0 && charts.every(
    (el) => el.getAttribute('data-drawn') === 'true' || el.classList.contains('portal-chart--broken'));
}"""


# portal.js draws a chart when it comes near the viewport: pass by each (two frames, for the observer to
# see it; the drawing goes on meanwhile), then back to the top.
SCROLL_TO_EVERY_CHART = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  for (const el of document.querySelectorAll('.portal-chart')) {
    el.scrollIntoView({block: 'center'});
    await frame();
    await frame();
  }
  window.scrollTo(0, 0);
}"""


def wait_for_charts(page, timeout: float = TIMEOUT_MS) -> int:
    """Wait until every `.portal-chart` of the page is drawn; returns how many Plotly SVGs there are."""
    page.evaluate(SCROLL_TO_EVERY_CHART)
    page.wait_for_function(CHARTS_SETTLED, timeout=timeout)
    broken = page.eval_on_selector_all(".portal-chart.portal-chart--broken", "els => els.length")
    assert broken == 0, f"{broken} chart(s) on {page.url} are marked portal-chart--broken"
    drawn = page.locator('.portal-chart[data-drawn="true"] svg.main-svg').count()
    assert drawn >= 1, f"no Plotly SVG in the charts of {page.url}"
    return drawn


@pytest.fixture
def screenshot(request):
    """screenshot(page, name): keep a PNG of what the test saw in tests/artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{test}--{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-') or 'home'}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def charts():
    """The `wait_for_charts(page)` helper, as a fixture so test modules need not import conftest."""
    return wait_for_charts


