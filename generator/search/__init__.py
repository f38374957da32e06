"""Search: the published portal as Pagefind records, indexed into a chunked static bundle (`pagefind/`).

    records.py  the published portal (and the hand-written pages) -> one small HTML record per person,
                unit, objective (its key results as sub-results), KPI, period, retrospective and page
    bundle.py   records -> the bundle: the Pagefind binary indexes them; goalsite.json for the menus
    stage.py    the plugin's search stage: index after each build, in the background while serving

The search box itself is generator/assets/search.js (and search.css): it loads
pagefind/pagefind.js the first time a reader opens it, and each query then
downloads only the index chunks and result fragments it needs.
"""

from .bundle import BUNDLE_DIR, SearchBundleError, build_bundle
from .records import Record, page_record, portal_records
from .stage import SearchStage

__all__ = ["BUNDLE_DIR", "Record", "SearchBundleError", "SearchStage", "build_bundle", "page_record",
           "portal_records"]
