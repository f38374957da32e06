"""axe-core on every page type of the example company, light and dark: no serious or critical violation.

axe-core is self-hosted: `make test` installs it with npm into .venv/axe (pinned in the Makefile), and
GOALSITE_AXE points at another axe.min.js. Each page gets it with Playwright's add_script_tag(path=...),
so no request leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("GOALSITE_AXE") or ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js")

#: One page of each type of the example company (built as of conftest.TODAY).
PAGE_TYPES = {
    "home": "",
    "periods": "periods/",
    "period": "periods/2026-Q4/",
    "retrospective": "retrospectives/2026-Q3/",
    "unit": "units/storefront/",
    "unit-period": "units/storefront/2026-Q4/",
    "people": "people/storefront/",
    "kpi-catalogue": "kpis/",
    "kpi": "kpis/conversion-rate/",
    "guide": "guide/scoring/",
}
SERIOUS = ("serious", "critical")


def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `make test` (it runs npm install --prefix .venv/axe "
                    "axe-core), or point GOALSITE_AXE at an axe.min.js", pytrace=False)
    return AXE


def run_axe(page) -> list[dict]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} node(s))")
        for node in v["nodes"][:3]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_serious_axe_violation(site, browser, kind, scheme, charts):
    path = PAGE_TYPES[kind]
    assert path in site.pages, f"the example company has no {kind} page at {path!r}"
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(site.href(path))
        if path in site.chart_pages:
            charts(page)  # the drawn charts are part of the page axe looks at
        scheme_name = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert scheme_name == ("slate" if scheme == "dark" else "default")
        violations = run_axe(page)
        assert not violations, f"axe on {kind} ({path or 'home'}, {scheme}):\n{describe(violations)}"
    finally:
        context.close()
