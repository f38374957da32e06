"""Records -> the Pagefind bundle of the site (`pagefind/`): the index, the chunks, pagefind.js and its wasm.

The records are written as small HTML files into a temporary folder and the
Pagefind binary (the `pagefind_bin` wheel of `pagefind[bin]`, or the one that
`PAGEFIND_BINARY_PATH` names) indexes that folder with its command line:
`pagefind --site RECORDS --output-path SITE/pagefind`. The command line, and not
the Python API's service, because the service answers one request per tenth of
a second (its reader sleeps between messages): 80,000 records would take hours,
where the command line indexes them on every CPU.

Next to Pagefind's files the bundle holds `goalsite.json`: the choices the
search box offers for the small filters (kinds, periods, statuses), so that it
never loads the filter index of owners and units, which grows with the company,
just to fill its menus; and the filter values whose words are split into shards
and those whose words another value has too (records.py), for the searches with
no words typed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterable

from ..speed import gc as gc_policy
from .records import KINDS, SHARD_RECORDS, Record, Shards, filter_values, same_words, shard_counts
from .stable import stabilize

#: The bundle's folder in the site.
BUNDLE_DIR = "pagefind"
#: goalsite's own file in the bundle: the search box's menus.
MENUS_FILE = "goalsite.json"
#: What the search box reads first: Pagefind's entry file (the index and the wasm it needs).
ENTRY_FILE = "pagefind-entry.json"
#: Pagefind's own search interfaces, which the portal does not use (search.js is its search box): left out.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
#: Seconds Pagefind may take; a large company's 80,000 records take about a minute on two busy CPUs.
TIMEOUT = 1800


class SearchBundleError(Exception):
    """Pagefind could not be run or failed: the message says what to do."""


def pagefind_binary() -> Path:
    """The Pagefind executable of `pagefind[bin]` (or of PAGEFIND_BINARY_PATH); SearchBundleError without one."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    found = get_executable() if get_executable is not None else None
    if found is None or not Path(found).is_file():
        raise SearchBundleError("the Pagefind binary is missing: install goalsite's dependencies again "
                                "(pip install 'pagefind[bin]'), or set PAGEFIND_BINARY_PATH to a pagefind executable")
    return Path(found)


def write_records(records: Iterable[Record], folder: Path, language: str, shards: Shards | None = None) -> int:
    """Write each record's HTML file under `folder` (its filter words split as `shards` says); returns how many."""
    made: set[Path] = set()
    count = 0
    for record in records:
        path = folder / record.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(record.html(language, shards), encoding="utf-8")
        count += 1
    return count


def menus(records: list[Record], *, restricted: bool, shards: Shards | None = None) -> dict:
    """goalsite.json: the kinds, periods and statuses the search box offers, whether the build is restricted,
    the values split into shards (`{"status": {"at risk": 32}}`) and the values whose words are the same."""
    kinds = set(filter_values(records, "kind")) | {r.kind for r in records}
    split: dict[str, dict[str, int]] = {}
    for (name, value), count in sorted((shards or {}).items()):
        if count > 1:
            split.setdefault(name, {})[value] = count
    return {
        "kinds": [[key, one, many] for key, (one, many) in KINDS.items() if key in kinds],
        "periods": filter_values(records, "period"),
        "statuses": sorted(filter_values(records, "status")),
        "restricted": restricted,
        "shards": split,
        "same_words": [list(pair) for pair in same_words(records)],
    }


def write_input(records: list[Record], folder: Path, language: str, *, restricted: bool,
                shard_records: int = SHARD_RECORDS) -> Path:
    """The records' files in `folder`, and goalsite.json beside them (`folder`/goalsite.json, which
    build_bundle moves into the bundle): what Pagefind indexes. Returns the menus file.

    Without the cycle collector: it would walk the portal's millions of objects while these are made."""
    with gc_policy.paused():
        shards = shard_counts(records, shard_records)
        write_records(records, folder, language, shards)
        data = menus(records, restricted=restricted, shards=shards)
    path = Path(folder) / MENUS_FILE
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def build_bundle(records: list[Record], out: Path, *, language: str = "en", restricted: bool = False) -> float:
    """Index `records` into the bundle folder `out` (created; Pagefind's files are added to it).

    Returns the seconds it took. Raises SearchBundleError when Pagefind cannot run or fails.
    """
    started = time.perf_counter()
    binary = pagefind_binary()
    with tempfile.TemporaryDirectory(prefix="goalsite-search-") as tmp:
        menus_file = write_input(records, Path(tmp), language, restricted=restricted)
        index_folder(Path(tmp), out, language=language, binary=binary)
        shutil.move(menus_file, Path(out) / MENUS_FILE)
    return time.perf_counter() - started


def index_folder(folder: Path, out: Path, *, language: str = "en", binary: Path | None = None) -> None:
    """Run Pagefind on a folder of record files (write_records()), into the bundle folder `out`."""
    binary = binary or pagefind_binary()
    out = Path(out).absolute()
    cmd = [str(binary), "--site", str(Path(folder).absolute()), "--output-path", str(out),
           "--force-language", _language(language), "--quiet"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=folder)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SearchBundleError(f"could not run {binary}: {e}") from None
    if proc.returncode != 0 or not (out / ENTRY_FILE).is_file():
        said = (proc.stderr or proc.stdout).strip()[-2000:]
        raise SearchBundleError(f"Pagefind failed (exit {proc.returncode}): {said or 'no output'}")
    for name in UNUSED:
        (out / name).unlink(missing_ok=True)
    stabilize(out)  # the same records, the same files (stable.py)


def _language(language: str) -> str:
    """Pagefind wants an ISO 639-1 code: "pt-BR" -> "pt"."""
    code = (language or "en").split("-")[0].split("_")[0].lower()
    return code if code.isalpha() else "en"


def link_bundle(bundle: Path, site_dir: Path) -> None:
    """Put the bundle's files into `site_dir/pagefind`, the entry file last, keeping files already there.

    Pagefind names its chunks and fragments after their content, so a browser that loaded the entry of
    an earlier bundle keeps finding the chunks it asks for. Files are hard links where the file system
    allows, else copies. Used by `goalsite serve`, whose site folder is its own.
    """
    target = Path(site_dir) / BUNDLE_DIR
    entry = None
    for path in sorted(Path(bundle).rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(bundle)
        if rel.as_posix() == ENTRY_FILE:
            entry = path
            continue
        _place(path, target / rel)
    if entry is not None:
        _place(entry, target / ENTRY_FILE)


def _place(source: Path, dest: Path) -> None:
    if dest.exists() and dest.stat().st_ino == source.stat().st_ino:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    temp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        os.link(source, temp)
    except OSError:
        shutil.copy2(source, temp)
    os.replace(temp, dest)
