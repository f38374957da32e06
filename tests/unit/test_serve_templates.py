"""serve.TemplateCode: the theme's templates are compiled once per serve session, and again when edited."""

from __future__ import annotations

import os

import jinja2

from generator.serve.server import TemplateCode


def _env(folder, cache) -> jinja2.Environment:
    # As MkDocs does on every build: a new environment over the same theme folder.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=cache)


def _compiles(env: jinja2.Environment, name: str) -> tuple[str, int]:
    """The template rendered, and how many times the environment compiled source to get it."""
    calls = []
    compile_ = env.compile
    env.compile = lambda *a, **k: calls.append(a) or compile_(*a, **k)  # type: ignore[method-assign]
    return env.get_template(name).render(who="team"), len(calls)


def test_a_new_environment_reuses_the_compiled_template(tmp_path):
    (tmp_path / "main.html").write_text("Hello {{ who }}", encoding="utf-8")
    cache = TemplateCode()
    assert _compiles(_env(tmp_path, cache), "main.html") == ("Hello team", 1)
    assert _compiles(_env(tmp_path, cache), "main.html") == ("Hello team", 0)


def test_an_edited_template_is_compiled_again(tmp_path):
    page = tmp_path / "main.html"
    page.write_text("Hello {{ who }}", encoding="utf-8")
    cache = TemplateCode()
    _compiles(_env(tmp_path, cache), "main.html")
    page.write_text("Bye {{ who }}", encoding="utf-8")
    os.utime(page, (1, 1))  # the checksum of the source decides, not the time
    assert _compiles(_env(tmp_path, cache), "main.html") == ("Bye team", 1)
