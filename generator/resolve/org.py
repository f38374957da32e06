"""The org tree and the people of org.yaml: parents, leads, units of people; duplicate ids and loops."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..load import Source
from ..model import Org
from ..problems import error
from .nodes import OrgUnit, Person

if TYPE_CHECKING:
    from .portal import Resolver


def resolve_org(r: Resolver, org: Org, src: Source) -> tuple[dict[str, OrgUnit], dict[str, Person]]:
    """The units (the company first) and the people of org.yaml by id, linked into one tree."""
    units = _units(r, org, src)
    people = _people(r, org, src, units)
    _link_units(r, org, src, units, people)
    _unit_loops(r, org, src, units)
    for unit in units.values():
        if unit.parent is not None:
            unit.parent.children.append(unit)
    _link_people(r, org, src, units, people)
    return units, people


def _units(r: Resolver, org: Org, src: Source) -> dict[str, OrgUnit]:
    company = OrgUnit(org.company.id, org.company.name, "company", None, is_company=True)
    units: dict[str, OrgUnit] = {company.id: company}
    for i, u in zip(r.model.places(org, "units"), org.units):
        if u.id in units:
            first = "the company id" if u.id == company.id else f"line {src.at('units', _index(r, org, u.id), 'id').line}"
            r.problems.append(error(src.at("units", i, "id"), "resolve.duplicate-id",
                                    f"units.id: Expected each unit id once, got {u.id!r} again ({first})"))
            continue
        units[u.id] = OrgUnit(u.id, u.name, u.kind, u.description)
    return units


def _people(r: Resolver, org: Org, src: Source, units: dict[str, OrgUnit]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for i, p in zip(r.model.places(org, "people"), org.people):
        if p.id in people or p.id in units:
            clash = "a unit's id" if p.id in units else "another person's id"
            r.problems.append(error(src.at("people", i, "id"), "resolve.duplicate-id",
                                    f"people.id: Expected an id of its own, got {p.id!r}, which is {clash}",
                                    "Units and people share one namespace, because `informed:` can name either."))
            continue
        people[p.id] = Person(p.id, p.name, p.title)
    return people


def _link_units(r: Resolver, org: Org, src: Source, units: dict[str, OrgUnit], people: dict[str, Person]) -> None:
    """Each unit's parent (the company by default) and lead."""
    company = units[org.company.id]
    for i, u in zip(r.model.places(org, "units"), org.units):
        unit = units.get(u.id)
        if unit is None or unit.is_company:
            continue
        parent_id = u.parent or company.id
        if parent_id in units:
            unit.parent = units[parent_id]
        else:
            r.unknown(src.at("units", i, "parent"), "unit", parent_id, units, f"org/{parent_id}")
            unit.parent = company
        if u.lead:
            unit.lead = people.get(u.lead)
            if unit.lead is None:
                r.unknown(src.at("units", i, "lead"), "person", u.lead, people, f"org/{u.lead}")


def _link_people(r: Resolver, org: Org, src: Source, units: dict[str, OrgUnit], people: dict[str, Person]) -> None:
    """Each person's unit, and the people of each unit."""
    for i, p in zip(r.model.places(org, "people"), org.people):
        person = people.get(p.id)
        if person is None:
            continue
        person.unit = units.get(p.unit)
        if person.unit is None:
            r.unknown(src.at("people", i, "unit"), "unit", p.unit, units, f"org/{p.unit}")
        else:
            person.unit.people.append(person)


def _unit_loops(r: Resolver, org: Org, src: Source, units: dict[str, OrgUnit]) -> None:
    reported: set[str] = set()
    for start in units.values():
        chain, unit = [], start
        while unit is not None and unit not in chain and unit.id not in reported:
            chain.append(unit)
            unit = unit.parent
        if unit is None or unit.id in reported:
            continue
        loop = chain[chain.index(unit):]
        reported.update(u.id for u in loop)
        first = min(loop, key=lambda u: _index(r, org, u.id))
        names = " → ".join(u.id for u in loop[loop.index(first):] + loop[:loop.index(first)] + [first])
        r.problems.append(error(src.at("units", _index(r, org, first.id), "parent"), "resolve.unit-loop",
                                f"parent: Expected the unit tree to lead up to the company, got a loop: {names}",
                                "Point one of these units' `parent:` at a unit outside the loop."))
        for u in loop:  # break the loop so later walks up the tree end
            u.parent = units[org.company.id] if u is first else u.parent
    return None


def _index(r: Resolver, org: Org, unit_id: str) -> int:
    """Where in org.yaml's `units:` the first unit with this id is."""
    return next(i for i, item in zip(r.model.places(org, "units"), org.units) if item.id == unit_id)



def linked_people(r: Resolver, ids: list[str], people: dict[str, Person], src: Source, path: tuple) -> list[Person]:
    """The people named by `ids` (at `path` in `src`); each unknown name is reported."""
    out = []
    for j, name in enumerate(ids):
        person = people.get(name)
        if person is None:
            r.unknown(src.at(*path, j), "person", name, people, f"org/{name}")
        else:
            out.append(person)
    return out
