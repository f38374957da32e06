"""Jinja's private code generator hooks: `{{ value }}` compiled to `finalize(value)`, without `escape()`.

`CodeGenerator._output_child_pre` and `_output_child_post` write what surrounds each printed value;
they, `frame.eval_ctx` and `finalize.src` are Jinja's internals, used here and nowhere else.
"""

from __future__ import annotations

import jinja2.compiler

FITS = "Jinja2 3.1 (CodeGenerator._output_child_pre/_output_child_post, frame.eval_ctx, finalize.src)"
"""The Jinja versions this module fits, and what of Jinja it relies on."""


class FinalizeCodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `{{ value }}` to `finalize(value)` where Jinja writes `escape(finalize(value))`.

    For an environment whose finalize() always gives Markup (render/page.py): escape() would only copy
    it into a new Markup, for each of the millions of values a large portal prints. Anything else (a
    block with its own autoescape setting, no finalize) is compiled as Jinja does.
    """

    def _direct(self, frame, finalize) -> bool:
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is not None

    def _output_child_pre(self, node, frame, finalize) -> None:
        if self._direct(frame, finalize):
            self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize) -> None:
        if self._direct(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)
