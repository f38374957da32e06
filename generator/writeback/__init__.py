"""Commands that write goal files: `goalsite checkin` and `goalsite rollover`.

Like cli.py this is a shell around the pure core, and the only module besides it that
writes goal files. Every write follows the same four rules:

* **Round trip.** Files are edited with ruamel.yaml's round-trip mode: comments, key
  order, quoting and the file's own indentation are kept. A check-in must change
  nothing but the lines it adds; when ruamel cannot reproduce a file byte for byte
  the edit is refused rather than the file reformatted (`writeback.reformat`).
* **Validated first.** The edited files are written into a temporary copy of the
  goals folder and the real pipeline runs on it; any error is reported against the
  real file and nothing is written.
* **No overwrite** of a check-in on the same date or of an existing file without `force`.
* **Atomic.** A file is replaced in one `os.replace` of a fully written and fsynced
  file in the same folder, so a crash leaves either the old file or the new one.
* **One at a time.** The commands hold the goals folder's lock (goalfile.py) from their first
  read to their last write, so a second command starts from the first one's result. A file keeps
  its line ends, its BOM and its lack of a final line end (goalfile.py `Layout`).
"""

from __future__ import annotations

from ..publish import TEMP_SUFFIX, write_atomic
from .checkin import TEXT_FIELDS, find_checkin_file, plan_checkin
from .edits import Edit, Refused, Rollover, Usage
from .goalfile import LOCK_NAME, lock_goals
from .rollover import plan_rollover, rollover_units, target_span
from .roundtrip import added_lines, detect_indent, dump_rt, load_rt, only_additions
from .validate import validate_edits

__all__ = [
    "LOCK_NAME", "TEMP_SUFFIX", "TEXT_FIELDS", "Edit", "Refused", "Rollover", "Usage",
    "added_lines", "detect_indent", "dump_rt", "find_checkin_file", "load_rt", "lock_goals", "only_additions",
    "plan_checkin", "plan_rollover", "rollover_units", "target_span", "validate_edits", "write_atomic",
]
