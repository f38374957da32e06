"""Nothing outside the goals folder is ever read, and a file or folder goalsite may not read is a problem.

A symbolic link that leaves the goals folder (a goal file, a period folder, org.yaml, kpis.yaml,
kpis/*.yaml, a CSV of `data:`) is refused unread, at the link, without a word of what it leads to;
a link that stays inside works. `goalsite diff` and the target history, which read git revisions,
never follow a link committed in git either. And a goals folder, file or subfolder the user may
not read, or a --site-dir that cannot be written, ends in the usual message and exit 1, never in a
traceback: those runs drop root's power to ignore permissions (see unprivileged()).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.history import read_target_history
from generator.load import load_goals
from generator.pipeline import build_portal
from generator.speed import prefetch
from generator.speed.tasks import Tasks
from hardening_support import ROOT, TODAY, copy_goals, goalsite_exe, run_bounded, tree_bytes

SECRET = "Nightowl-4711"
"""Text that lives only outside the goals folder: it must appear in no output."""


def secret_copy(goals: Path, rel: str, old: str, outside: Path) -> Path:
    """Move goals/REL (a file or folder) to `outside`, with SECRET in place of `old` in it; returns where."""
    target = outside / Path(rel).name
    outside.mkdir(parents=True, exist_ok=True)
    shutil.move(goals / rel, target)
    for f in [target] if target.is_file() else sorted(target.rglob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace(old, SECRET), encoding="utf-8")
    return target


def relative_link(link: Path, target: Path) -> None:
    link.symlink_to(os.path.relpath(target, link.parent))


def assert_refused_at(run_output: str, rel: str, outside: Path) -> None:
    lines = run_output.splitlines()
    assert any(ln.startswith(f"goals/{rel}:1:1: error: ") and "[load.outside-goals]" in ln for ln in lines), run_output
    assert SECRET not in run_output
    assert str(outside) not in run_output, "the problem does not say where the link leads"


# --- links that leave the goals folder -----------------------------------------------------------------

LINKED = {  # rel: (text replaced by SECRET in it, absolute link?)
    "org.yaml": ("Acme Corp", True),
    "kpis.yaml": ("Customer retention", False),
    "2026-Q4/acme.yaml": ("Create an unforgettable customer experience", True),
    "2026-Q4": ("Create an unforgettable customer experience", False),
}


@pytest.mark.parametrize("rel", sorted(LINKED))
def test_a_link_that_leaves_the_goals_folder_is_refused_unread(tmp_path, rel):
    goals, outside = copy_goals(tmp_path / "goals"), tmp_path / "elsewhere"
    old, absolute = LINKED[rel]
    target = secret_copy(goals, rel, old, outside)
    if absolute:
        (goals / rel).symlink_to(target)
    else:
        relative_link(goals / rel, target)
    run = run_bounded("check", "--goals", "goals", "--today", TODAY, cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.output
    assert_refused_at(run.output, rel, outside)
    loaded = load_goals(goals)
    assert SECRET not in repr([s.data for s in loaded.sources()])


def test_a_kpis_file_and_a_chain_of_links_that_ends_outside_are_refused(tmp_path):
    goals, outside = copy_goals(tmp_path / "goals"), tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "more.yaml").write_text(f"kpis:\n  - {{id: leak, name: {SECRET}, unit: cs, owner: carol}}\n")
    (goals / "kpis").mkdir()
    (goals / "kpis" / "more.yaml").symlink_to(outside / "more.yaml")
    # A link to a link inside the folder, which leads outside: it is where a chain ends that counts.
    (goals / ".hop").mkdir()
    relative_link(goals / ".hop" / "team.yaml", outside / "more.yaml")
    relative_link(goals / "2026-Q4" / "team.yaml", goals / ".hop" / "team.yaml")
    run = run_bounded("check", "--goals", "goals", "--today", TODAY, cwd=tmp_path)
    assert run.returncode == 1
    assert_refused_at(run.output, "kpis/more.yaml", outside)
    assert_refused_at(run.output, "2026-Q4/team.yaml", outside)


def test_a_file_that_is_no_goal_file_does_not_leak_through_error_messages(tmp_path):
    goals, outside = copy_goals(tmp_path / "goals"), tmp_path / "home"
    outside.mkdir()
    (outside / "credentials.yaml").write_text("password: hunter2-" + SECRET + "\nbroken: [\n")
    (goals / "2026-Q4" / "team.yaml").symlink_to(outside / "credentials.yaml")
    run = run_bounded("check", "--goals", "goals", "--today", TODAY, "--format", "github", cwd=tmp_path)
    assert run.returncode == 1
    assert "hunter2" not in run.output and "password" not in run.output and SECRET not in run.output
    assert "file=goals/2026-Q4/team.yaml,line=1,col=1,title=load.outside-goals" in run.output


def test_build_publishes_nothing_from_behind_a_link(tmp_path, good_site):
    goals, outside = copy_goals(tmp_path / "goals"), tmp_path / "elsewhere"
    target = secret_copy(goals, "2026-Q4/acme.yaml", "Create an unforgettable customer experience", outside)
    (goals / "2026-Q4" / "acme.yaml").symlink_to(target)
    site = tmp_path / "out" / "site"
    shutil.copytree(good_site, site, symlinks=True)
    before = tree_bytes(site.parent)
    run = run_bounded("build", "--goals", goals, "--today", TODAY, "--site-dir", site,
                      "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.output
    assert "goals/2026-Q4/acme.yaml:1:1: error: " in run.output and SECRET not in run.output
    assert tree_bytes(site.parent) == before


def test_links_that_stay_inside_the_goals_folder_are_followed(tmp_path):
    goals = copy_goals(tmp_path / "goals")
    shared = goals / ".shared"  # a hidden folder: the loader itself never looks into it
    shared.mkdir()
    (goals / "org.yaml").rename(shared / "org.yaml")
    relative_link(goals / "org.yaml", shared / "org.yaml")
    (goals / "data" / "monthly-churn.csv").rename(shared / "churn.csv")
    relative_link(goals / "data" / "monthly-churn.csv", shared / "churn.csv")
    build = build_portal(goals, dt.date.fromisoformat(TODAY))
    assert build.errors == []
    assert build.portal.org.company.name == "Acme Corp"
    assert "data/monthly-churn.csv" in build.goals.csv


def test_the_prefetch_worker_reads_nothing_outside_the_goals_folder(tmp_path, monkeypatch):
    goals, outside = copy_goals(tmp_path / "goals"), tmp_path / "elsewhere"
    target = secret_copy(goals, "2026-Q4/sales-emea.yaml", "Become the first choice", outside)
    (goals / "2026-Q4" / "sales-emea.yaml").symlink_to(target)
    parsed = tmp_path / "parsed-by-the-worker.txt"
    real = prefetch._parse_share

    def recording(share):
        parsed.write_text("\n".join(display for _, display in share))  # in the worker: a file tells the test
        return real(share)

    class Forking(Tasks):  # forks whatever threads earlier tests left behind: this test is about the worker
        def processes(self):
            return 2

    monkeypatch.setattr(prefetch, "_parse_share", recording)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(prefetch, "WORKER_SHARE", 1.0)  # every period file the load lists goes to the worker
    loaded = load_goals(goals, tasks=Forking())  # no memo: a cold load
    assert parsed.read_text().splitlines(), "a worker parsed the period files"
    assert not [d for d in parsed.read_text().splitlines() if "sales-emea" in d]
    assert loaded.stats.files_prefetched > 0
    assert SECRET not in repr([s.data for s in loaded.sources()])
    assert [p.code for p in loaded.problems if p.location.path.endswith("2026-Q4/sales-emea.yaml")] == ["load.outside-goals"]


# --- links committed in git ----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-11-20T12:00:00+00:00", "GIT_COMMITTER_DATE": "2026-11-20T12:00:00+00:00"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)


def committed_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Test Author"), ("user.email", "test@example.com"), ("commit.gpgsign", "false")):
        git(repo, "config", key, value)
    copy_goals(repo / "goals")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


# A period file whose "text" is the target of a link: git stores exactly these bytes as the link's blob.
LINK_TEXT_GOALS = f"""objectives:
  - id: grow
    title: {SECRET}
    owner: dana
    key_results:
      - id: logos
        title: Sign 25 logos
        metric: {{unit: logos, from: 0, to: 25}}
