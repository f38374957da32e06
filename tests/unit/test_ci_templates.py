"""The CI templates shipped for users parse, pin their actions and run only goalsite commands that exist."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click
import pytest
import yaml

from generator.cli import cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
GITLAB = ROOT / ".gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
SHELL_OPERATORS = {">", ">>", "|", "||", "&&", ";", "2>&1", "<"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _github_scripts(path: Path) -> list[str]:
    return [step["run"] for job in _load(path)["jobs"].values() for step in job.get("steps", []) if "run" in step]


def _gitlab_scripts() -> list[str]:
    out = []
    for job in _load(GITLAB).values():
        if isinstance(job, dict) and "script" in job:
            out += job["script"]
    return out


def _goalsite_commands(scripts: list[str]) -> list[list[str]]:
    """Every `goalsite ...` command line of the scripts, up to the first shell operator.

    `$STRICT` (the repository's opt-in, unquoted on purpose) gives one command line for each of its
    values: empty and `--strict`.
    """
    found = []
    for script in scripts:
        for line in script.splitlines():
            if not re.match(r"\s*goalsite\s", line):
                continue
            words = shlex.split(line)
            args = []
            for word in words[1:]:
                if word in SHELL_OPERATORS:
                    break
                args.append(word)
            variants = [[], ["--strict"]] if "$STRICT" in args else [[]]
            found += [[w for a in args for w in (v if a == "$STRICT" else [a])] for v in variants]
    return found


ALL_SCRIPTS = {
    **{p.name: _github_scripts(p) for p in WORKFLOWS},
    ".gitlab-ci.yml": _gitlab_scripts(),
    ".pre-commit-hooks.yaml": [hook["entry"] for hook in _load(HOOKS)],
}


def test_the_templates_exist_and_parse():
    assert {p.name for p in WORKFLOWS} >= {"goals-pr.yml", "goals-publish.yml"}
    for path in [*WORKFLOWS, GITLAB, HOOKS]:
        assert _load(path), path


@pytest.mark.parametrize("name", sorted(ALL_SCRIPTS))
def test_every_goalsite_command_exists_with_valid_options(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # `build` checks that its default --config-file exists
    commands = _goalsite_commands(ALL_SCRIPTS[name])
    assert commands, f"{name} runs no goalsite command"
    for args in commands:
        assert args and args[0] in cli.commands, f"{name}: `goalsite {' '.join(args)}` is no goalsite command"
        # Resilient parsing reads the line as --help would, without running anything; the strict pass
        # then rejects unknown options, missing arguments and values outside a choice.
        _parse(args[0], args[1:], resilient_parsing=True)
        try:
            _parse(args[0], args[1:])
        except click.UsageError as e:
            pytest.fail(f"{name}: `goalsite {' '.join(args)}`: {e.format_message()}")


def _parse(name: str, args, **options) -> click.Context:
    """Parse a command line as `goalsite NAME ARGS` would, under the group's context settings.

    Without the group as parent, click caches a help option without `-h` on the command,
    and the --help of later tests in the same process changes.
    """
    parent = click.Context(cli, info_name="goalsite", **cli.context_settings)
    return cli.commands[name].make_context(name, list(args), parent=parent, **options)


def test_the_parser_catches_a_wrong_option(monkeypatch):
    monkeypatch.chdir(ROOT)
    [args] = _goalsite_commands(["goalsite diff origin/main --format html > summary.md"])
    assert args == ["diff", "origin/main", "--format", "html"]
    with pytest.raises(click.UsageError):
        _parse("diff", args[1:])
    with pytest.raises(click.NoSuchOption):
        _parse("check", ["--colour"])


def _uses(data) -> list[str]:
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "uses"] + [u for v in data.values() for u in _uses(v)]
    if isinstance(data, list):
        return [u for v in data for u in _uses(v)]
    return []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned(path):
    uses = _uses(_load(path))
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", action), f"{action} is not pinned"


#: The first major of each action that runs on Node 24 (GitHub forces Node 20 actions onto Node 24 since
#: June 2026 and removed Node 20 from the runners in September 2026).
NODE_24_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6, "actions/github-script": 8,
                  "actions/upload-artifact": 6, "actions/configure-pages": 6, "actions/upload-pages-artifact": 5,
                  "actions/deploy-pages": 5}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_run_on_node_24(path):
    for action in _uses(_load(path)):
        name, version = action.split("@")
        assert name in NODE_24_MAJORS, f"{action}: which major of it runs on Node 24?"
        assert int(version.lstrip("v").split(".")[0]) >= NODE_24_MAJORS[name], f"{action} runs on Node 20"


def _steps(name: str) -> list[dict]:
    [job] = _load(ROOT / ".github" / "workflows" / name)["jobs"].values()
    return job["steps"]


def _step(steps: list[dict], words: str) -> dict:
    return next(s for s in steps if words in s.get("run", "") + s.get("uses", ""))


def test_the_pull_request_workflow_checks_what_changed_summarizes_once_and_builds():
    data = _load(ROOT / ".github" / "workflows" / "goals-pr.yml")
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["pull_request"]["paths"] == ["goals/**"]
    [job] = data["jobs"].values()
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert job["env"]["STRICT"] == "${{ vars.GOALSITE_STRICT == 'true' && '--strict' || '' }}"
    check = _step(steps, "goalsite check")
    assert check["run"] == 'goalsite check --changed-since "origin/$BASE_REF" --format github $STRICT'
    assert check["continue-on-error"] is True and check["id"] == "check"
    diff = _step(steps, "goalsite diff")
    assert re.search(r'goalsite diff "origin/\$BASE_REF" --format markdown > summary\.md', diff["run"])
    script = _step(steps, "actions/github-script@")["with"]["script"]
    assert "<!-- goalsite-diff -->" in script and "updateComment" in script and "paginate" in script  # one sticky comment
    assert steps.index(check) < steps.index(diff)


def test_the_preview_is_uploaded_whenever_the_site_builds():
    """Others' lint warnings never stop the preview: the build is not strict, and only its outcome gates the upload."""
    steps = _steps("goals-pr.yml")
    build = _step(steps, "goalsite build")
    assert build["run"] == 'goalsite build --changed-since "origin/$BASE_REF" --site-dir site'
    assert build["if"] == "${{ !cancelled() }}" and build["continue-on-error"] is True
    upload = _step(steps, "actions/upload-artifact@")
    assert upload["if"] == "${{ !cancelled() && steps.build.outcome == 'success' }}"
    assert upload["with"]["path"] == "site"
    last = steps[-1]
    assert last["run"] == "exit 1"
    assert last["if"] == "${{ !cancelled() && (steps.check.outcome == 'failure' || steps.build.outcome == 'failure') }}"
    assert steps.index(build) < steps.index(upload) < steps.index(last)


def _sh(script: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-ec", script], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=60)


def _git(cwd: Path, *args: str) -> str:
    config = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *config, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_fetching_the_base_keeps_the_checkout_whole(tmp_path):
    """`git fetch --depth=1` made the full checkout shallow, and the portal lost its target history."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    for i in range(5):
        (origin / "goal.txt").write_text(str(i))
        _git(origin, "add", "-A")
        _git(origin, "commit", "-q", "-m", f"commit {i}")
    checkout = tmp_path / "checkout"
    _git(tmp_path, "clone", "-q", f"file://{origin}", str(checkout))  # what fetch-depth: 0 gives
    fetches = [line for s in _steps("goals-pr.yml") for line in s.get("run", "").splitlines() if "git fetch" in line]
    assert fetches
    for line in fetches:
        assert "--depth" not in line and "--shallow" not in line
        proc = _sh(line, checkout, {"BASE_REF": "main"})
        assert proc.returncode == 0, proc.stderr
    assert _git(checkout, "rev-parse", "--is-shallow-repository") == "false"
    assert _git(checkout, "rev-list", "--count", "HEAD") == "5"
    assert _git(checkout, "rev-parse", "origin/main") == _git(origin, "rev-parse", "HEAD")


def test_the_portal_is_rebuilt_every_day_on_github():
    data = _load(ROOT / ".github" / "workflows" / "goals-publish.yml")
    on = data.get("on", data.get(True))
    assert on["push"]["branches"] == ["main"]
    [schedule] = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*")  # once a day
    assert "workflow_dispatch" in on
    uses = _uses(data)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_gitlab_checks_what_a_merge_request_changed_and_publishes_daily():
    data = _load(GITLAB)
    job = data["goals-proposal"]
    [rule] = job["rules"]
    assert "merge_request_event" in rule["if"] and rule["changes"] == ["goals/**/*"]
    script = job["script"]
    assert 'goalsite check --changed-since "$BASE" --format text $STRICT || status=1' in script
    assert 'goalsite build --changed-since "$BASE" --site-dir site || status=1' in script
    assert script[-1] == "exit $status" and job["artifacts"]["when"] == "always"
    assert not any("--depth" in line for line in script)
    pages = data["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'} in pages["rules"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in pages["rules"]


def _gitlab_line(start: str) -> str:
    return next(line for line in _load(GITLAB)["goals-proposal"]["script"] if line.startswith(start))


@pytest.mark.parametrize("env, base, strict", [
    ({"CI_MERGE_REQUEST_DIFF_BASE_SHA": "aaa"}, "aaa", ""),
    ({"CI_MERGE_REQUEST_DIFF_BASE_SHA": "aaa", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": "bbb",
      "GOALSITE_STRICT": "true"}, "bbb", "--strict"),
    ({"CI_MERGE_REQUEST_DIFF_BASE_SHA": "aaa", "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": "", "GOALSITE_STRICT": "1"},
     "aaa", ""),
])
def test_gitlab_picks_the_base_and_the_opt_in(tmp_path, env, base, strict):
    """A merged-results pipeline compares with the target's commit, any other with the merge base;
    only GOALSITE_STRICT=true fails a merge request on the warnings it introduces."""
    script = "\n".join([_gitlab_line("BASE="), _gitlab_line("STRICT="), 'echo "$BASE|$STRICT"'])
    clean = {k: "" for k in ("CI_MERGE_REQUEST_TARGET_BRANCH_SHA", "CI_MERGE_REQUEST_DIFF_BASE_SHA", "GOALSITE_STRICT")}
    proc = _sh(script, tmp_path, {**clean, **env})
    assert proc.stdout.strip() == f"{base}|{strict}", proc.stderr


# --- the GitLab note: every page of the notes is read ---------------------------------------------------


class _Notes(http.server.BaseHTTPRequestHandler):
    """GitLab's notes API for one merge request: pages of `per_page` notes with X-Next-Page, and writes."""

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        per_page, page = int(query["per_page"][0]), int(query.get("page", ["1"])[0])
        notes = self.server.notes[(page - 1) * per_page:page * per_page]
        more = page * per_page < len(self.server.notes)
        self.server.calls.append(("GET", url.path, page, self.headers["PRIVATE-TOKEN"]))
        body = json.dumps(notes).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Next-Page", str(page + 1) if more else "")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _write(self):
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))["body"]
        self.server.calls.append((self.command, urlsplit(self.path).path, body, self.headers["PRIVATE-TOKEN"]))
        self.send_response(200 if self.command == "PUT" else 201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_PUT = do_POST = _write

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def _gitlab(notes: list[dict]):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Notes)
    server.notes, server.calls = notes, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _post_note(tmp_path: Path, server, token: str = "secret") -> subprocess.CompletedProcess:
    """Run the template's note step (the shell around its Python) as GitLab would, `python` on the PATH."""
    [step] = [line for line in _load(GITLAB)["goals-proposal"]["script"] if "GOALSITE_NOTE_TOKEN" in line]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if not (bin_dir / "python").exists():
        (bin_dir / "python").symlink_to(sys.executable)
    (tmp_path / "summary.md").write_text("## 2 objectives changed\n", encoding="utf-8")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GOALSITE_NOTE_TOKEN": token,
           "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4", "CI_PROJECT_ID": "42",
           "CI_MERGE_REQUEST_IID": "7"}
    return _sh(step, tmp_path, env)


