"""publish(): a failed or killed build leaves the last good site exactly as it was. write_tree(): incremental."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.publish import MANIFEST, publish, write_tree


def digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def old_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "units").mkdir(parents=True)
    (site / "index.html").write_text("old home")
    (site / "units" / "sales.html").write_text("old sales")
    return site


def write_new(tmp: Path) -> None:
    (tmp / "index.html").write_text("new home")


def test_success_replaces_the_site(old_site):
    publish(write_new, old_site)
    assert digest(old_site) == {"index.html": hashlib.sha256(b"new home").hexdigest()}
    assert sorted(p.name for p in old_site.parent.iterdir()) == ["site"]


def test_first_publish_creates_the_site_readable(tmp_path):
    site = tmp_path / "out" / "site"
    publish(write_new, site)
    assert (site / "index.html").read_text() == "new home"
    assert site.stat().st_mode & 0o055 == 0o055 & ~_umask(), "not the 0700 of a temporary folder"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_failure_leaves_the_old_site_byte_identical(old_site):
    before = digest(old_site)

    def fail(tmp: Path) -> None:
        write_new(tmp)
        raise RuntimeError("the build broke halfway")

    with pytest.raises(RuntimeError):
        publish(fail, old_site)
    assert digest(old_site) == before
    assert sorted(p.name for p in old_site.parent.iterdir()) == ["site"], "the temporary folder is gone"


def test_leftovers_of_a_killed_build_are_cleaned(old_site):
    leftover = old_site.parent / ".site.goalsite-new-abc123"
    (leftover / "deep").mkdir(parents=True)
    (leftover / "deep" / "half.html").write_text("half")
    publish(write_new, old_site)
    assert not leftover.exists()
    assert (old_site / "index.html").read_text() == "new home"


def test_site_swapped_out_by_a_killed_build_comes_back(old_site):
    # Killed between the two renames of the swap: only the renamed old site remains.
    before = digest(old_site)
    old_site.rename(old_site.parent / ".site.goalsite-old-xyz")

    def fail(tmp: Path) -> None:
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        publish(fail, old_site)
    assert digest(old_site) == before
    assert sorted(p.name for p in old_site.parent.iterdir()) == ["site"]


def test_sigkill_during_the_build_leaves_the_old_site(old_site):
    before = digest(old_site)
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from generator.publish import publish

        def slow(tmp):
            (tmp / "index.html").write_text("half-built")
            Path({str(old_site.parent / "started")!r}).touch()
            time.sleep(60)

        publish(slow, {str(old_site)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not (old_site.parent / "started").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the build did not start"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert digest(old_site) == before
    assert any(p.name.startswith(".site.goalsite-new-") for p in old_site.parent.iterdir())
    publish(write_new, old_site)
    assert sorted(p.name for p in old_site.parent.iterdir()) == ["site", "started"]


# --- write_tree ------------------------------------------------------------------------------------------


def test_write_tree_writes_only_changed_files(tmp_path):
    out = tmp_path / "docs"
    assert write_tree({"index.md": "home", "units/a.md": "a"}, out) == (["index.md", "units/a.md"], [])
    mtime = (out / "index.md").stat().st_mtime_ns
    assert write_tree({"index.md": "home", "units/a.md": "A"}, out) == (["units/a.md"], [])
    assert (out / "index.md").stat().st_mtime_ns == mtime
    assert write_tree({"index.md": "home", "units/a.md": "A"}, out) == ([], [])


def test_write_tree_removes_what_it_wrote_before(tmp_path):
    out = tmp_path / "docs"
    write_tree({"index.md": "home", "units/a/2026-Q4.md": "a"}, out)
    assert write_tree({"index.md": "home"}, out) == ([], ["units/a/2026-Q4.md"])
    assert not (out / "units").exists()
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "index.md"]


def test_write_tree_never_overwrites_a_hand_written_file(tmp_path):
    out = tmp_path / "docs"
    (out / "guide").mkdir(parents=True)
    (out / "guide" / "index.md").write_text("hand-written")
    with pytest.raises(FileExistsError, match="guide/index.md"):
        write_tree({"index.md": "home", "guide/index.md": "generated"}, out)
    assert (out / "guide" / "index.md").read_text() == "hand-written"
    assert not (out / "index.md").exists(), "nothing is written when one file clashes"


def test_write_tree_copies_files_given_as_paths(tmp_path):
    source = tmp_path / "portal.css"
    source.write_bytes(b"body{}")
    write_tree({"assets/portal.css": source}, tmp_path / "docs")
    assert (tmp_path / "docs" / "assets" / "portal.css").read_bytes() == b"body{}"


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "thesis.tex").write_text("precious")
    with pytest.raises(FileExistsError, match="not a site"):
        publish(write_new, folder)
    assert (folder / "thesis.tex").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_a_second_publish_waits_for_the_first(old_site: Path):
    import fcntl
    import threading

    built = threading.Event()

    def build(tmp: Path) -> None:
        (tmp / "index.html").write_text("new home")
        built.set()

    fd = os.open(old_site.parent, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another build is publishing next to this site
    worker = threading.Thread(target=publish, args=(build, old_site))
    worker.start()
    assert not built.wait(0.5), "the second build started while the first held the site"
    assert (old_site / "index.html").read_text() == "old home"
    os.close(fd)
    worker.join(10)
    assert built.is_set() and (old_site / "index.html").read_text() == "new home"
