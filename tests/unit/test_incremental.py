"""incremental.py on its own: which pages a dirty build rebuilds, decided once per build."""

from __future__ import annotations

import os
from types import SimpleNamespace

from mkdocs.structure.files import File, Files

from generator.incremental import GeneratedPage, Incremental


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