NOTES = "/api/v4/projects/42/merge_requests/7/notes"


def _notes(count: int, marker_at: int | None = None) -> list[dict]:
    notes = [{"id": 1000 + i, "body": f"Looks good {i}", "system": False} for i in range(count)]
    if marker_at is not None:
        notes[marker_at]["body"] = "<!-- goalsite-diff -->\nthe last summary"
    return notes


def test_the_gitlab_note_is_found_on_the_third_page_and_updated(tmp_path):
    """A merge request with 250 notes: the summary posted before is note 231, on page 3."""
    with _gitlab(_notes(250, marker_at=230)) as server:
        proc = _post_note(tmp_path, server)
    assert proc.returncode == 0, proc.stderr
    assert [c[:3] for c in server.calls if c[0] == "GET"] == [("GET", NOTES, 1), ("GET", NOTES, 2), ("GET", NOTES, 3)]
    writes = [c for c in server.calls if c[0] != "GET"]
    assert writes == [("PUT", f"{NOTES}/1230", "<!-- goalsite-diff -->\n## 2 objectives changed\n", "secret")]
    assert {c[3] for c in server.calls} == {"secret"}


def test_the_gitlab_note_is_posted_once_when_no_page_has_it(tmp_path):
    with _gitlab(_notes(250)) as server:
        proc = _post_note(tmp_path, server)
    assert proc.returncode == 0, proc.stderr
    assert [c[2] for c in server.calls if c[0] == "GET"] == [1, 2, 3]
    assert [c[:2] for c in server.calls if c[0] != "GET"] == [("POST", NOTES)]


