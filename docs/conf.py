"""Sphinx configuration for skrnn's documentation.

Build (what CI runs, after the tests, through ``.ci/docs``)::

    python -m pip install ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network and fails on any warning:

* **Cross-references** to Python, NumPy, pandas, scikit-learn and ONNX resolve through
  small inventories built from the text lists in ``docs/_inventories/`` (see
  ``docs/_ext/offline_inventories.py``), not through downloads. ``nitpicky`` is
  on, so a reference that nothing resolves is a warning instead of silently
  plain text. With a network, ``SKRNN_DOCS_INTERSPHINX=online`` fetches the
  projects' full inventories first (more links in the examples' code) and falls
  back to the local ones without a warning.
* **Maths** is converted to MathML at build time (``docs/_ext/mathml.py``): no
  MathJax, no CDN.
* **The gallery is executed**: every ``examples/plot_*.py`` runs, with one BLAS
  thread (each in well under 30 s on 2 cores), and its figures go into the
  pages. ``-D plot_gallery=0`` skips running them for a quick look at the text.

Markdown pages (``performance.md`` and the other measurement pages,
``CHANGELOG.md``) are read with myst-parser, so they stay plain Markdown that
also renders on a code host.
"""

import os
import sys
from pathlib import Path

import skrnn
from threadpoolctl import threadpool_limits

# The gallery runs in this process, on two cores that CI shares with other work. skrnn
# already keeps its small networks on one BLAS thread; the examples' scikit-learn
# baselines (MLPRegressor, Ridge) get the same here (docs/performance.md, "Threads").
threadpool_limits(1)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from offline_inventories import build_inventories  # noqa: E402  (after the path)
from xref_words import NotNames  # noqa: E402

project = "skrnn"
author = "The skrnn developers"
copyright = "2026, The skrnn developers"
release = skrnn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "mathml",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_inventories", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip"]

# Every reference must resolve: a typo in :class:`~sklearn.pipline.Pipeline` is a
# warning (and, with -W, a failed build), not a silently unlinked name.
nitpicky = True

# API pages: one generated page per public name (docs/gen_modules/), numpydoc style,
# documenting every method skrnn defines, inherited ones included; the methods that
# come from scikit-learn are left to its reference (see _skip_scikit_learn_members).
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
# Words of the type descriptions that are not names to link: prose here, and every shape
# symbol n_<something> (made a NotNames in setup(), once Sphinx has checked the types).
numpydoc_xref_ignore = {
    "of", "or", "and", "the", "same", "default", "optional", "shape", "array-like",
    "list", "arrays", "objects", "object", "callable", "instance", "scorer", "regressor",
    "regressors", "estimators", "splitter", "cross-validation", "None", "RandomState",
    "int", "float", "bool", "str", "horizon", "window_length",
}

_INVENTORY_URLS = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "sklearn": "https://scikit-learn.org/stable/",
    "onnx": "https://onnx.ai/onnx/",
}
_local_inventories = build_inventories(HERE / "_inventories")
if os.environ.get("SKRNN_DOCS_INTERSPHINX", "offline") == "online":
    intersphinx_mapping = {name: (url, (None, str(_local_inventories[name])))
                           for name, url in _INVENTORY_URLS.items()}
else:
    intersphinx_mapping = {name: (url, str(_local_inventories[name]))
                           for name, url in _INVENTORY_URLS.items()}
intersphinx_timeout = 10

html_math_renderer = "mathml"

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "True",
    "image_scrapers": ("matplotlib",),
    "doc_module": ("skrnn",),
    "backreferences_dir": "gen_modules/backreferences",
    "min_reported_time": 1,
    "write_computation_times": False,  # no docs/sg_execution_times.rst to commit
}

myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_theme_options = {"navigation_with_keys": False}


def _skip_scikit_learn_members(app, what, name, obj, skip, options):
    """Leave out the methods skrnn's classes take from scikit-learn as they are.

    ``get_params``, ``set_output``, ``set_callbacks``, the ``set_*_request`` methods
    and the like are documented in scikit-learn's reference (each class page says
    so); their docstrings link into scikit-learn's own docs, so copying them here
    would tie this build to the labels of whichever scikit-learn release CI installs.
    """
    if (getattr(obj, "__module__", None) or "").partition(".")[0] == "sklearn":
        return True
    return None


def _ignore_shape_symbols(app):
    # At builder-inited: Sphinx checks config types at config-inited and again when the
    # theme loads, and accepts only a plain set there; numpydoc reads the value later,
    # for each docstring.
    app.config.numpydoc_xref_ignore = NotNames(app.config.numpydoc_xref_ignore)


def setup(app):
    app.connect("autodoc-skip-member", _skip_scikit_learn_members)
    app.connect("builder-inited", _ignore_shape_symbols)
