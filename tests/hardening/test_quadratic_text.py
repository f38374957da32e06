"""Markdown fields of 20,000 characters that Python-Markdown renders in the square of their length build in seconds.

Every Markdown field (descriptions, the company's mission and friends, check-in texts,
retrospective items) goes through Python-Markdown and the sanitizer (render/text.py), then its
HTML through MkDocs' own pass over the page. Before render/linear.py, 20,000 characters of
`[a](` took 4 s to render, `[a](b) ` 14 s and `[a]() ` 35 s, each growing with the square of
the length (100 KB: minutes), while `goalsite check` passed in a fraction of a second. The
build here, of every such pattern at once, took 214 s; it takes about 4 s now.
"""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import markdown
import yaml
from mkdocs.config import load_config

from tests.conftest import least_cpu_seconds
from hardening_support import MINIMAL_GOALS, ROOT, TODAY, copy_goals, goalsite_exe

from generator.model import MAX_MARKDOWN_CHARS, MAX_TEXT_CHARS

LENGTH = MAX_MARKDOWN_CHARS
"""The length of each Markdown field: the most one will hold (20,000 characters)."""
WALL_LIMIT = 120
"""Seconds on the clock after which a build is stopped and the test fails (before the fix: 214 s)."""

#: Each pattern repeated to LENGTH characters; a pair is (first half, second half).
PATTERNS = {
    # Links and images: scanned to the end of the paragraph from every `[` or `](`.
    "link-open": "[a](", "image-open": "![a](", "link-nested": "[[a](", "link-angle": "[a](<",
    "links": "[a](b) ", "images": "![a](b) ", "titled-links": '[a](b "t") ', "empty-links": "[a]() ",
    "links-and-text": "[a](b) x ", "link-paren": "[a](b(", "link-quote": "[a]('x) ",
    "references": "[a][", "brackets": "[", "parens-after-bracket": ("[a]", "("),
    # Raw HTML: html.parser reads from every `<` that never closes to the end of the text.
    "tags-open": "<a ", "tag-names": "<ab", "tags-newline": "<a\n", "tags-slash": "<a/",
    "tags-attribute": "<a b=", "tags-quote": '<a b="', "end-tags": "</a ", "autolinks": "<http://",
    "automails": "<a@", "comments": "<!--", "open-then-close": ("<em>", "</a>"),
    "open-then-comments": ("<em>", "<!---->"),
    # Python-Markdown's other syntax, for good measure.
    "backticks": "`", "emphasis": "*a", "underscores": "_a", "entities": "&#", "escapes": "\\",
    "quotes": "> ", "nested-quotes": ">", "fences": "```\n", "tables": "|", "list-indent": "    - a\n",
    "reference-definitions": "[r]: http://x\n",
}


def _field(pattern: str | tuple[str, str], mark: str, length: int = LENGTH) -> str:
    """`length` characters of `pattern`, ending in `mark` (a word the page must show)."""
    tail = f" {mark}"
    body = length - len(tail)
    if isinstance(pattern, tuple):
        first, second = (p * (body // 2 // len(p) + 1) for p in pattern)
        text = first[:body // 2] + second[:body - body // 2]
    else:
        text = (pattern * (body // len(pattern) + 1))[:body]
    return text + tail


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _hostile_goals(root: Path) -> tuple[Path, list[str]]:
    """The minimal fixture with one objective per pattern, and the other Markdown fields hostile too."""
    goals = copy_goals(root / "goals")
    names = list(PATTERNS)
    marks = [f"Zqend{i}x" for i in range(len(names))]
    team = goals / "2026-Q4" / "sales-emea.yaml"
    data = yaml.safe_load(team.read_text(encoding="utf-8"))
    data["objectives"] += [{"id": f"pattern-{i}", "title": f"Pattern {name}", "owner": "eli",
                            "description": _field(PATTERNS[name], mark),
                            "key_results": [{"id": "done", "title": "Done", "milestone": True}]}
                           for i, (name, mark) in enumerate(zip(names, marks))]
    checkin = data["objectives"][0]["key_results"][0]["checkins"][0]
    # A note holds Markdown's length; blockers and next are short texts (MAX_TEXT_CHARS), Markdown too.
    checkin["note"], checkin["blockers"], checkin["next"] = (
        _field(PATTERNS[n], "Zqcheckin", length) for n, length in
        (("empty-links", LENGTH), ("links", MAX_TEXT_CHARS), ("tags-open", MAX_TEXT_CHARS)))
    data["retrospective"] = {"lessons": [_field(PATTERNS["link-open"], "Zqretro")]}
    _write(team, data)
    org = yaml.safe_load((goals / "org.yaml").read_text(encoding="utf-8"))
    org["company"]["mission"] = _field(PATTERNS["titled-links"], "Zqmission")
    org["units"][1]["description"] = _field(PATTERNS["images"], "Zqunit")
    _write(goals / "org.yaml", org)
    kpis = yaml.safe_load((goals / "kpis.yaml").read_text(encoding="utf-8"))
    kpis["kpis"][0]["description"] = _field(PATTERNS["tag-names"], "Zqkpi")
    _write(goals / "kpis.yaml", kpis)
    return goals, marks + ["Zqcheckin", "Zqretro", "Zqmission", "Zqunit", "Zqkpi"]


def _build(goals: Path, site: Path) -> float:
    """`goalsite build` of `goals` in a subprocess; the CPU seconds it (and its workers) took.

    CPU time, not the time on the clock: the machine is shared, and a build of a few seconds took
    twenty on the clock when eight processes ran on each core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([goalsite_exe(), "build", "--goals", str(goals), "--today", TODAY, "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=WALL_LIMIT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def test_a_build_with_20000_characters_of_every_pattern_takes_seconds(tmp_path):
    goals, marks = _hostile_goals(tmp_path)
    site = tmp_path / "site"
    seconds = _build(goals, site)
    assert seconds < 20, f"the build took {seconds:.1f} s of CPU time"
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert [m for m in marks if m not in html] == [], "every field is on its page, to its end"


def test_a_page_paragraph_of_many_links_renders_in_time_linear_in_its_length(tmp_path):
    # MkDocs converts each generated page with the extensions of the site's config, which the
    # goalsite plugin completes in on_config: an objective's collaborators are one paragraph of
    # links, and Python-Markdown's own link processors took 8 s for 1,000 of them.
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with config.plugins["goalsite"].preset(goals_dir=str(MINIMAL_GOALS), today=TODAY):
        config = config.plugins.on_config(config)
    page = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)

    def paragraph(count: int) -> str:
        links = (f"[Person number {i}](../../people/sales-emea.md#person-p{i})" for i in range(count))
        return "Owner: [Dana Fox](../../people/sales.md#person-dana) · With: " + ", ".join(links) + "\n"

    small, large = least_cpu_seconds(page.convert, paragraph(250), 3), least_cpu_seconds(page.convert, paragraph(1000), 3)
    assert large / small < 8, f"4 times the links took {large / small:.1f} times as long ({small:.3f} s, {large:.3f} s)"
