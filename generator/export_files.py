"""The export as files of the site: `api/index.json`, one file per period and unit, and `api/goals.json`.

`export_files(export_json(...)) -> {site path: text}`:

* `api/periods/PERIOD/UNIT.json`: the objectives of one unit in one period (key results nested),
  `{generator, today, restricted, period, unit, objectives}`; one for each entry of the export's
  `files`, so a unit whose objectives are all private has none.
* `api/index.json`: the export without `objectives` and `key_results`, with `"complete": false`;
  its `files` say where the objectives are. It grows with the number of units and people, not with
  their goals (165 KB at 100 teams of benchmarks/synth.py, 1.6 MB at 1,000).
* `api/goals.json`: the whole export (`goalsite export` prints the same document) while the
  per-unit files hold at most SINGLE_FILE_LIMIT characters together; otherwise the same document
  as `api/index.json`. A tool reads `api/goals.json` and, when its `complete` is false, the files
  its `files` list.

Every text is `json.dumps(sort_keys=True, separators=(",", ":"))` of its document plus a line break.
"""

from __future__ import annotations

import json
import operator

from .speed.memo import MISSING, Memo

#: The export's documents, relative to the site root (DESIGN.md names the first).
EXPORT_URI = "api/goals.json"
INDEX_URI = "api/index.json"
#: Above this many characters (about 60 teams of benchmarks/synth.py) in the per-unit files together,
#: `api/goals.json` is the index: the complete document would be about twice as large (key results
#: appear nested and flat), 15 MB at 100 teams and 150 MB at 1,000.
SINGLE_FILE_LIMIT = 5_000_000
_LISTS = ("objectives", "key_results")  # the lists encoded item by item, each item's text kept


def export_files(export: dict, memo: Memo | None = None, *, single_file_limit: int = SINGLE_FILE_LIMIT
                 ) -> dict[str, str]:
    """{site path: text} of every file of the export (see the module docstring), sorted by path."""
    texts = _Texts(memo)
    by_file: dict[tuple[str, str], list[dict]] = {}
    for objective in export["objectives"]:
        by_file.setdefault((objective["period"], objective["unit"]), []).append(objective)
    head = {key: export[key] for key in ("generator", "today", "restricted")}
    outputs = {}
    for entry in export["files"]:
        part = {**head, "period": entry["period"], "unit": entry["unit"],
                "objectives": by_file.get((entry["period"], entry["unit"]), [])}
        outputs[entry["url"]] = texts.document(part) + "\n"
    index = {key: value for key, value in export.items() if key not in _LISTS} | {"complete": False}
    outputs[INDEX_URI] = _dumps(index) + "\n"
    small = sum(map(len, outputs.values())) - len(outputs[INDEX_URI]) <= single_file_limit
    outputs[EXPORT_URI] = texts.document(export) + "\n" if small else outputs[INDEX_URI]
    return dict(sorted(outputs.items()))


class _Texts:
    """The JSON text of documents whose objectives and key results are encoded one by one.

    With the `memo` of a rebuilding shell, the text of each objective and key result is kept with the
    very object it was made from, and used again when the next export shares that object (an unchanged
    file, see export._file_objectives): a large company's export is far too much JSON to encode whole
    on every rebuild of `goalsite serve`. Within one build an object shared by two documents (a per-unit
    file and `api/goals.json`) is encoded once.
    """

    def __init__(self, memo: Memo | None) -> None:
        self._table = (memo or Memo.none()).table("export-text")
        self._now: dict[int, str] = {}

    def item(self, item: dict) -> str:
        key = id(item)  # keyed by id, and the object kept with its text: while kept, its id is no other's
        text = self._now.get(key)
        if text is None:
            text = self._table.get(key, item, operator.is_)
            if text is MISSING:
                text = self._table.put(key, item, _dumps(item))
            self._now[key] = text
        return text

    def document(self, doc: dict) -> str:
        """`_dumps(doc)`, with the items of its `objectives` and `key_results` from `item()`."""
        parts = []
        for key in sorted(doc):
            value = doc[key]
            if key in _LISTS:
                parts.append(f"{_dumps(key)}:[{','.join(self.item(item) for item in value)}]")
            else:
                parts.append(f"{_dumps(key)}:{_dumps(value)}")
        return "{" + ",".join(parts) + "}"


def export_text(export: dict, memo: Memo | None = None) -> str:
    """`json.dumps(export, sort_keys=True, separators=(",", ":"))`, the text of a complete `api/goals.json`."""
    return _Texts(memo).document(export)


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
