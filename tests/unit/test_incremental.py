"""serve/incremental.py on its own: which pages a dirty build rebuilds, decided once per build."""

from __future__ import annotations

import os
from types import SimpleNamespace

from mkdocs.structure.files import File, Files

from generator.plugin.files import GeneratedPage
from generator.serve.incremental import Incremental


class _Config(SimpleNamespace):
    """Enough of an MkDocs config for a File and a Page."""

    def get(self, key, default=None):
        return getattr(self, key, default)


def _files(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir(exist_ok=True)
    (docs / "guide.md").write_text("# Guide\n")
    hand = File("guide.md", str(docs), str(site), use_directory_urls=True)
    config = SimpleNamespace(site_dir=str(site), use_directory_urls=True, site_name="Acme goals",
                             plugins=SimpleNamespace(_current_plugin="goalsite"))
    made = GeneratedPage.generated(config, "units/a.md", content="# A\n")
    return Files([hand, made]), hand, made, config


def test_a_hand_written_page_is_judged_once_per_build(tmp_path):
    files, hand, _, config = _files(tmp_path)
    os.makedirs(os.path.dirname(hand.abs_dest_path))
    with open(hand.abs_dest_path, "w") as out:
        out.write("built")
    os.utime(hand.abs_src_path, (1, 1))  # the built page is newer than its source
    incremental = Incremental()
    incremental.dirty = True
    incremental.prepare(files, config, {"units/a.md": "# A\n"})
    assert hand.is_modified() is False
    os.utime(hand.abs_src_path, None)  # edited while the build runs
    assert hand.is_modified() is False, "MkDocs must not write a page it did not read"


def test_a_renamed_site_rebuilds_hand_written_pages_and_every_generated_one(tmp_path):
    files, hand, made, config = _files(tmp_path)
    incremental = Incremental()
    incremental.prepare(files, config, {"units/a.md": "# A\n"})
    incremental.finish(config)
    incremental.dirty = True
    files, hand, made, config = _files(tmp_path)
    incremental.prepare(files, config, {"units/a.md": "# A\n"})
    assert made.is_modified() is False, "same content, same name: not rebuilt"
    files, hand, made, config = _files(tmp_path)
    config.site_name = "Acme Works goals"
    incremental.prepare(files, config, {"units/a.md": "# A\n"})
    assert made.is_modified() and hand.is_modified()


def _built(tmp_path, incremental, pages: dict[str, str]):
    """One build of `pages` through prepare and finish; returns the generated files by path."""
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir(exist_ok=True)
    config = SimpleNamespace(site_dir=str(site), use_directory_urls=True, site_name="Acme goals",
                             plugins=SimpleNamespace(_current_plugin="goalsite"))
    made = {uri: GeneratedPage.generated(config, uri, content=text) for uri, text in pages.items()}
    files = Files(list(made.values()))
    incremental.prepare(files, config, pages)
    incremental.finish(config)
    return made


def test_a_fast_rebuild_leaves_the_company_pages_to_the_complete_one_that_follows(tmp_path):
    incremental = Incremental()
    incremental.fast_min_chars = 100
    period = "# 2026-Q4\n" + "a unit's row\n" * 20
    _built(tmp_path, incremental, {"periods/2026-Q4.md": period, "units/a/2026-Q4.md": "# A\n"})
    assert incremental.behind is False

    incremental.dirty = True
    assert incremental.start() is True
    deferred = incremental.deferred()
    assert deferred == {"periods/2026-Q4.md": period}, "only the company-wide pages, as the site has them"
    # The render gives the deferred page its old text, and the edited team's page anew.
    made = _built(tmp_path, incremental, {**deferred, "units/a/2026-Q4.md": "# A, edited\n"})
    assert not made["periods/2026-Q4.md"].is_modified() and made["units/a/2026-Q4.md"].is_modified()
    assert incremental.behind is True, "the serve loop must ask for the complete rebuild"

    assert incremental.start() is False and incremental.deferred() is None, "never two fast rebuilds in a row"
    made = _built(tmp_path, incremental, {"periods/2026-Q4.md": period + "A, edited\n",
                                          "units/a/2026-Q4.md": "# A, edited\n"})
    assert made["periods/2026-Q4.md"].is_modified(), "the complete rebuild brings the period page up to date"
    assert not made["units/a/2026-Q4.md"].is_modified()
    assert incremental.behind is False


def test_a_small_company_or_a_full_build_is_never_deferred(tmp_path):
    incremental = Incremental()
    _built(tmp_path, incremental, {"periods/2026-Q4.md": "# 2026-Q4\n", "index.md": "# Acme\n"})
    assert incremental.start() is False and incremental.deferred() is None, "a full build renders everything"
    incremental.dirty = True
    assert incremental.start() is False and incremental.deferred() is None, \
        "less Markdown than FAST_MIN_CHARS: one rebuild is soon enough"
    incremental.fast_min_chars = 0  # goalsite serve --fast-rebuilds on
    assert incremental.start() and set(incremental.deferred()) == {"periods/2026-Q4.md", "index.md"}
    incremental.fast_min_chars = None  # --fast-rebuilds off
    assert incremental.start() is False and incremental.deferred() is None


def test_a_page_that_disappears_loses_its_html(tmp_path):
    incremental = Incremental()
    made = _built(tmp_path, incremental, {"units/a/2026-Q4.md": "# A\n", "units/b/2026-Q4.md": "# B\n"})
    for file in made.values():
        os.makedirs(os.path.dirname(file.abs_dest_path), exist_ok=True)
        with open(file.abs_dest_path, "w") as out:
            out.write("built")
    gone = made["units/b/2026-Q4.md"].abs_dest_path
    incremental.dirty = True
    _built(tmp_path, incremental, {"units/a/2026-Q4.md": "# A\n"})
    assert not os.path.exists(gone) and os.path.exists(made["units/a/2026-Q4.md"].abs_dest_path)


