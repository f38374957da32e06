"""Where every generated page lives, its anchors, and relative links between pages.

Paths are docs-relative posix paths of .md files; MkDocs turns them into URLs
(with `use_directory_urls`, `units/sales/2026-Q4.md` is `units/sales/2026-Q4/`)
and validates the links, so pages link to each other's .md files only.
Ids are slugs (no `_`), so `kr-<objective>__<kr>` cannot collide.
"""

from __future__ import annotations

import functools
import hashlib
import re

from markupsafe import Markup

from .text import escape_text


def unit_index_path(unit_id: str) -> str:
    return f"units/{unit_id}/index.md"


def unit_period_path(unit_id: str, period_id: str) -> str:
    return f"units/{unit_id}/{period_id}.md"


def period_path(period_id: str) -> str:
    return f"periods/{period_id}.md"


def people_path(unit_id: str) -> str:
    return f"people/{unit_id}.md"


def person_path(person_id: str) -> str:
    """A person's own page. Units and people share one namespace of ids, so it never meets `people_path`."""
    return f"people/{person_id}.md"


def people_list_path(number: int) -> str:
    """Page `number` (1, 2, ...) of everyone A-Z, when everyone does not fit on `people/index.md`."""
    return f"people/list/{number}.md"


def tag_slug(tag: str) -> str:
    """The id of a tag in paths: the tag itself when it is a slug, else a slug of it with a hash of the
    tag (so "Q&A" and "q-a" never share a page)."""
    slug = re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-")[:40].strip("-")
    if slug == tag:
        return slug
    digest = hashlib.blake2b(tag.encode("utf-8"), digest_size=4).hexdigest()
    return f"{slug}-{digest}" if slug else digest


def tag_path(tag: str, number: int = 1) -> str:
    """Page `number` of the goals of a tag: `tags/<slug>/index.md`, then `tags/<slug>/2.md`, ..."""
    return f"tags/{tag_slug(tag)}/index.md" if number == 1 else f"tags/{tag_slug(tag)}/{number}.md"


TAGS_INDEX = "tags/index.md"


def kpi_path(kpi_id: str) -> str:
    return f"kpis/{kpi_id}.md"


def objective_anchor(objective_id: str) -> str:
    return f"obj-{objective_id}"


def key_result_anchor(objective_id: str, kr_id: str) -> str:
    return f"kr-{objective_id}__{kr_id}"


def person_anchor(person_id: str) -> str:
    return f"person-{person_id}"


def relative_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """The link from one .md page to another (or to an anchor of itself)."""
    target = "" if to_page == from_page else _relpath(from_page, to_page)
    return f"{target}#{anchor}" if anchor else target


@functools.lru_cache(maxsize=1 << 16)
def _relpath(from_page: str, to_page: str) -> str:
    """posixpath.relpath(to_page, dirname(from_page)) for our docs-relative paths (no "." or ".." parts).

    A large portal asks for tens of thousands of links, and posixpath.relpath normalises both paths
    through the current directory every time.
    """
    here, there = from_page.split("/")[:-1], to_page.split("/")
    common = 0
    for a, b in zip(here, there[:-1]):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def site_url(page: str, anchor: str | None = None) -> str:
    """The site-relative URL of a page under `use_directory_urls` (for the JSON export)."""
    if page == "index.md":
        url = ""
    elif page.endswith("/index.md"):
        url = page[: -len("index.md")]
    else:
        url = page[: -len(".md")] + "/"
    return f"{url}#{anchor}" if anchor else url


def site_root(page: str) -> str:
    """The relative URL from a page, as served under `use_directory_urls`, to the site root.

    "index.md" -> "", "periods/index.md" -> "../", "units/sales/2026-Q4.md" (served at
    "units/sales/2026-Q4/") -> "../../../". For URLs MkDocs does not rewrite: chart data.
    """
    return "../" * site_url(page).count("/")


def url_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A relative URL between served pages (not .md files), for links MkDocs never sees."""
    return site_root(from_page) + site_url(to_page, anchor) or "./"


def md_link(label: object, from_page: str, to_page: str, anchor: str | None = None) -> Markup:
    """A Markdown link with an escaped label."""
    return Markup(f"[{escape_text(label)}]({relative_link(from_page, to_page, anchor)})")
