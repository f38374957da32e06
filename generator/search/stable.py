"""The same records give the same bundle: Pagefind's filter files, put in a fixed order.

Pagefind 1.5 writes each filter's values, and the list of filters in its meta
file, in the order of a hash map with a random seed ("TODO: Change filter
indexes to BTree to give them a stable hash" in its source), so two builds of
the same goals differ in those files and in the names derived from them. The
portal's builds are byte-identical (DESIGN.md), so after Pagefind has written
the bundle, `stabilize()` rewrites them: every filter file's values sorted, the
meta file's filters sorted, the names made from their content, and the entry
file pointed at the new meta file. Searching is unchanged: the files hold the
same data.

The files are gzip streams of "pagefind_dcd" and a CBOR value made of arrays,
text and unsigned integers only (Pagefind's `FilterIndex` and `MetaIndex`);
this module reads and writes exactly that. Should Pagefind change its formats,
a file that does not read as expected is left as it is (the bundle still
works, it is just not reproducible) and `stabilize()` returns False.

What it does not fix: Pagefind numbers the records in the order it finds their
files in the folder, which is the file system's order. On one machine that order
is the same for the same files; another file system may number them otherwise.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


class _Unreadable(Exception):
    """A file that is not the CBOR this module reads."""


def stabilize(bundle: Path) -> bool:
    """Put the bundle's filter files and meta file in a fixed order; False when they were left as they were."""
    bundle = Path(bundle)
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        for index in entry["languages"].values():
            index["hash"] = _stabilize_language(bundle, index["hash"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, _Unreadable):
        return False
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True


def _stabilize_language(bundle: Path, meta_hash: str) -> str:
    language = meta_hash.split("_")[0]
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = _read(meta_path)
    filters = []
    for name, old_hash in meta[3]:
        path = bundle / "filter" / f"{old_hash}.pf_filter"
        values = _read(path)
        values[1].sort(key=lambda value: value[0])
        new_hash = _write_named(bundle / "filter", language, _encode(values), ".pf_filter", 12, path)
        filters.append([name, new_hash])
    meta[3] = sorted(filters)
    new_meta = _write_named(bundle, language, _encode(meta), ".pf_meta", 12, meta_path, prefix="pagefind.")
    return new_meta


def _write_named(folder: Path, language: str, data: bytes, suffix: str, length: int, old: Path,
                 prefix: str = "") -> str:
    """Write `data` as a file named after its content; remove `old`. Returns the new name's hash part."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{language}_{digest[:length]}"
    path = folder / f"{prefix}{name}{suffix}"
    packed = gzip.compress(SIGNATURE + data, mtime=0)
    if path != old:
        old.unlink()
    path.write_bytes(packed)
    return name


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise _Unreadable(path.name)
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise _Unreadable(path.name)
    return value


def _decode(data: bytes, at: int):
    """One CBOR item at `at`: (value, where the next item starts). Unsigned ints, text and arrays only."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        count = info
    elif info <= 27:
        size = 1 << (info - 24)
        count = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise _Unreadable(f"CBOR additional information {info}")
    if major == 0:
        return count, at
    if major == 3:
        return data[at:at + count].decode("utf-8"), at + count
    if major == 4:
        items = []
        for _ in range(count):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise _Unreadable(f"CBOR major type {major}")


def _head(major: int, count: int) -> bytes:
    if count < 24:
        return bytes([major << 5 | count])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if count < 1 << (8 * size):
            return bytes([major << 5 | info]) + count.to_bytes(size, "big")
    raise _Unreadable(f"{count} is too large for CBOR")


def _encode(value) -> bytes:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise _Unreadable(f"cannot encode {type(value).__name__}")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)