"""


def test_diff_and_history_never_follow_a_link_committed_in_git(tmp_path):
    repo = committed_repo(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "acme.yaml").write_text(f"objectives: [{{id: a, title: {SECRET}, owner: dana}}]\n")
    (repo / "secret.yaml").write_text(f"company: {{id: x, name: {SECRET}}}\n")  # in the repository, not in goals/
    period = repo / "goals" / "2026-Q4"
    (period / "absolute.yaml").symlink_to(outside / "acme.yaml")
    relative_link(period / "relative.yaml", repo / "secret.yaml")
    (period / "texty.yaml").symlink_to(LINK_TEXT_GOALS)  # dangles; its blob reads as a goal file
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    (period / "absolute.yaml").unlink()  # HEAD's working tree is clean of links: BASE alone holds them
    (period / "relative.yaml").unlink()
    (period / "texty.yaml").unlink()
    run = run_bounded("diff", "HEAD", "--goals", "goals", "--today", TODAY, cwd=repo)
    assert run.returncode == 0 and "Traceback" not in run.output, run.output
    assert SECRET not in run.output
    history = read_target_history(repo / "goals")
    assert not [ref for ref in history if ref.startswith("2026-Q4:texty/")], "a link's text is no goal file"


def test_a_link_at_a_revision_is_refused_like_one_in_the_working_tree(tmp_path):
    from generator.history import export_revision

    repo = committed_repo(tmp_path)
    (repo / "secret.yaml").write_text(f"objectives: [{{id: a, title: {SECRET}, owner: dana}}]\n")
    relative_link(repo / "goals" / "2026-Q4" / "leak.yaml", repo / "secret.yaml")
    (repo / "goals" / "2026-Q4" / "fine.yaml").symlink_to("acme.yaml")  # inside: kept, and followed
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    exported = export_revision(repo / "goals", "HEAD", tmp_path / "base")
    loaded = load_goals(exported)
    assert [p.code for p in loaded.problems if p.location.path.endswith("leak.yaml")] == ["load.outside-goals"]
    assert SECRET not in repr([s.data for s in loaded.sources()])
    assert loaded.periods["2026-Q4"]["fine"].data == loaded.periods["2026-Q4"]["acme"].data


# --- what the user may not read or write -------------------------------------------------------------

NOBODY = 65534
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _become_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _permission_override_dropper():
    """A preexec_fn: root keeps its uid, but the program it starts lacks the capabilities that ignore permissions."""
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not in the forked child

    def drop() -> None:
        for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
    return drop


@functools.cache
def unprivileged():
    """How to start a program that file permissions bind (a preexec_fn); None when this process is not root.

    As root (CI), the program runs as `nobody` when nobody can run this Python. Where the interpreter
    lives in a folder only root may enter (a pyenv under /root), it runs as root without the
    capabilities that ignore permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), which binds it alike.
    """
    if os.geteuid() != 0:
        return None
    try:
        usable = subprocess.run([sys.executable, "-c", "import generator.cli"], preexec_fn=_become_nobody,
                                capture_output=True, cwd="/").returncode == 0
    except OSError:  # nobody may not even start the interpreter
        usable = False
    return _become_nobody if usable else _permission_override_dropper()


def _reachable_by_nobody(path: Path) -> None:
    """Let `nobody` through the folders above `path` (pytest makes its base folder 0700)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)


