"""generator/upstream/: each use of another project's private API or layout still fits the installed version.

When one of these fails, the upstream changed: the message names the versions the module fits
(its FITS) and the version installed. Fix that module (and widen its FITS), or pin the upstream.
"""

from __future__ import annotations

import inspect
import json
import math
import sys
from importlib.metadata import version

import pytest

from generator.upstream import cpython, jinja, mkdocs, plotly


def _misfit(module, upstream: str, what: str) -> str:
    return f"{module.__name__} fits {module.FITS}; installed: {upstream}. {what}"


# --- Jinja -------------------------------------------------------------------------------------------------


def _env(**options):
    import jinja2

    class Environment(jinja2.Environment):
        code_generator_class = jinja.FinalizeCodeGenerator

    return Environment(**options)


def test_jinja_still_has_the_code_generator_hooks_it_overrides():
    import jinja2.compiler

    installed = f"Jinja2 {version('jinja2')}"
    for hook in ("_output_child_pre", "_output_child_post"):
        found = getattr(jinja2.compiler.CodeGenerator, hook, None)
        assert found is not None, _misfit(jinja, installed, f"CodeGenerator.{hook} is gone.")
        assert list(inspect.signature(found).parameters) == ["self", "node", "frame", "finalize"], \
            _misfit(jinja, installed, f"CodeGenerator.{hook} takes other arguments now.")


def test_jinja_compiles_a_printed_value_to_finalize_alone_and_still_escapes_it():
    from markupsafe import Markup, escape

    env = _env(autoescape=True, finalize=lambda value: Markup("[") + escape(value) + Markup("]"))
    code = env.compile("{{ x }}", raw=True)
    installed = f"Jinja2 {version('jinja2')}"
    assert "escape(" not in code and "environment.finalize(" in code, \
        _misfit(jinja, installed, f"{{{{ x }}}} no longer compiles to finalize(x) alone:\n{code}")
    assert env.from_string("{{ x }}|{% autoescape false %}{{ y }}{% endautoescape %}").render(x="<b>", y="<i>") \
        == "[&lt;b&gt;]|[&lt;i&gt;]"


def test_jinja_compiles_as_usual_without_finalize_or_autoescape():
    assert _env(autoescape=True).from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert _env(autoescape=False, finalize=str.upper).from_string("{{ x }}").render(x="<b>") == "<B>"


# --- CPython ----------------------------------------------------------------------------------------------


SAMPLE = {"b": [1, 2.5, -0.0, 1e300, True, None, {"z": "é\u2028\"\\<"}], "a": "x", "c": {}, "d": []}


def test_cpython_c_json_encoder_writes_what_json_dumps_writes():
    encode = cpython.compact_json_encoder(cpython.encode_basestring_ascii)
    installed = f"Python {sys.version.split()[0]} ({sys.implementation.name})"
    if sys.implementation.name != "cpython":
        pytest.skip("the C encoder is CPython's")
    assert encode is not None, _misfit(cpython, installed, "json.encoder.c_make_encoder is gone.")
    expected = json.dumps(SAMPLE, sort_keys=True, separators=(",", ":"), allow_nan=False)
    try:
        written = encode(SAMPLE)
    except TypeError as e:
        pytest.fail(_misfit(cpython, installed, f"c_make_encoder takes other arguments now: {e}"))
    assert written == expected, _misfit(cpython, installed, f"c_make_encoder wrote {written!r}, json.dumps {expected!r}")


def test_cpython_c_json_encoder_writes_each_string_through_ours_and_refuses_nan():
    encode = cpython.compact_json_encoder(lambda text: json.dumps(text.upper()))
    if encode is None:
        pytest.skip("no C encoder on this Python")
    assert encode({"k": ["v", 1]}) == '{"K":["V",1]}'
    with pytest.raises(ValueError):
        encode({"k": math.nan})


# --- MkDocs -----------------------------------------------------------------------------------------------


def test_mkdocs_serve_url_is_what_mkdocs_serve_sets():
    installed = f"MkDocs {version('mkdocs')}"
    assert mkdocs.serve_url("127.0.0.1", 8000, "/") == "http://127.0.0.1:8000/", _misfit(mkdocs, installed, "")
    assert mkdocs.serve_url("localhost", 8001, "sub") == "http://localhost:8001/sub/", _misfit(mkdocs, installed, "")


def test_mkdocs_server_builds_again_when_asked(tmp_path):
    from mkdocs.livereload import LiveReloadServer

    installed = f"MkDocs {version('mkdocs')}"
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))  # not bound
    try:
        mkdocs.rebuild_soon(server)
    except AttributeError as e:
        pytest.fail(_misfit(mkdocs, installed, f"The server's rebuild flag is gone: {e}"))
    assert server._want_rebuild is True
    loop = inspect.getsource(LiveReloadServer._build_loop)
    assert "_want_rebuild" in loop and "_rebuild_cond" in loop, \
        _misfit(mkdocs, installed, "The server's build loop no longer waits on _want_rebuild under _rebuild_cond.")


# --- plotly -----------------------------------------------------------------------------------------------


def test_plotly_wheel_still_ships_plotly_min_js():
    from plotly.offline import get_plotlyjs_version

    installed = f"plotly {version('plotly')}"
    path = plotly.plotly_js()
    assert path is not None, _misfit(plotly, installed, "There is no package_data/plotly.min.js in the wheel.")
    head = path.read_text(encoding="utf-8")[:200]
    assert f"plotly.js v{get_plotlyjs_version()}" in head, \
        _misfit(plotly, installed, f"{path} is not the plotly.js the wheel says it bundles.")
