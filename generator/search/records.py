"""The published portal -> search records: one small HTML document per thing a reader looks for.

A record is what Pagefind ranks and returns as one result. The portal's pages are
the wrong unit for that (every person of a unit shares one page, a unit's period
page holds sixteen key results), so the records are made from the published view
of the portal (render.site.Site), not from the pages:

    person         people/<unit>/#person-<id>          name, job title, unit, the units they lead
    unit           units/<unit>/                       name, kind, parent, lead, description
    objective      units/<unit>/<period>/#obj-<id>     title, description, owner, unit, period, tags,
                                                       initiatives; each key result a heading of its own
                                                       (a sub-result that opens the key result) with its
                                                       owner, status and latest check-in; its status
                                                       and owner filters hold its key results' too
    kpi            kpis/<kpi>/                         name, description, calculation, source, owner, unit
    period         periods/<period>/                   the period, its dates
    retrospective  retrospectives/<period>/            the period's retrospective
                   units/<unit>/<period>/#retrospective  what a unit wrote in it
    page           the home page (the company's mission, vision, purpose, strategy) and every
                   hand-written page (the guide), from its rendered HTML

What is published is Site's decision alone: objectives come from `Site.objectives()`,
KPIs from `Site.kpis`, retrospectives through `Site.show_retrospective()`. A private
goal therefore never becomes a record unless the build includes private goals
(a restricted build), and then its record says so (meta `private`).

A record's names and titles are its first heading (Pagefind weighs it most); who
owns a goal and where it lives are low-weight text, so that a person's name finds
that person first and their goals after. Filters (kind, unit, department (the unit's
ancestor directly under the company), period, status, owner, tag) and the lines a result
shows (meta) sit in the head, outside the
body (Pagefind 1.5 indexes the words of meta too, at the weight of plain text:
they stay short). Goal text is escaped; Markdown fields are reduced to their words.

An objective's status and owner filters hold its key results' too. Every filter value a record has
is also in its text as a filter word (`filter_word`: "zqx" and seven letters, the FNV-1a hash of
"name=value" in base 26), first in its body, and a key result's own status and owner are
words of its section: with no words typed, the search box searches the words of the chosen filter
values (search.js computes the same words), which finds the records the filters alone find, shows
the key results that have the chosen status or owner as sub-results, and downloads only the index
chunks of those words (Pagefind 1.5 downloads every chunk of the index for a search with filters
and no words).

A value that more than SHARD_RECORDS records hold is split into shards (`shard_counts`): a power of
two of them, k, and each record's word for it ends in the low bits of the record's bucket (the FNV-1a
hash of its URL) as letters, "a" for 0 and "b" for 1, log2(k) of them (`shard_suffix`). Pagefind's work
for one search grows with the square of the records it finds (it looks up each result's locations in
the list of all of them), so the search box searches each shard of the most split value chosen on its
own, with whole shard words (Pagefind loads one index chunk a word: a word that begins several would
miss those in other chunks), and merges the results: "at risk" at 5,000 teams is 32 searches of some
600 records, not one of 20,000. goalsite.json lists the split values and the values whose words are
the same (search.js then also passes Pagefind the filter).
No reader types these words, and search.js drops them from the excerpts it shows.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from ..speed import gc as gc_policy
from ..render.kpis import HEALTH_WORDS
from ..render.links import (kpi_path, key_result_anchor, objective_anchor, period_path, person_path,
                            site_url, unit_index_path, unit_period_path)
from ..render.parts import STATUS_WORDS
from ..render.retro import retro_path
from ..render.site import Site
from ..resolve import KeyResultNode, KpiNode, ObjectiveNode, OrgUnit, Person

#: The kinds of record (the `kind` filter's values), in the order the search box offers them, with the
#: label of one result and of the choice in the search box.
KINDS = {"person": ("Person", "People"), "unit": ("Unit", "Units"), "objective": ("Objective", "Objectives"),
         "kpi": ("KPI", "KPIs"), "period": ("Period", "Periods"),
         "retrospective": ("Retrospective", "Retrospectives"), "page": ("Page", "Pages")}
#: The filters every record may carry (Pagefind `data-pagefind-filter`).
FILTERS = ("kind", "unit", "department", "period", "status", "owner", "tag")
#: Weight of the lines that say who owns a goal and where it lives (Pagefind's plain text weighs 1, an h1 7).
CONTEXT_WEIGHT = "0.5"
#: Weight of the filter words (never typed by a reader: they only find, never rank).
FILTER_WORD_WEIGHT = "0.1"
#: What every filter word starts with (search.js: FILTER_WORD).
FILTER_WORD_PREFIX = "zqx"
#: Records above which a filter value's word is split into shards (shard_counts).
SHARD_RECORDS = 1000

#: (filter, value) -> how many shards its word has (1 for a value not split): shard_counts().
Shards = dict[tuple[str, str], int]


@dataclass(frozen=True)
class FilterWords:
    """The filter words of these values, a paragraph of a record's body: rendered by Record.html(), which
    knows the record's bucket and the values split into shards."""

    filters: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class Record:
    """One search result: where it leads, and the HTML document Pagefind indexes for it."""

    url: str
    """Site-relative URL of what the result opens: "units/storefront/2026-Q4/#obj-faster-checkout"."""
    title: str
    kind: str
    body: list[str | FilterWords] = field(default_factory=list)
    """Pieces of HTML (escaped already) after the title heading, and the filter words of key results."""
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The record's file in the folder Pagefind indexes; Pagefind derives the result's URL from it.

        "units/x/2026-Q4/#obj-y" -> "units/x/2026-Q4/obj-y.html" (search.js turns the result URL
        "/units/x/2026-Q4/obj-y.html" back into "/units/x/2026-Q4/#obj-y"); "units/x/" -> "units/x/index.html".
        """
        page, _, anchor = self.url.partition("#")
        return f"{page}{anchor or 'index'}.html"

    @property
    def bucket(self) -> int:
        """Which shard of a split value's word the record holds: the FNV-1a hash of its URL (shard_suffix)."""
        return fnv1a_32(self.url.encode("utf-8"))

    def html(self, language: str, shards: Shards | None = None) -> str:
        """The document Pagefind reads: filters and meta in the head, the indexed text in the body (the filter
        words of the values in `shards` split by the record's bucket)."""
        filters = {"kind": [self.kind], **self.filters}
        meta = {"kind": self.kind, **self.meta}
        bucket = self.bucket if shards else 0
        head = [f'<meta data-pagefind-filter="{name}[content]" content="{_attr(value)}">'
                for name in FILTERS for value in filters.get(name, ())]
        head += [f'<meta data-pagefind-meta="{name}[content]" content="{_attr(value)}">'
                 for name, value in meta.items() if value]
        return (f'<!doctype html><html lang="{_attr(language)}"><head><meta charset="utf-8">'
                f"<title>{_text(self.title)}</title>{''.join(head)}</head>"
                f'<body><main data-pagefind-body><h1 data-pagefind-meta="title">{_text(self.title)}</h1>'
                f"{_words(_filter_values(filters), shards, bucket)}"
                f"{''.join(_words(b.filters, shards, bucket) if isinstance(b, FilterWords) else b for b in self.body)}"
                "</main></body></html>")