def run_unprivileged(cmd: list[str | Path], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """`cmd` run as a user whom file permissions bind, from `cwd`."""
    preexec = unprivileged()
    if preexec is _become_nobody:
        _reachable_by_nobody(cwd)
    return subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=timeout, preexec_fn=preexec)


def goalsite(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """The real `goalsite` script, unprivileged."""
    return run_unprivileged([sys.executable, goalsite_exe(), *args], cwd)


def require_withheld(path: Path, cwd: Path, access: str = "read") -> None:
    """Skip unless the permission taken from `path` really binds the runs (not root, no override)."""
    probe = {
        "read": "import os, sys; p = sys.argv[1]; os.listdir(p) if os.path.isdir(p) else open(p).close()",
        "write": "import os, sys; d = os.path.join(sys.argv[1], '.probe'); os.mkdir(d); os.rmdir(d)",
    }[access]
    if run_unprivileged([sys.executable, "-c", probe, path], cwd, timeout=60).returncode == 0:
        pytest.skip(f"{path} stays {access}able: this user ignores permissions")


@pytest.fixture
def restore_modes():
    """chmod() that is undone after the test, so that pytest can remove its folders."""
    changed: list[tuple[Path, int]] = []

    def chmod(path: Path, mode: int) -> None:
        changed.append((path, stat.S_IMODE(path.stat().st_mode)))
        path.chmod(mode)

    yield chmod
    for path, mode in reversed(changed):
        path.chmod(mode)


def assert_clean_failure(run: subprocess.CompletedProcess, names: str) -> None:
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output, output
    assert names in output, output


def test_a_goals_folder_behind_a_locked_folder(tmp_path, restore_modes):
    copy_goals(tmp_path / "locked" / "goals")
    restore_modes(tmp_path / "locked", 0o000)
    require_withheld(tmp_path / "locked" / "goals", tmp_path)
    run = goalsite("check", "--goals", "locked/goals", "--today", TODAY, cwd=tmp_path)
    assert_clean_failure(run, "locked/goals:1:1: error: Expected a readable goals folder, got: Permission denied")
    run = goalsite("build", "--goals", "locked/goals", "--today", TODAY, "--site-dir", "site",
                   "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path)
    assert_clean_failure(run, "locked/goals:1:1: error: Expected a readable goals folder")
    assert not (tmp_path / "site").exists()


def test_an_unreadable_goal_file(tmp_path, restore_modes):
    goals = copy_goals(tmp_path / "goals")
    restore_modes(goals / "2026-Q4" / "acme.yaml", 0o000)
    require_withheld(goals / "2026-Q4" / "acme.yaml", tmp_path)
    run = goalsite("check", "--goals", "goals", "--today", TODAY, cwd=tmp_path)
    assert_clean_failure(run, "goals/2026-Q4/acme.yaml:1:1: error: Expected a readable file, got: Permission denied")


def test_an_unreadable_subfolder(tmp_path, restore_modes):
    goals = copy_goals(tmp_path / "goals")
    restore_modes(goals / "2026-Q4", 0o000)
    require_withheld(goals / "2026-Q4", tmp_path)
    run = goalsite("check", "--goals", "goals", "--today", TODAY, cwd=tmp_path)
    assert_clean_failure(run, "goals/2026-Q4:1:1: error: Expected a readable folder, got: Permission denied")
    run = goalsite("build", "--goals", "goals", "--today", TODAY, "--site-dir", "site",
                   "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path)
    assert_clean_failure(run, "goals/2026-Q4:1:1: error: Expected a readable folder")


@pytest.mark.parametrize("where", ["site", "missing/site"])
def test_a_site_dir_that_cannot_be_written_keeps_the_last_site(tmp_path, restore_modes, good_site, where):
    goals = copy_goals(tmp_path / "goals")
    out = tmp_path / "out"
    site = out / where
    shutil.copytree(good_site, out / "site", symlinks=True)
    before = tree_bytes(out)
    restore_modes(out, 0o555)
    require_withheld(out, tmp_path, "write")
    run = goalsite("build", "--goals", goals, "--today", TODAY, "--site-dir", site,
                   "--config-file", ROOT / "mkdocs.yml", cwd=tmp_path)
    assert_clean_failure(run, f"Error: Cannot write the site {site} (Permission denied: {out}")
    assert tree_bytes(out) == before
