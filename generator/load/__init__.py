"""The loader: the only reader of goal files. A goals folder's YAML and CSV files become located data.

Each YAML file becomes a `Source` whose mappings and lists remember the line and column of every
key and value, so later stages can point at the exact spot of a problem. One job per module:

    folder.py   the folder's layout (org, KPIs, periods), load_goals() -> Goals
    read.py     one goal file: through the fence and the rebuilding shell's memo; read_yaml()
    fence.py    what may be read: only what lies inside the goals folder, names of one line
    parse.py    bytes -> located data, YAML's events built with limits; YAML problems
    scalars.py  plain scalars by YAML 1.2's core schema (`owner: no` is the string "no"), plus dates
    located.py  LocDict, LocList, Source, marks; display paths
    csv.py      the `date,value` series KPIs name

A cold load of a large company parses some period files in a forked process (speed/prefetch.py).
"""

from __future__ import annotations

from ..ids import PERIOD_RE, SLUG_RE
from .csv import CsvSeries, read_csv
from .folder import Goals, LoadStats, load_goals
from .located import LocDict, LocList, Mark, Source, display_path, line_column
from .parse import MAX_DEPTH, MAX_EXPANDED_TEXT, MAX_FILE_BYTES, MAX_VALUES, _type_name, parse_source
from .read import read_yaml
from .scalars import WrittenFloat, WrittenInt, resolve_plain

__all__ = [
    "MAX_DEPTH", "MAX_EXPANDED_TEXT", "MAX_FILE_BYTES", "MAX_VALUES", "PERIOD_RE", "SLUG_RE",
    "CsvSeries", "Goals", "LoadStats", "LocDict", "LocList", "Mark", "Source", "WrittenFloat", "WrittenInt",
    "_type_name", "display_path", "line_column", "load_goals", "parse_source", "read_csv", "read_yaml",
    "resolve_plain",
]