def portal_records(site: Site) -> list[Record]:
    """Every record of the published portal (the hand-written pages come from page_record()).

    Without the cycle collector: it would walk the portal's millions of objects again and again
    while the records are made (most of the time it took at 1,000 teams).
    """
    with gc_policy.paused():
        return [*_home(site), *_people(site), *_units(site), *_objectives(site), *_kpis(site), *_periods(site),
                *_retrospectives(site)]


def page_record(url: str, title: str, content_html: str) -> Record:
    """A hand-written page (the guide) as one record: its rendered content, split by its headings."""
    body = _HEADERLINK_RE.sub("", _HEADING_H1_RE.sub("", content_html, count=1))  # the title is the record's own
    return Record(url, title or url, "page", [body])


# --- the records of each kind ---------------------------------------------------------------------


def _home(site: Site) -> Iterator[Record]:
    company = site.portal.org.company
    texts = [_para(_markdown_words(getattr(company, key))) for key in ("mission", "vision", "purpose", "strategy")]
    yield Record("", f"{company.name} goals", "page", [t for t in texts if t])


def _people(site: Site) -> Iterator[Record]:
    leads: dict[str, list[OrgUnit]] = {}
    for unit in site.units_in_order:
        if unit.lead is not None:
            leads.setdefault(unit.lead.id, []).append(unit)
    for unit in site.units_in_order:
        for person in sorted(unit.people, key=lambda p: (p.name.casefold(), p.id)):
            yield _person(unit, person, leads.get(person.id, []))


