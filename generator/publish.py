"""Putting output on disk safely: an atomic site swap, and an incremental write of generated files.

`publish()` builds the site in a sibling temporary folder and swaps it in only
when the build succeeded, so a failed or killed build leaves the last good site
exactly as it was. `write_tree()` is what `goalsite generate` uses: it rewrites
only changed files and removes the files it wrote before that are gone now.
`write_atomic()` replaces one file so that a crash leaves the old one or the new
one whole; `write_tree()` and the commands that write goal files use it.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator, Mapping

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: builds are not serialized
    fcntl = None  # type: ignore[assignment]

#: The record of what `write_tree()` wrote into a folder (a dotfile: MkDocs ignores it).
MANIFEST = ".goalsite-generated.json"
_NEW, _OLD = "goalsite-new-", "goalsite-old-"
CHUNK = 64 * 1024
TEMP_SUFFIX = ".goalsite-tmp"
"""The suffix of a file being written by `write_atomic()`."""


class SiteNotWritable(Exception):
    """publish() could not make, lock or swap the folders next to the site (a read-only parent, say).

    The message names the folder and what went wrong; the last good site is left as it was.
    """


def publish(build_fn: Callable[[Path], None], site_dir: Path | str) -> None:
    """Run `build_fn(tmp_dir)` and, only if it returns, make tmp_dir the new `site_dir`.

    The temporary folder sits next to `site_dir` (same filesystem, so the swap is two
    renames). If `build_fn` raises, the temporary folder is removed and `site_dir` is
    untouched. Leftovers of a killed run are cleaned up (or restored) on the next run.
    When the folders cannot be written, SiteNotWritable says so, and `site_dir` is untouched too.
    """
    site = Path(site_dir).absolute()
    with _writing(str(site_dir)):
        site.parent.mkdir(parents=True, exist_ok=True)
    with _locked(site, str(site_dir)):
        _publish(build_fn, site, str(site_dir))


@contextlib.contextmanager
def _writing(name: str) -> Iterator[None]:
    """publish()'s own work on the folders: an OSError there is a SiteNotWritable naming the folder."""
    try:
        yield
    except OSError as e:
        where = f": {e.filename}" if e.filename else ""
        raise SiteNotWritable(f"Cannot write the site {name} ({e.strerror or e}{where}): the folder that holds it "
                              "must be writable by the user running goalsite. The last site was left as it was.") from None


@contextlib.contextmanager
def _locked(site: Path, name: str) -> Iterator[None]:
    """One publish next to `site` at a time: a second build waits for the first.

    Without it, the second build's `_recover()` would delete the first one's
    unfinished folder. The lock is taken on the parent folder itself, so no lock
    file is left beside the site.
    """
    if fcntl is None:
        yield
        return
    with _writing(name):
        fd = os.open(site.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _publish(build_fn: Callable[[Path], None], site: Path, name: str) -> None:
    with _writing(name):
        _recover(site)
        # The old folder is deleted after the swap: never do that to a folder that is not a site.
        replaceable = not site.is_dir() or not any(site.iterdir()) or (site / "index.html").is_file()
    if not replaceable:
        raise FileExistsError(f"{name} is not empty and holds no index.html: not a site to replace")
    with _writing(name):
        tmp = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_NEW}", dir=site.parent))
    try:
        # mkdtemp makes the folder 0700; a published site must be readable like any new folder.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        build_fn(tmp)
        with _writing(name):
            _swap(tmp, site)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, site: Path) -> None:
    """Make `tmp` the site: two renames, the second undone if it fails, so the old site never goes missing."""
    old = None
    if site.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_OLD}", dir=site.parent))
        old.rmdir()
        site.rename(old)
    try:
        tmp.rename(site)
    except OSError:
        if old is not None:
            old.rename(site)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _recover(site: Path) -> None:
    """Undo what a killed `publish()` left: unfinished builds go, a swapped-out site comes back."""
    for leftover in sorted(site.parent.glob(f".{site.name}.{_NEW}*")):
        shutil.rmtree(leftover, ignore_errors=True)
    olds = sorted(site.parent.glob(f".{site.name}.{_OLD}*"))
    if olds and not site.exists():
        # Killed between the two renames of the swap: the last good site is the old one.
        olds.pop().rename(site)
    for leftover in olds:
        shutil.rmtree(leftover, ignore_errors=True)


