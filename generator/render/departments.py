"""Departments: how the company-wide pages of a period split what grows with the company.

A period's page and its retrospective summarise the company and its departments (the
company's direct children) and link down to one page per department of the period:

    periods/<period>/<department>.md          its units' objectives, unit by unit
    retrospectives/<period>/<department>.md   its units' final scores, rolled over, abandoned, lessons

A department is every unit below it (tree order, itself first). A department whose units
hold more than PAGE_OBJECTIVES objectives in the period is split into pages of whole units:
the first at the paths above, the next ones at `<that path without .md>/<n>.md` (n = 2, 3, ...),
each linking to all the others. So no page grows with the company: its size is bounded by
the size of one unit's file, and the company-wide pages list departments, not units.

A company may have hundreds of departments (a flat org: every team directly under the company). So
every list of the company's departments (the departments' table of a period's page and of its
retrospective, the units index) shows DEPARTMENTS_PAGE of them, the rest on further pages
`<folder>/_departments/<n>.md` (n = 2, 3, ...; no unit id holds "_"), each linking to all the
others (`list_pages`, `pager`); the company's summary stays on the first page.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..resolve import OrgUnit, Period
from .parts import Links

#: Objectives on one page of a department (whole units: a unit larger than this has a page of its own).
PAGE_OBJECTIVES = 200
#: Up to this many departments a period's page and its retrospective draw their scores as a bar chart; beyond,
#: the table alone (a chart of hundreds of bars says nothing, and would grow the page with the company).
CHART_DEPARTMENTS = 40
#: Departments listed on one page of a company-wide list; the rest on further pages (list_pages).
DEPARTMENTS_PAGE = 100


@dataclass
class DepartmentPage:
    """One page of a department in a period: its units with published files there."""

    path: str
    number: int
    units: list[OrgUnit]


@dataclass
class ListPage:
    """One page of a company-wide list of departments: `items` of it, at `path`."""

    path: str
    number: int
    items: list


def list_pages(first: str, folder: str, items: list, size: int | None = None,
               name: str = "_departments") -> list[ListPage]:
    """`items` in pages of at most `size` (DEPARTMENTS_PAGE): the first at `first`, the next ones at
    `<folder>/<name>/<n>.md` (a name no id can take: ids hold no "_"). Always one page, if an empty one."""
    size = size or DEPARTMENTS_PAGE
    starts = range(0, len(items), size) if items else [0]
    return [ListPage(first if n == 1 else f"{folder}/{name}/{n}.md", n, items[start:start + size])
            for n, start in enumerate(starts, start=1)]


def department_groups(site) -> list[tuple[OrgUnit, list[OrgUnit]]]:
    """Each department (a child of the company), in org order, with its units in tree order (itself first)."""
    groups: list[tuple[OrgUnit, list[OrgUnit]]] = []
    for unit in site.units_in_order[1:]:  # the company comes first
        if unit.parent is site.portal.company:
            groups.append((unit, [unit]))
        elif groups:
            groups[-1][1].append(unit)
    return groups


def department_file_path(folder: str, period_id: str, unit_id: str, number: int = 1) -> str:
    """`<folder>/<period>/<department>.md`, then `.../<department>/<n>.md` ("index" is kept off the period's own URL)."""
    name = "index-" if unit_id == "index" else unit_id
    base = f"{folder}/{period_id}/{name}"
    return f"{base}.md" if number == 1 else f"{base}/{number}.md"


def department_pages(site, folder: str, period: Period, units: list[OrgUnit],
                     limit: int = PAGE_OBJECTIVES) -> list[DepartmentPage]:
    """The pages of one department in a period: units with a published file there, in whole-unit chunks
    of at most `limit` objectives (a larger unit alone)."""
    shown = [u for u in units if (period.id, u.id) in site.files]
    chunks: list[list[OrgUnit]] = []
    count = limit  # start a chunk on the first unit
    for unit in shown:
        size = len(site.objectives(period.id, unit.id))
        if chunks and count + size <= limit:
            chunks[-1].append(unit)
            count += size
        else:
            chunks.append([unit])
            count = size
    dept = units[0].id
    return [DepartmentPage(department_file_path(folder, period.id, dept, n), n, chunk)
            for n, chunk in enumerate(chunks, start=1)]


def department_list(site, folder: str, period: Period, groups, first: str) -> list[ListPage]:
    """The pages of a company-wide table of the period's departments (`folder`: "periods" or
    "retrospectives"), the first at `first`: each page's items are (department, its units, its pages of
    the period in `folder`), for the departments with a page or a score."""
    scores = site.scores.periods[period.id].department_scores
    items = []
    for dept, units in groups:
        chunks = department_pages(site, folder, period, units)
        if chunks or scores.get(dept.id) is not None:
            items.append((dept, units, chunks))
    return list_pages(first, f"{folder}/{period.id}", items)


def pager(links: Links, pages: list[DepartmentPage] | list[ListPage], here: DepartmentPage | ListPage) -> Markup:
    """"Page 1 of 3: **1** · 2 · 3" (links to the others); "" for a department of one page."""
    if len(pages) < 2:
        return Markup("")
    parts = [Markup(f"**{p.number}**") if p is here else links.to(str(p.number), p.path) for p in pages]
    return Markup(f"Page {here.number} of {len(pages)}: ") + Markup(" · ").join(parts)


__all__ = ["CHART_DEPARTMENTS", "DEPARTMENTS_PAGE", "PAGE_OBJECTIVES", "DepartmentPage", "ListPage", "department_list", "list_pages", "department_file_path", "department_groups", "department_pages", "pager"]
