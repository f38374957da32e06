"""Pages of the previous render, reused when nothing they are made from has changed.

A rebuild after one goal edit (`goalsite serve`) would otherwise render every
page of the company again. The pages are kept in the table "render" of the
memo that the rebuilding shell passes to render_pages(). Each page gets a
key (`PageKey`): the goal files it is made from, with their content hashes
(load.py), and a hash of everything every page may show (`_common`: org.yaml, the
KPI files and their CSV data, the build date, whether private goals are
published, the target history, which unit files exist). A page whose key is
the one it was last rendered with is taken as it was.

The files a page is made from are found in the portal as it is now, so a goal
that starts or stops linking to a page changes the page's set of files, and
with it its key:

* a unit's page of a period: that file, and the files of every goal its
  objectives and key results link to (what they align to, what aligns to
  them, where they were rolled over from and to);
* a unit's overview: all of the unit's files and what they link to;
* a unit's people page: the files of every goal its people own or work on;
* a period's page: every file of the period and what they link to;
* a period's retrospective: the same, and the files of the earlier periods
  of its kind that it compares it with;
* a department's page of a period or of its retrospective: the files of the
  department's units in the period and what they link to;
* a KPI's page: the files of the key results that move it;
* a person's page: the files of every goal they own or work on;
* the indexes of people (and its A-Z pages), teams and KPIs: none (they show
  the org and the KPIs only);
* a tag's page: the files of the objectives it lists, and which objectives
  they are (a goal that takes or drops the tag moves others from page to page);
* the tags index: the number of objectives of each tag (all that it shows);
* every other page (home, the other indexes): all files.

A page whose key cannot be made (no content hash: files not read by
load_goals()) is always rendered. `tests/unit/test_render_cache.py` edits
goal files in every way that crosses files and checks that the cached render
equals a fresh one.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Iterable

from ..resolve import KeyResultNode, ObjectiveNode, UnitPeriod
from ..speed.memo import MISSING, Table
from .links import TAGS_INDEX, kpi_path, people_path, period_path, person_path, unit_index_path, unit_period_path
from .people import people_list_pages
from .retro import compared_periods, retro_path
from .tags import tag_counts, tag_pages

if TYPE_CHECKING:
    from .site import Holdings, Site

PageKey = tuple
"""A page's key: the hash of what every page shows, the tokens of the files the page is made from (a
frozenset: no order, no hashing of its own, and unchanged files compare as equal bytes), and what else
decides the page. Compared with `==` only (speed/memo.py)."""


#: The index pages: each shows something of every goal file, so every goal edit changes its key.
INDEXES = ("index.md", "periods/index.md", "units/index.md", "people/index.md", "kpis/index.md",
           "retrospectives/index.md")


#: The indexes that show only what every page may show (`_common`: the org, the KPIs and which files exist):
#: everyone, the teams and the KPI catalogue. A goal edit leaves them as they are.
ORG_INDEXES = ("people/index.md", "units/index.md", "kpis/index.md")


def company_wide(path: str) -> bool:
    """Whether a page shows the whole company (an index, a period's page, a retrospective): the pages a
    goal edit nearly always changes, and in a large company the largest ones (`goalsite serve` may defer them)."""
    return path in INDEXES or path.startswith(("periods/", "retrospectives/"))


def reusable_pages(table: Table, keys: dict[str, PageKey]) -> dict[str, str]:
    """The pages of the last render (the memo's `table`) whose key is unchanged; kept for the next too."""
    out = {}
    for path, key in keys.items():
        text = table.get(path, key)
        if text is not MISSING:
            out[path] = text
    return out


def keep_pages(table: Table, keys: dict[str, PageKey], rendered: dict[str, str]) -> None:
    """Keep the pages rendered this time for the next render, with their keys (pages that are gone,
    or left for a later render, are not kept)."""
    for path, text in rendered.items():
        key = keys.get(path)
        if key is not None:
            table.put(path, key, text)


class _Tokens(dict):
    """What a key holds of each goal file (a UnitPeriod): its name and its content hash; a file that
    load_goals() did not read, its name only."""

    def __missing__(self, up: UnitPeriod) -> bytes:
        return f"{up.period.id}:{up.unit.id}\0".encode("utf-8")


class _Keys:
    """Makes the pages' keys from what every page shows (`common`) and the tokens of their files."""

    def __init__(self, common: bytes, tokens: _Tokens) -> None:
        self.common, self.tokens = common, tokens

    def __call__(self, files: Iterable[UnitPeriod], *shown: object) -> PageKey:
        """The key of a page made from `files` (and what every page shows), and from `shown` if given:
        what else decides the page (which goals of those files it lists, say)."""
        tokens = self.tokens
        return self.common, frozenset([tokens[f] for f in files]), shown


def page_keys(site: "Site") -> dict[str, PageKey]:
    """The key of every page that can be cached; {} when a goal file has no content hash."""
    by_name: dict[tuple[str, str], bytes] = {}
    for pid, files in site.build.goals.periods.items():
        for unit, source in files.items():
            if source.digest is None:
                return {}
            by_name[(pid, unit)] = f"{pid}:{unit}\0".encode("utf-8") + source.digest
    common = _common(site)
    if common is None:
        return {}
    common = _hash(common)
    everything = _hash(common, sorted(by_name.items()))
    periods = site.portal.periods.values()
    tokens = _Tokens({up: by_name[(period.id, unit_id)] for period in periods
                      for unit_id, up in period.files.items() if (period.id, unit_id) in by_name})
    key = _Keys(common, tokens)
    # Each file with the files its goals link to, found once: the pages of its period and of its unit
    # are keyed by unions of these.
    linked = {up: [up, *linked_files(up.objectives)] for period in periods for up in period.files.values()}
    keys = _period_keys(site, key, linked)
    _department_keys(site, keys, key, linked)
    _people_keys(site, keys, key)
    for path in people_list_pages(site):
        keys[path] = key(())
    _tag_keys(site, keys, key)
    for kpi in site.kpis:  # its values are common to every page; its page lists the key results that move it
        keys[kpi_path(kpi.id)] = key(kr.objective.file for kr in kpi.moved_by)
    for path in INDEXES:
        keys[path] = key(()) if path in ORG_INDEXES else (everything,)
    return keys


def _period_keys(site: "Site", key: _Keys, linked: dict[UnitPeriod, list[UnitPeriod]]) -> dict[str, PageKey]:
    """A period's page and its retrospective, and a unit's pages of a period and its overview."""
    keys: dict[str, PageKey] = {}
    by_unit: dict[str, list[UnitPeriod]] = {}
    for period in site.portal.periods.values():
        files = [f for up in period.files.values() for f in linked[up]]
        keys[period_path(period.id)] = key(files)
        # A retrospective also compares its period's scores with those of the earlier ones of its kind.
        compared = [up for p in compared_periods(site, period) for up in p.files.values()]
        keys[retro_path(period.id)] = key([*files, *compared])
        for unit_id, up in period.files.items():
            keys[unit_period_path(unit_id, period.id)] = key(linked[up])
            by_unit.setdefault(unit_id, []).extend(linked[up])
    for unit in site.units_in_order:
        keys[unit_index_path(unit.id)] = key(by_unit.get(unit.id, ()))
    return keys


def _people_keys(site: "Site", keys: dict[str, PageKey], key: _Keys) -> None:
    """A person's page, and a unit's people page: the files of every goal they own or work on."""
    held_files = {pid: _held_files(held) for pid, held in site.holdings.items()}
    for pid, files in held_files.items():
        keys[person_path(pid)] = key(files)
    for unit in site.units_in_order:
        keys[people_path(unit.id)] = key(set().union(*(held_files.get(p.id, ()) for p in unit.people)))


def _held_files(held: "Holdings") -> set[UnitPeriod]:
    """The files of the goals a person owns or works on."""
    files = {o.file for o in held.objectives}
    files.update([kr.objective.file for kr in held.key_results])
    files.update([o.file for o in held.collaborations])
    return files


def _department_keys(site: "Site", keys: dict[str, PageKey], key: _Keys,
                     linked: dict[UnitPeriod, list[UnitPeriod]]) -> None:
    """A department's pages of a period (and of its retrospective): the files of all its units there (its
    roll-ups and how its pages are split) and what they link to."""
    from .departments import department_groups, department_pages

    groups = department_groups(site)
    for period in site.portal.periods.values():
        for _, units in groups:
            files = [f for u in units if (up := period.files.get(u.id)) is not None for f in linked[up]]
            for folder in ("periods", "retrospectives"):
                for page in department_pages(site, folder, period, units):
                    keys[page.path] = key(files)


def _tag_keys(site: "Site", keys: dict[str, PageKey], key: _Keys) -> None:
    """A tag's page: the files of the objectives it lists, and which ones they are (a goal that takes or
    drops the tag moves the others from page to page); the tags index: each tag's count."""
    for page in tag_pages(site):
        keys[page.path] = key((n.file for n in page.nodes), page.tag, page.number, page.count,
                              [n.ref for n in page.nodes])
    keys[TAGS_INDEX] = key((), tag_counts(site))


def linked_files(nodes: Iterable[ObjectiveNode]) -> list[UnitPeriod]:
    """The files of every goal these objectives and their key results link to, or are linked from."""
    linked: list[ObjectiveNode | KeyResultNode] = []
    for node in nodes:
        linked += node.parents
        linked += node.children
        linked += node.rolled_over_to
        if node.rolled_over_from is not None:
            linked.append(node.rolled_over_from)
        for kr in node.key_results:
            linked += kr.children
    return list({(n.objective if isinstance(n, KeyResultNode) else n).file: None for n in linked})


def _common(site: "Site") -> list | None:
    """What any page may show besides its own files; None when it cannot be hashed."""
    build, goals = site.build, site.build.goals
    sources = [goals.org, *goals.kpis]
    if any(s is None or s.digest is None for s in sources):
        return None
    return [
        [s.digest for s in sources],
        sorted((name, repr(series.rows)) for name, series in goals.csv.items()),
        build.today.isoformat(), build.include_private, build.history_read,
        repr(sorted(build.history.items())) if build.history is not None else None,
        sorted(site.files), sorted((p, sorted(files)) for p, files in goals.periods.items()),
    ]


def _hash(*parts: object) -> bytes:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=20).digest()
