"""CSV series: the `date,value` files that KPIs name with `data:`, read from inside the goals folder."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

from ..problems import Location, Problem, error, has_controls
from .fence import Fence, bad_name
from .located import display_path
from .parse import MAX_FILE_BYTES

if TYPE_CHECKING:
    from .folder import Goals


@dataclass
class CsvSeries:
    """A `date,value` CSV file: rows as (line, date text, value text)."""

    path: str
    rows: list[tuple[int, str, str]] = field(default_factory=list)


def load_csv_files(goals: Goals, fence: Fence) -> None:
    """Read the CSV file named by each KPI's `data:`; the path must stay inside the goals folder."""
    for source in goals.kpis:
        kpis = source.data.get("kpis") if isinstance(source.data, dict) else None
        if not isinstance(kpis, list):
            continue
        for i, kpi in enumerate(kpis):
            ref = kpi.get("data") if isinstance(kpi, dict) else None
            if not isinstance(ref, str) or ref in goals.csv:
                continue
            where = source.at("kpis", i, "data")
            real, problem = _safe_data_path(fence, goals.root, ref, where)
            if problem:
                goals.problems.append(problem)
                continue
            series, problems = read_csv(fence, real, display_path(goals.root / ref))
            goals.problems += problems
            if series is not None:
                goals.csv[ref] = series


def _safe_data_path(fence: Fence, root: Path, ref: str, where: Location) -> tuple[str | None, Problem | None]:
    """The resolved path of a `data:` reference; a problem when it leaves the goals folder or names nothing."""
    parts = Path(ref).parts
    if has_controls(ref):
        return None, bad_name(where, ref)
    if not ref or Path(ref).is_absolute() or ".." in parts or "\\" in ref:
        bad = "a path that leaves the goals folder"
    elif (real := fence.find(root.joinpath(*parts))) is None:
        bad = "a path through a symbolic link that leads outside it"
    else:
        try:
            if S_ISREG(fence.stat(real).st_mode):
                return real, None
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError:
            return real, None  # read_csv() says what is wrong
        return None, error(where, "load.data-missing", f"Expected a CSV file at {ref} in the goals folder, got nothing there",
                           "Paths are relative to the goals folder: data: data/KPI-ID.csv.")
    return None, error(where, "load.data-outside", f"Expected a path inside the goals folder, got {bad}: {ref!r}",
                       "Put the CSV under goals/data/ and write data: data/NAME.csv.")


def read_csv(fence: Fence, real: str, display: str) -> tuple[CsvSeries | None, list[Problem]]:
    """Read the `date,value` CSV file at a resolved path (see Fence) into rows; values are checked by the model."""
    try:
        if fence.stat(real).st_size > MAX_FILE_BYTES:
            return None, [error(Location(display), "load.too-large",
                                f"Expected a CSV file under {MAX_FILE_BYTES // (1024 * 1024)} MB, got a larger one")]
        text = fence.read(real).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [error(Location(display), "load.encoding", "Expected UTF-8 text, got other bytes", "Save the file as UTF-8.")]
    except OSError as exc:
        return None, [fence.unreadable(Location(display), exc, "CSV file")]
    # newline="": a lone carriage return ends a line, as in the csv module's own files and in editors.
    reader = csv.reader(io.StringIO(text, newline=""))
    series = CsvSeries(display)
    try:
        header = next(reader, None)
        if [h.strip().lower() for h in header or []] != ["date", "value"]:
            return None, [error(Location(display, 1, 1), "load.csv-header",
                                f"Expected the header `date,value`, got {','.join(header or []) or 'an empty file'!r}",
                                "The first line of a metric CSV is exactly: date,value")]
        problems = []
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != 2:
                problems.append(error(Location(display, line, 1), "load.csv-row",
                                      f"Expected 2 columns (date,value), got {len(row)}"))
                continue
            series.rows.append((line, row[0].strip(), row[1].strip()))
    except csv.Error as exc:  # a field too large for the csv module, say
        return None, [error(Location(display, max(1, reader.line_num), 1), "load.csv-syntax",
                            f"Expected rows of date,value, got text the CSV reader stops at: {exc}",
                            "Each line holds a date, a comma and a number; quote nothing.")]
    return series, problems