def _person(unit: OrgUnit, person: Person, leads: list[OrgUnit]) -> Record:
    about = " · ".join(filter(None, [person.title, unit.name]))
    led = ", ".join(u.name for u in leads)
    body = [_para(_text(about)), _para(_text(f"Leads {led}") if led else "")]
    return Record(site_url(person_path(person.id)), person.name, "person",  # the person's own page
                  [b for b in body if b], {"context": about}, _where(unit))


def _units(site: Site) -> Iterator[Record]:
    for unit in site.units_in_order:
        parent = f"part of {unit.parent.name}" if unit.parent is not None else ""
        lead = f"led by {unit.lead.name}" if unit.lead is not None else ""
        context = " · ".join(filter(None, [unit.kind, parent, lead]))
        body = [_para(_text(context)), _para(_markdown_words(unit.description))]
        yield Record(site_url(unit_index_path(unit.id)), unit.name, "unit", [b for b in body if b],
                     {"context": context}, _where(unit))


def _where(unit: OrgUnit) -> dict[str, list[str]]:
    """The unit and department filters of a record of `unit`: its name, and its department's (the unit, or
    its ancestor, directly under the company; none for the company itself)."""
    chain = [unit, *unit.ancestors()]
    return {"unit": [unit.name], **({"department": [chain[-2].name]} if len(chain) > 1 else {})}


def _objectives(site: Site) -> Iterator[Record]:
    for nodes in site.files.values():  # newest period first, units by id
        for node in nodes:
            yield _objective(site, node)


def _objective(site: Site, node: ObjectiveNode) -> Record:
    status = STATUS_WORDS.get(site.scores.objectives[node.ref].status, "")
    owner = node.owner.name if node.owner is not None else ""
    context = " · ".join(filter(None, [node.unit.name, node.period.id, owner, status]))
    body = [_para(_markdown_words(node.obj.description)), _para(_text(context), CONTEXT_WEIGHT)]
    if node.obj.tags:
        body.append(_para(_text(" ".join(node.obj.tags)), CONTEXT_WEIGHT))
    initiatives = "; ".join(i.title for i in node.obj.initiatives)
    if initiatives:
        body.append(_para(_text(initiatives), CONTEXT_WEIGHT))
    statuses, owners = [status], [owner]
    for kr in node.key_results:
        kr_status = STATUS_WORDS.get(site.scores.key_results[kr.ref].status, "")
        kr_owner = kr.owner.name if kr.owner is not None else ""
        body += _key_result(kr, kr_owner, kr_status)
        statuses.append(kr_status)
        owners.append(kr_owner)
    meta = {"context": context, "status": site.scores.objectives[node.ref].status,
            "private": "private" if node.private else ""}
    filters = {**_where(node.unit), "period": [node.period.id], "status": _distinct(statuses),
               "owner": _distinct(owners), "tag": _distinct(node.obj.tags)}
    return Record(site_url(unit_period_path(node.unit.id, node.period.id), objective_anchor(node.id)),
                  node.obj.title, "objective", body, meta, filters)


def _key_result(kr: KeyResultNode, owner: str, status: str) -> list[str]:
    """The key result's heading, then its owner, status and latest check-in: the words its status and owner
    filters search for when no words are typed (search.js), which make it a sub-result of the objective."""
    anchor = key_result_anchor(kr.objective.id, kr.id)
    out = [f'<h2 id="{_attr(anchor)}">{_text(kr.kr.title)}</h2>']
    latest = kr.checkins[-1] if kr.checkins else None
    words = [owner, status]
    if latest is not None:
        words += [_plain(latest.note), _plain(latest.blockers)]
    line = " · ".join(w for w in words if w)
    if line:
        out.append(_para(_text(line), CONTEXT_WEIGHT))
    out.append(FilterWords(_filter_values({"status": [status] if status else [], "owner": [owner] if owner else []})))
    return out


