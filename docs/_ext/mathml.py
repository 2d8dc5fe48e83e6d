"""Render the documentation's LaTeX maths as MathML while the HTML is written.

Sphinx's default, MathJax, typesets the maths in the reader's browser with a
script fetched from a CDN: offline (or behind a strict firewall) the pages show
raw LaTeX. Here docutils' own LaTeX-to-MathML converter runs at build time and
the pages carry plain MathML, which every current browser renders natively
(MathML Core: Chrome and Edge 109+, Firefox, Safari). Nothing is downloaded, no
JavaScript runs, and LaTeX the converter does not know is a build warning (so
``sphinx-build -W`` fails) instead of a red error box a reader finds later.

Enable with ``extensions = [..., "mathml"]`` (``docs/_ext`` on ``sys.path``) and
``html_math_renderer = "mathml"``. ``mathml_static/mathml.css`` aligns the
columns of multi-line equations, which MathML Core leaves to CSS.
"""

from pathlib import Path

from docutils import nodes
from docutils.utils.math import MathError, latex2mathml, unichar2tex
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def _to_mathml(translator, node, latex, as_block):
    """MathML for `latex`, or the escaped LaTeX (and a warning) if it cannot be converted."""
    try:
        return latex2mathml.tex2mathml(latex.translate(unichar2tex.uni2tex_table),
                                       as_block=as_block)
    except MathError as err:
        logger.warning("cannot convert LaTeX to MathML: %s (in %r)", err, latex,
                       location=node, type="mathml")
        return translator.encode(latex)


def visit_inline(translator, node):
    translator.body.append(translator.starttag(node, "span", "", CLASS="math"))
    translator.body.append(_to_mathml(translator, node, node.astext(), as_block=False))
    translator.body.append("</span>")
    raise nodes.SkipNode


def visit_block(translator, node):
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    # Sphinx's convention: equations separated by a blank line are rows of one block.
    parts = [part.strip() for part in node.astext().split("\n\n") if part.strip()]
    latex = " \\\\\n".join(parts) if len(parts) > 1 else parts[0] if parts else ""
    translator.body.append(_to_mathml(translator, node, latex, as_block=True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def _add_stylesheet_dir(app):
    app.config.html_static_path.append(str(Path(__file__).with_name("mathml_static")))


def setup(app):
    app.add_html_math_renderer("mathml", (visit_inline, None), (visit_block, None))
    app.add_css_file("mathml.css")
    app.connect("builder-inited", _add_stylesheet_dir)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
