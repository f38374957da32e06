"""Reproducible builds: the same goals and --today give byte-identical sites, from any checkout path.

The repo's portal sources (goals/, mkdocs.yml, site_src/, theme/) are copied into two checkouts with
different names at different depths, and each is built with its own mkdocs.yml from its own folder:
every output file must be byte for byte the same, so nothing of the build machine (absolute paths,
the folder's name, the clock) leaks into the site.
"""

from __future__ import annotations

import difflib
import gzip
import shutil
from pathlib import Path

from hardening_support import ROOT, TODAY, run_bounded, tree_bytes

SOURCES = ["goals", "mkdocs.yml", "site_src", "theme"]


def _checkout(where: Path) -> Path:
    where.mkdir(parents=True)
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=shutil.ignore_patterns(".goalsite-generated.json", "__pycache__"))
        else:
            shutil.copy2(src, where / name)
    return where


def _build(checkout: Path, *extra: str) -> dict[str, bytes]:
    run = run_bounded("build", "--goals", "goals", "--today", TODAY, "--site-dir", "site", "-f", "mkdocs.yml",
                      *extra, cwd=checkout, timeout=180)
    assert run.returncode == 0, run.output
    return tree_bytes(checkout / "site")


def _first_difference(a: dict[str, bytes], b: dict[str, bytes]) -> str:
    if a.keys() != b.keys():
        return f"files only in one: {sorted(a.keys() ^ b.keys())[:10]}"
    for name in a:
        if a[name] != b[name]:
            x, y = a[name], b[name]
            if name.endswith(".gz"):
                x, y = gzip.decompress(x), gzip.decompress(y)
            lines = difflib.unified_diff(x.decode("utf-8", "replace").splitlines(),
                                         y.decode("utf-8", "replace").splitlines(), lineterm="", n=0)
            return f"{name} differs:\n" + "\n".join(list(lines)[:20])
    return ""


def test_two_checkouts_at_different_paths_build_byte_identical_sites(tmp_path):
    first = _checkout(tmp_path / "a")
    second = _checkout(tmp_path / "deeper" / "checkout-of-the-portal-with-a-long-name")
    a, b = _build(first), _build(second)
    assert len(a) > 50
    assert a == b, _first_difference(a, b)
    for name, data in a.items():
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        assert str(tmp_path).encode() not in data, f"{name} holds the build's absolute path"
        assert b"/tmp/" not in data and str(ROOT).encode() not in data, f"{name} holds an absolute path"


def test_a_rebuild_over_the_previous_site_is_byte_identical(tmp_path):
    checkout = _checkout(tmp_path / "c")
    first = _build(checkout)
    assert _build(checkout) == first
