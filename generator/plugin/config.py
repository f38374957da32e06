"""The options of the `goalsite` MkDocs plugin (`plugins: [goalsite: {...}]` in mkdocs.yml).

`enabled` first, then the options grouped by what they are about: what the pipeline reads (the same
options `goalsite build` sets from its flags), how the site is named, and how it is built.
"""

from __future__ import annotations

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config


class PortalConfig(Config):
    """Options of the goalsite plugin; `goalsite build` sets the same options from its flags."""

    enabled = opt.Type(bool, default=True)
    """Run the goal pipeline; when false the plugin does nothing and the site has only hand-written pages."""

    # What the pipeline reads: `goalsite build --goals/--today/--include-private` set these.

    goals_dir = opt.Type(str, default="goals")
    """The goals folder, relative to the folder of mkdocs.yml (or absolute)."""

    today = opt.Optional(opt.Type(str))
    """Score as of this date, YYYY-MM-DD. Default: the day of SOURCE_DATE_EPOCH when set, else today."""

    include_private = opt.Type(bool, default=False)
    """Publish private objectives and KPIs too, with a "Restricted build" banner on every page.

    Only for a site that stays behind access control: a private goal must never reach the public portal."""

    # The site's name.

    site_name_from_company = opt.Type(bool, default=True)
    """Name the site after the company in org.yaml ("Acme Corp goals") instead of mkdocs.yml's site_name."""

    # How the pages are built.

    html_fast_path = opt.Type(bool, default=True)
    """Hand the raw HTML blocks of generated pages around Python-Markdown, which gives them back unchanged
    anyway, and, when a user added Material's search plugin back, the parts it skips around its parser
    (plugin/rawblocks.py): the same site, built faster. Off to compare the two, or for another plugin that
    must read those parts in on_page_content."""

    search = opt.Type(bool, default=True)
    """Build the portal's search index with Pagefind into `pagefind/` (generator/search/); the search box is
    assets/search.js. Off: no index, and no search box (the plugin drops assets/search.* from the page)."""