def test_the_gitlab_note_search_stops_at_the_summary(tmp_path):
    with _gitlab(_notes(250, marker_at=3)) as server:
        proc = _post_note(tmp_path, server)
    assert proc.returncode == 0, proc.stderr
    assert [c[2] for c in server.calls if c[0] == "GET"] == [1]
    assert [c[:2] for c in server.calls if c[0] != "GET"] == [("PUT", f"{NOTES}/1003")]


def test_without_a_token_there_is_no_note(tmp_path):
    with _gitlab(_notes(3)) as server:
        proc = _post_note(tmp_path, server, token="")
    assert proc.returncode == 0 and server.calls == []


def test_the_pre_commit_hook():
    [hook] = _load(HOOKS)
    assert hook == {**hook, "id": "goalsite-check", "entry": "goalsite check", "language": "python",
                    "pass_filenames": False, "files": "^goals/"}


# --- the Makefile on a fresh machine ---------------------------------------------------------------------


def _make(tmp_path: Path, *args: str, tools: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`make -f Makefile ARGS` in tmp_path, with fake commands (`id`, `apt-get`, ...) first on the PATH."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in (tools or {}).items():
        (bin_dir / name).write_text("#!/bin/sh\n" + body + "\n")
        (bin_dir / name).chmod(0o755)
    (tmp_path / "pyproject.toml").touch()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for name in ("GOALSITE_CHROMIUM", "CHROMIUM", "GOALSITE_SKIP_BROWSER", "MAKEFLAGS", "MAKELEVEL"):
        env.pop(name, None)
    return subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)