def _kpis(site: Site) -> Iterator[Record]:
    for kpi in site.kpis:
        yield _kpi(site, kpi)


def _kpi(site: Site, kpi: KpiNode) -> Record:
    k = kpi.kpi
    health = site.scores.kpis.get(kpi.id)
    word = HEALTH_WORDS[health.healthy] if health is not None else ""
    owner = kpi.owner.name if kpi.owner is not None else ""
    unit = kpi.unit.name if kpi.unit is not None else ""
    context = " · ".join(filter(None, ["KPI", k.indicator or "", unit, owner, word]))
    body = [_para(_markdown_words(k.description)), _para(_text(" ".join(filter(None, [k.calculation, k.source])))),
            _para(_text(context), CONTEXT_WEIGHT)]
    meta = {"context": context, "private": "private" if kpi.private else ""}
    filters = {**(_where(kpi.unit) if kpi.unit is not None else {}), "status": [word] if word else [],
               "owner": [owner] if owner else []}
    return Record(site_url(kpi_path(kpi.id)), k.name, "kpi", [b for b in body if b], meta, filters)


def _periods(site: Site) -> Iterator[Record]:
    for period in site.periods_newest:
        state = period.state(site.today)
        context = f"{period.kind} · {period.start.isoformat()} – {period.end.isoformat()} · {state}"
        yield Record(site_url(period_path(period.id)), f"Period {period.id}", "period", [_para(_text(context))],
                     {"context": context}, {"period": [period.id]})


def _retrospectives(site: Site) -> Iterator[Record]:
    for period in site.periods_newest:
        if period.state(site.today) != "closed":
            continue
        yield Record(site_url(retro_path(period.id)), f"Retrospective of {period.id}", "retrospective",
                     [_para(_text(f"Final scores, lessons and what rolled over in {period.id}"))],
                     {"context": period.id}, {"period": [period.id]})
        for _unit_id, up in sorted(period.files.items()):
            if site.show_retrospective(up):
                yield _unit_retrospective(up.unit, period.id, up.retrospective, up.private)


def _unit_retrospective(unit: OrgUnit, period_id: str, retro, private: bool) -> Record:
    # The unit's name is context, not title: searched by its name, the unit itself comes first.
    context = f"{unit.name} · {period_id}"
    body = [_para(_text(context), CONTEXT_WEIGHT)]
    body += [_para(_markdown_words(item)) for part in (retro.went_well, retro.to_improve, retro.lessons)
             for item in part]
    return Record(site_url(unit_period_path(unit.id, period_id), "retrospective"),
                  f"Retrospective {period_id}", "retrospective", [b for b in body if b],
                  {"context": context, "private": "private" if private else ""},
                  {**_where(unit), "period": [period_id]})


# --- text -------------------------------------------------------------------------------------------

_HEADING_H1_RE = re.compile(r"<h1[\s>].*?</h1>", re.S)
#: The permalink MkDocs' toc extension puts in each heading ("¶").
_HEADERLINK_RE = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
#: Markdown link and image targets, and HTML-looking tags: not words a reader searches for.
_MD_TARGET_RE = re.compile(r"\]\([^)]*\)|<[^<>]*>")
_MD_MARKS_RE = re.compile(r"[*_`#>|~\[\]!]+")


def _text(value: object) -> str:
    return html.escape(" ".join(str(value).split()), quote=False)


def _attr(value: object) -> str:
    return html.escape(" ".join(str(value).split()), quote=True)


def _plain(source: str | None) -> str:
    """The words of a short Markdown field, as plain text."""
    if not source:
        return ""
    return " ".join(_MD_MARKS_RE.sub(" ", _MD_TARGET_RE.sub(" ", source)).split())


def _markdown_words(source: str | None) -> str:
    """The words of a Markdown field, escaped: what a reader reads, without link targets or markup."""
    return _text(_plain(source)) if source else ""


def _para(text: str, weight: str | None = None) -> str:
    if not text:
        return ""
    return f'<p data-pagefind-weight="{weight}">{text}</p>' if weight else f"<p>{text}</p>"


