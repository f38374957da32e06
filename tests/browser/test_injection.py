"""Goal text is untrusted input: script payloads planted in every kind of text field stay text.

A copy of goals/ gets payloads in the titles, descriptions, check-ins, names, tags, metric units,
initiative titles and links of a public Q4 team file, in org.yaml and kpis.yaml and in a closed
period's retrospective. It is built with the real CLI and served; the browser then visits the pages
those fields appear on, searches for a payload and clicks every link that carries one. Nothing may
run, no element may carry a payload as markup, and the reader still sees the payload as text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import rewrite_yaml

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # conftest's gate fails every test with what to install
    PlaywrightError = Exception

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
MD_LINK = "[click](javascript:window.__pwned=1)"
IFRAME = '<iframe src="javascript:window.__pwned=1"></iframe>'
PLOTLY_LINK = '<a href="javascript:window.__pwned=1">plotly link</a>'
JINJA = "{{ 7*7 }}"
JINJA_BLOCK = "{% if true %}X{% endif %}"
ATTR_LIST = '{: onclick="window.__pwned=1"}'
#: Every payload at once: each planted field holds "<marker> <ALL>" so a test can tell fields apart.
ALL = " ".join([SCRIPT, IMG, SVG, MD_LINK, IFRAME, PLOTLY_LINK, JINJA, JINJA_BLOCK, ATTR_LIST])
#: The page of the planted team's objectives in the running quarter.
TEAM_PAGE = "units/storefront/2026-Q4/"
JS_LINKS = ["javascript:window.__pwned=1", "  JaVaScRiPt:window.__pwned=1", "data:text/html,<script>window.__pwned=1</script>"]


def _payload(marker: str) -> str:
    return f"{marker} {ALL}"


def _plant_org(org) -> None:
    org["company"]["mission"] = _payload("Zqmission")
    org["company"]["strategy"] = _payload("Zqstrategy") + "\n\n" + ATTR_LIST + "\n"
    for unit in org["units"]:
        if unit["id"] == "storefront":
            unit["name"] = _payload("Zqunitname")
            unit["description"] = _payload("Zqunitdescription")
            unit["kind"] = _payload("Zqunitkind")
    for person in org["people"]:
        if person["id"] == "kwame":
            person["name"] = _payload("Zqpersonname")
            person["title"] = _payload("Zqpersontitle")


def _plant_kpis(kpis) -> None:
    kpi = next(k for k in kpis["kpis"] if k["id"] == "customer-retention")
    kpi["name"] = _payload("Zqkpiname")
    kpi["description"] = _payload("Zqkpidescription")
    kpi["calculation"] = _payload("Zqkpicalculation")
    kpi["source"] = _payload("Zqkpisource")
    kpi["metric"]["unit"] = _payload("Zqkpiunit")


def _plant_team(team) -> None:
    objective = team["objectives"][0]
    objective["title"] = _payload("Zqobjectivetitle")
    objective["description"] = _payload("Zqobjectivedescription")
    objective["tags"] = [_payload("Zqtag"), "checkout"]
    kr = objective["key_results"][0]
    kr["title"] = _payload("Zqkrtitle")
    kr["metric"]["unit"] = _payload("Zqmetricunit")
    checkin = kr["checkins"][-1]
    checkin["note"] = _payload("Zqnote")
    checkin["blockers"] = _payload("Zqblockers")
    checkin["next"] = _payload("Zqnext")
    objective["initiatives"].append({"title": "third", "owner": "ines", "status": "planned"})
    for i, initiative in enumerate(objective["initiatives"]):
        initiative["title"] = _payload(f"Zqinitiative{i}")
        initiative["link"] = JS_LINKS[i % len(JS_LINKS)]
    second = team["objectives"][1]
    second["title"] = SCRIPT + " " + JINJA
    second["key_results"][1]["title"] = MD_LINK + " " + JINJA_BLOCK


def _plant_retrospective(team) -> None:
    retro = team["retrospective"]
    for key in ("went_well", "to_improve", "lessons"):
        if key in retro and retro[key]:
            retro[key][0] = _payload(f"Zqretro{key.replace('_', '')}")


@pytest.fixture(scope="module")
def pwned_site(tmp_path_factory, build_and_serve):
    """A copy of goals/ with payloads planted, built with the real CLI as of 2026-11-22 and served."""
    work = tmp_path_factory.mktemp("pwned")
    goals = work / "goals"
    shutil.copytree(ROOT / "goals", goals)
    rewrite_yaml(goals / "org.yaml", _plant_org)
    rewrite_yaml(goals / "kpis.yaml", _plant_kpis)
    rewrite_yaml(goals / "2026-Q4" / "storefront.yaml", _plant_team)
    rewrite_yaml(goals / "2026-Q3" / "storefront.yaml", _plant_retrospective)
    return build_and_serve(goals, work)


#: Fields every reader must be able to see somewhere on the site (the rest are reported when missing).
SHOWN = ["Zqmission", "Zqunitname", "Zqpersonname", "Zqkpiname", "Zqkpisource", "Zqkpicalculation",
         "Zqobjectivetitle", "Zqkrtitle", "Zqnote", "Zqinitiative0", "Zqretrowentwell", "Zqretrolessons"]

INERT = r"""() => {
  const bad = [];
  if (typeof window.__pwned !== 'undefined') bad.push('window.__pwned is ' + window.__pwned);
  for (const s of document.querySelectorAll('script')) {
    if ((s.textContent || '').includes('__pwned') || (s.getAttribute('src') || '').includes('pwned'))
      bad.push('a <script> carries the payload: ' + s.outerHTML.slice(0, 160));
  }
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value;
      if (name.startsWith('on') && value.includes('__pwned'))
        bad.push(`<${el.localName} ${name}="${value.slice(0, 80)}">`);
      if (/(^|:)(href|src|action|formaction|data|srcdoc)$/.test(name)
          && (/^[\s\u0000-\u001f]*javascript:/i.test(value) || (value.includes('pwned') && /^\s*(data|vbscript):/i.test(value))))
        bad.push(`<${el.localName} ${name}="${value.slice(0, 80)}">`);
    }
  }
  if (document.querySelector('a[href^="javascript:" i]')) bad.push('a[href^="javascript:"] exists');
  for (const el of document.querySelectorAll('iframe, frame, object, embed'))
    bad.push('an <' + el.localName + '> exists: ' + el.outerHTML.slice(0, 160));
  return bad;
}"""


def _assert_inert(page, where: str) -> None:
    page.wait_for_timeout(50)  # an onerror/onload handler would have fired by now
    bad = page.evaluate(INERT)
    assert not bad, f"{where} ({page.url}):\n  " + "\n  ".join(bad)


#: The pages the brief of these tests names: home, the team's unit pages, people, KPI and period pages.
VISIT = ["", "units/", "units/storefront/", TEAM_PAGE, "units/storefront/2026-Q3/", "people/", "people/storefront/",
         "kpis/", "kpis/customer-retention/", "periods/2026-Q4/commerce/"]
# (The period's own page lists departments, not teams' objectives: the storefront team's are on
# its department's page of the period, periods/2026-Q4/commerce/.)


def _visit_list(site) -> list[str]:
    """VISIT, plus as few other pages as cover every planted field the site shows anywhere."""
    pages = [p for p in VISIT if p in site.pages]
    html = {p: site.html(p) for p in site.pages}
    shown = {m for text in html.values() for m in re.findall(r"Zq[a-z0-9]+", text)}
    seen = {m for p in pages for m in re.findall(r"Zq[a-z0-9]+", html[p])}
    for path, text in html.items():
        if path not in pages and set(re.findall(r"Zq[a-z0-9]+", text)) - seen:
            pages.append(path)
            seen |= set(re.findall(r"Zq[a-z0-9]+", text))
    assert seen == shown
    return pages


def test_planted_fields_are_published(pwned_site):
    html = "\n".join(pwned_site.html(p) for p in pwned_site.pages)
    missing = [marker for marker in SHOWN if marker not in html]
    assert not missing, f"these planted fields appear on no page: {missing}"
    for path in VISIT:
        assert path in pwned_site.pages and "Zq" in pwned_site.html(path), f"{path or 'home'} shows no planted field"


#: Plain-text fields show the whole payload verbatim: (page, planted marker).
VERBATIM = [
    (TEAM_PAGE, "Zqobjectivetitle"), (TEAM_PAGE, "Zqkrtitle"), (TEAM_PAGE, "Zqinitiative0"), (TEAM_PAGE, "Zqtag"),
    ("units/storefront/", "Zqunitname"), ("people/storefront/", "Zqpersonname"),
    ("kpis/customer-retention/", "Zqkpiname"), ("kpis/customer-retention/", "Zqkpisource"),
    ("kpis/customer-retention/", "Zqkpicalculation"),
]
#: Markdown fields may drop raw HTML, but show the rest as text and never evaluate template syntax.
AS_MARKDOWN = [("", "Zqmission"), ("units/storefront/", "Zqunitdescription"), (TEAM_PAGE, "Zqnote"),
               ("kpis/customer-retention/", "Zqkpidescription"), ("units/storefront/2026-Q3/", "Zqretrolessons")]


def test_payloads_read_as_text(pwned_site, page):
    texts = {}
    for path in sorted({p for p, _ in VERBATIM + AS_MARKDOWN}):
        page.goto(pwned_site.href(path), wait_until="load")
        texts[path] = page.locator(".md-content").inner_text()
    wrong = [f"{path or 'home'}: {marker} is not shown verbatim" for path, marker in VERBATIM
             if f"{marker} {ALL}" not in texts[path]]
    for path, marker in AS_MARKDOWN:
        shown = texts[path].split(marker, 1)
        if len(shown) < 2:
            wrong.append(f"{path or 'home'}: {marker} is not shown")
        elif f"{JINJA} {JINJA_BLOCK}" not in shown[1][:400]:
            wrong.append(f"{path or 'home'}: the template syntax after {marker} is not shown as written: "
                         f"{shown[1][:200]!r}")
    assert not wrong, "\n".join(wrong)


LINKS_WITH_PAYLOADS = r"""() => [...document.querySelectorAll('a')]
  .map((a) => ({text: (a.textContent || '').trim(), href: a.getAttribute('href') || a.getAttribute('xlink:href') || ''}))
  .filter((l) => /pwned|Zq/.test(l.text + ' ' + l.href))"""

MARK_LINK = r"""([href, text]) => {
  for (const old of document.querySelectorAll('[data-test-click]')) old.removeAttribute('data-test-click');
  const a = [...document.querySelectorAll('a')].find((a) =>
    (a.getAttribute('href') || a.getAttribute('xlink:href') || '') === href && (a.textContent || '').trim() === text);
  if (a) a.setAttribute('data-test-click', '');
  return !!a;
}"""


def test_pages_and_links_with_payloads_run_no_script(pwned_site, page, charts):
    """Open every page a planted field shows on (home, unit, people, KPI, period pages, ...), then click
    every link that carries planted text in its text or its href, on each of them."""
    popups = []
    page.context.on("page", lambda popup: popups.append(popup))
    clicked = set()
    for path in _visit_list(pwned_site):
        url = pwned_site.href(path)
        page.goto(url, wait_until="load")
        if path in pwned_site.chart_pages:
            charts(page)  # Plotly renders titles and units as SVG text: it must not make markup of them
        _assert_inert(page, path or "home")
        for link in page.evaluate(LINKS_WITH_PAYLOADS):
            if link["href"] in clicked:
                continue
            clicked.add(link["href"])
            if urlsplit(page.url).path != urlsplit(url).path:
                page.goto(url, wait_until="load")
            assert page.evaluate(MARK_LINK, [link["href"], link["text"]]), f"{link} vanished from {path}"
            page.evaluate("document.querySelector('[data-md-component=container]').setAttribute('data-test-old', '')")
            target = page.locator("[data-test-click]")
            try:
                target.click(trial=True, timeout=1500)  # actionability only: visible, stable, not covered
            except PlaywrightError:  # hidden or covered (Material's skip link): activate it as a script would
                target.dispatch_event("click")
            else:
                target.click()
            page.wait_for_load_state("load")
            if urlsplit(page.url).path != urlsplit(url).path:  # wait for instant navigation to swap the content
                page.wait_for_function("() => !document.querySelector('[data-test-old]')")
            _assert_inert(page, f"after clicking {link['text'][:60]!r} (href {link['href'][:80]!r}) on {path or 'home'}")
            for popup in popups:
                popup.wait_for_load_state("load")
                assert popup.evaluate("typeof window.__pwned") == "undefined", f"the popup of {link} ran the payload"
                popup.close()
            popups.clear()
    assert len(clicked) >= 3, f"only {len(clicked)} links carry planted text: {sorted(clicked)}"


def test_search_for_a_payload_runs_no_script(pwned_site, page):
    page.goto(pwned_site.href(""), wait_until="load")
    page.keyboard.press("/")  # the portal's search box (assets/search.js)
    field = page.locator(".goalsite-search__input")
    field.press_sequentially("Zqkrtitle", delay=15)
    page.locator(".goalsite-search__result").first.wait_for(state="attached")
    _assert_inert(page, "search results for 'Zqkrtitle'")
    assert "Zqkrtitle" in page.locator(".goalsite-search__results").inner_text()
    field.fill("")
    field.press_sequentially("pwned", delay=15)
    page.wait_for_function("() => document.querySelector('.goalsite-search').getAttribute('data-settled') === 'pwned'")
    _assert_inert(page, "search results for 'pwned'")
    results = page.eval_on_selector_all(".goalsite-search__results a", "els => els.map(a => a.href)")
    for href in results[:6]:
        page.goto(href, wait_until="load")
        _assert_inert(page, f"search result {href}")