RECORD_APT = 'echo "apt-get $*" >> "$(dirname "$0")/../apt.log"'


@pytest.mark.parametrize("uid, debian_path", [("1000", True), ("0", False)], ids=["not-root", "own-path"])
def test_make_says_what_to_install_instead_of_running_apt_get(tmp_path, uid, debian_path):
    """Only root on Debian gets chromium installed; anybody else gets a message, not a dpkg lock error."""
    browser = str(tmp_path / "no-chromium")
    debian = ["DEBIAN_CHROMIUM=" + browser] if debian_path else []
    proc = _make(tmp_path, *debian, "CHROMIUM=" + browser, browser, tools={"id": f"echo {uid}", "apt-get": RECORD_APT})
    assert proc.returncode != 0
    assert not (tmp_path / "apt.log").exists()
    assert f"the browser tests need Chromium at {browser}" in proc.stderr
    assert "apt-get install chromium" in proc.stderr and "make test CHROMIUM=/path/to/chromium" in proc.stderr
    assert "GOALSITE_SKIP_BROWSER=1" in proc.stderr


def test_make_installs_debian_chromium_for_root(tmp_path):
    browser = str(tmp_path / "usr-bin-chromium")
    proc = _make(tmp_path, "DEBIAN_CHROMIUM=" + browser, browser, tools={"id": "echo 0", "apt-get": RECORD_APT})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "apt.log").read_text().splitlines() == ["apt-get update -qq",
                                                              "apt-get install -y -qq chromium"]


def test_make_test_passes_the_browser_to_the_tests(tmp_path):
    browser = str(tmp_path / "my-chrome")
    dry = _make(tmp_path, "-n", "test", "VENV=venv", "CHROMIUM=" + browser)
    assert f"GOALSITE_CHROMIUM={browser} GOALSITE_AXE=venv/axe/node_modules/axe-core/axe.min.js" in dry.stdout
    assert "venv/bin/python -m pytest" in dry.stdout
    assert "the browser tests need Chromium" in dry.stdout  # it would stop first: the browser is missing
    skipped = _make(tmp_path, "-n", "test", "VENV=venv", "CHROMIUM=" + browser, "GOALSITE_SKIP_BROWSER=1")
    assert "the browser tests need Chromium" not in skipped.stdout and "-m pytest" in skipped.stdout


def test_the_browser_tests_drive_the_browser_make_names(tmp_path):
    """tests/browser/conftest.py reads GOALSITE_CHROMIUM, which `make test` sets from CHROMIUM."""
    code = "import tests.browser.conftest as c; print(c.CHROMIUM)"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOALSITE_CHROMIUM": str(tmp_path / "chrome")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == str(tmp_path / "chrome"), out.stderr
    del env["GOALSITE_CHROMIUM"]
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "/usr/bin/chromium", out.stderr


FAKE_PYTHON_WITHOUT_VENV = """
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin" && touch "$3/bin/python"
  echo "The virtual environment was not created successfully because ensurepip is not available." >&2
  exit 1
fi
[ "$1" = -c ] && exit 1
exit 0
"""


def test_make_names_python3_venv_when_venv_fails(tmp_path):
    proc = _make(tmp_path, "PYTHON=python3-debian", "VENV=venv", "venv/bin/python",
                 tools={"python3-debian": FAKE_PYTHON_WITHOUT_VENV})
    assert proc.returncode != 0
    assert "install the python3-venv package (sudo apt-get install python3-venv)" in proc.stderr
    assert not (tmp_path / "venv").exists(), "a half-made venv would make the next `make` skip creating it"


def test_make_names_a_missing_python(tmp_path):
    proc = _make(tmp_path, "PYTHON=no-such-python3", "VENV=venv", "venv/bin/python")
    assert proc.returncode != 0 and "no-such-python3 not found" in proc.stderr