def filter_word(name: str, value: str, shard: str = "") -> str:
    """The word a record holds for its filter value: "zqx" + the FNV-1a 32-bit hash of the UTF-8 of
    "name=value" (value with its whitespace collapsed, as Pagefind reports it) in base 26, "a" to "z", 7 letters;
    then the record's `shard` of a split value (shard_suffix).

    Letters only: Pagefind indexes a word of letters and digits in parts too, and finds the words a typed
    word begins, so that a reader's "gs" would find every record with a word "gsf1x2..."; no reader types
    "zq". search.js (filterWord) computes the same word for the value a reader chooses.
    """
    digest = fnv1a_32(f"{name}={' '.join(str(value).split())}".encode("utf-8"))
    digits = ""
    while digest:
        digest, rest = divmod(digest, 26)
        digits = "abcdefghijklmnopqrstuvwxyz"[rest] + digits
    return FILTER_WORD_PREFIX + digits.rjust(7, "a") + shard


def shard_suffix(bucket: int, shards: int) -> str:
    """The end of a split value's word in a record of this bucket: the low log2(shards) bits of `bucket`,
    lowest first, "a" for 0 and "b" for 1 ("" for a value not split). Shard s of the most split value
    chosen (k shards) is shard s mod j of a value of j shards: the search box searches s = 0 to k - 1."""
    return "".join("ab"[bucket >> bit & 1] for bit in range(shards.bit_length() - 1))


def shard_counts(records: Iterable[Record], per: int = SHARD_RECORDS) -> Shards:
    """How many shards each filter value's word has: the least power of two that leaves at most about `per`
    records in each (1 for a value of at most `per` records), halved until every shard holds a record.

    Pagefind ignores a searched word that no record holds: a search of an empty shard's word and another
    word would find the other word's records."""
    held: dict[tuple[str, str], list[int]] = {}
    for record in records:
        bucket = record.bucket
        for name, values in _filter_values({"kind": [record.kind], **record.filters}):
            for value in values:
                held.setdefault((name, value), []).append(bucket)
    shards = {}
    for key, buckets in held.items():
        count = 1 << max(0, -(-len(buckets) // per) - 1).bit_length()
        while count > 1 and len({bucket % count for bucket in buckets}) < count:
            count //= 2
        shards[key] = count
    return shards


def same_words(records: Iterable[Record]) -> list[tuple[str, str]]:
    """The (filter, value) pairs whose filter word another pair has too (32-bit hashes collide now and then
    in a large company): the search box filters those with Pagefind's filters as well."""
    pairs = {(name, value) for record in records
             for name, values in _filter_values({"kind": [record.kind], **record.filters}) for value in values}
    seen: dict[str, list[tuple[str, str]]] = {}
    for name, value in pairs:
        seen.setdefault(filter_word(name, value), []).append((name, value))
    return sorted(pair for same in seen.values() if len(same) > 1 for pair in same)


def fnv1a_32(data: bytes) -> int:
    """The 32-bit FNV-1a hash of `data`."""
    digest = 0x811C9DC5
    for byte in data:
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return digest


def _words(filters: tuple[tuple[str, tuple[str, ...]], ...], shards: Shards | None, bucket: int) -> str:
    """The filter words of these values in a record of this bucket, as one paragraph of the least weight."""
    shards = shards or {}
    words = dict.fromkeys(filter_word(name, value, shard_suffix(bucket, shards.get((name, value), 1)))
                          for name, values in filters for value in values)
    return _para(" ".join(words), FILTER_WORD_WEIGHT)


def _filter_values(filters: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The values of each filter, in FILTERS order, whitespace collapsed as Pagefind reports them."""
    return tuple((name, tuple(" ".join(str(v).split()) for v in filters[name])) for name in FILTERS
                 if filters.get(name))


def _distinct(values: Iterable[str]) -> list[str]:
    """The non-empty values, each once, in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))


def filter_values(records: Iterable[Record], name: str) -> list[str]:
    """The distinct values of one filter over `records`, in first-seen order."""
    return list(dict.fromkeys(v for r in records for v in r.filters.get(name, ())))
