"""People pages: everyone A-Z (paged), and one page per unit with a section per person.

Each person has a page of their own (person.py). `people/index.md` lists everyone when they fit on
one page (`PEOPLE_PAGE`), else the ranges of names of `people/list/<n>.md`, pages of `PEOPLE_PAGE`
people each: no people page grows with the company. `people/<unit>.md#person-<id>` (the address of
a person before they had a page) keeps its anchors: each section names the person, their title and
what they lead, and links to their page.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import OrgUnit, Person
from .links import people_list_path, people_path, person_anchor
from .page import Pages
from .parts import Links
from .person import leads_by_person
from .site import Site
from .text import escape_meta

PEOPLE_PAGE = 500
"""People a page of the A-Z list: ~75 KB of HTML at most."""
INDEX = "people/index.md"


def _chunks(site: Site) -> list[list[Person]]:
    """Everyone A-Z in pages of PEOPLE_PAGE (one, maybe empty, page at least)."""
    everyone = sorted(site.portal.people.values(), key=lambda p: (p.name.casefold(), p.id))
    return [everyone[i:i + PEOPLE_PAGE] for i in range(0, len(everyone), PEOPLE_PAGE)] or [[]]


def people_list_pages(site: Site) -> list[str]:
    """The paths of the A-Z pages (none when everyone fits on the index)."""
    count = -(-len(site.portal.people) // PEOPLE_PAGE)  # as many as _chunks() makes, without sorting everyone
    return [people_list_path(n) for n in range(1, count + 1)] if count > 1 else []


def render_people_pages(pages: Pages) -> None:
    site = pages.site
    chunks = _chunks(site)
    if pages.owns(INDEX):  # before gathering anything for it
        links = pages.links(INDEX)
        if len(chunks) == 1:
            pages.add(INDEX, "people.md.j2", "People", ["people"], rows=_rows(links, chunks[0]), ranges=[])
        else:
            ranges = [{"link": links.to(f"{c[0].name} – {c[-1].name}", people_list_path(n)), "count": len(c)}
                      for n, c in enumerate(chunks, 1)]
            pages.add(INDEX, "people.md.j2", "People", ["people"], rows=[], ranges=ranges)
    if len(chunks) > 1:
        for n, chunk in enumerate(chunks, 1):
            _render_list_page(pages, n, len(chunks), chunk)
    leads = leads_by_person(site)
    for unit in site.units_in_order:
        if unit.people:
            _render_unit_people(pages, unit, leads)


def _rows(links: Links, people: list[Person]) -> list[dict]:
    return [{"link": links.person(p), "title": p.title or "", "unit": links.unit(p.unit)} for p in people]


def _render_list_page(pages: Pages, number: int, count: int, people: list[Person]) -> None:
    path = people_list_path(number)
    if not pages.owns(path):
        return
    links = pages.links(path)
    pages.add(path, "people_list.md.j2", f"People {people[0].name} – {people[-1].name}", [],
              rows=_rows(links, people), everyone=links.to("All people", INDEX),
              previous=links.to("Previous", people_list_path(number - 1)) if number > 1 else "",
              next=links.to("Next", people_list_path(number + 1)) if number < count else "",
              number=number, count=count)


def _render_unit_people(pages: Pages, unit: OrgUnit, leads: dict[str, list[OrgUnit]]) -> None:
    path = people_path(unit.id)
    if not pages.owns(path):
        return
    links = pages.links(path)
    people = sorted(unit.people, key=lambda p: (p.name.casefold(), p.id))
    views = []
    for person in people:
        held = pages.site.holdings.get(person.id)
        views.append({
            "anchor": Markup(escape_meta(person_anchor(person.id))),
            "link": links.person(person),
            "title": person.title or "",
            "leads": [links.unit(u) for u in leads.get(person.id, [])],
            "owns": len(held.objectives) + len(held.key_results) if held else 0,
            "collaborates": len(held.collaborations) if held else 0,
            "kpis": len(held.kpis) if held else 0,
        })
    pages.add(path, "people_unit.md.j2", f"People of {unit.name}", [unit.name],
              unit_link=links.unit(unit), people=views)