def write_tree(outputs: Mapping[str, str | bytes | Path], out_dir: Path | str) -> tuple[list[str], list[str]]:
    """Write `outputs` ({relative path: text, bytes or a file to copy}) under `out_dir`.

    Only files whose content changed are written (each atomically); files listed in
    the previous manifest and not in `outputs` are removed, with folders left empty.
    A file that exists but was not written by an earlier run is never overwritten:
    `FileExistsError` names it and nothing is written. Returns (written, removed).
    """
    out = Path(out_dir)
    manifest = out / MANIFEST
    previous = set(json.loads(manifest.read_text(encoding="utf-8"))["files"]) if manifest.is_file() else set()
    clashes = sorted(uri for uri in outputs if uri not in previous and (out / uri).exists())
    if clashes:
        raise FileExistsError(f"{out / clashes[0]} exists and was not generated by goalsite; move it away")
    written = []
    for uri in sorted(outputs):
        data = _bytes(outputs[uri])
        target = out / uri
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
        written.append(uri)
    removed = sorted(previous - set(outputs))
    for uri in removed:
        (out / uri).unlink(missing_ok=True)
        _remove_empty_parents(out / uri, out)
    record = json.dumps({"files": sorted(outputs)}, indent=1).encode() + b"\n"
    if not manifest.is_file() or manifest.read_bytes() != record:
        write_atomic(manifest, record)
    return written, removed


def _bytes(content: str | bytes | Path) -> bytes:
    if isinstance(content, Path):
        return content.read_bytes()
    return content.encode("utf-8") if isinstance(content, str) else content


def _remove_empty_parents(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- atomic writes ------------------------------------------------------------------------------


def _write_chunk(fd: int, chunk: bytes) -> None:
    """Write one chunk whole (a seam the kill-mid-write test patches)."""
    view = memoryview(chunk)
    while view:
        view = view[os.write(fd, view):]


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace (or create) `path` with `text` so that a crash leaves the old file or the new one whole.

    The data is first written to an unnamed file (O_TMPFILE) in the same folder, which a killed
    process leaves nowhere; only once it is written and fsynced does it get a temporary name, and
    `os.replace` swaps it in. Where unnamed files cannot be linked (some file systems, no /proc),
    a named temporary file is written instead, removed on any failure, and leftovers of a crash
    are removed by the next write of the same file.
    """
    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    _remove_leftovers(path)
    name = _write_unnamed(path, data, mode)
    if name is None:
        name = _write_named(path, data, mode)
    try:
        os.replace(name, path)
    except BaseException:
        os.unlink(name)
        raise
    _fsync_folder(path.parent)


def _write_all(fd: int, data: bytes, mode: int) -> None:
    for start in range(0, len(data), CHUNK):
        _write_chunk(fd, data[start:start + CHUNK])
    os.fchmod(fd, mode)
    os.fsync(fd)


def _temp_name(path: Path) -> str:
    return str(path.parent / f".{path.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}")


def _write_unnamed(path: Path, data: bytes, mode: int) -> str | None:
    """The temporary name of a fully written unnamed file; None when the system cannot do it."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not Path("/proc/self/fd").is_dir():
        return None
    try:
        fd = os.open(path.parent, flag | os.O_WRONLY, 0o600)
    except OSError:
        return None
    try:
        _write_all(fd, data, mode)
        name = _temp_name(path)
        os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)
        return name
    except OSError:
        return None  # e.g. EXDEV on overlay file systems: write a named file instead
    finally:
        os.close(fd)


def _write_named(path: Path, data: bytes, mode: int) -> str:
    name = _temp_name(path)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _write_all(fd, data, mode)
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    os.close(fd)
    return name


def _remove_leftovers(path: Path) -> None:
    """Temporary files an earlier, killed write of `path` left behind."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)
