"""Sphinx configuration for skrnn's documentation.

Build with ``python -m pip install ".[docs]"`` and
``sphinx-build -b html docs docs/_build/html``. Markdown pages
(``performance.md``, ``forecast_quality.md``) are read with myst-parser, so they
stay plain Markdown that also renders on GitHub. Gallery examples are not
executed by default (they train networks); pass ``-D plot_gallery=1`` to run them.
"""

import skrnn

project = "skrnn"
author = "The skrnn developers"
copyright = "The skrnn developers"
release = skrnn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]

# API pages: one generated page per public name (docs/gen_modules/), numpydoc style.
autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {"of", "shape", "or", "default", "optional", "array-like", "n_samples",
                        "n_timesteps", "n_features", "n_outputs", "n_channels", "n_exog",
                        "n_windows", "horizon", "n_params", "n_layers", "n_classes",
                        "n_targets", "n_features_in_", "n_columns", "n_splits", "list",
                        "arrays", "callable", "object", "scorer", "regressor", "instance",
                        "None", "RandomState", "int", "float", "bool", "str"}

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
    "pandas": ("https://pandas.pydata.org/docs/", None),
    "matplotlib": ("https://matplotlib.org/stable/", None),
}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "False",  # "True" with -D plot_gallery=1
    "doc_module": ("skrnn",),
    "reference_url": {"skrnn": None},
    "backreferences_dir": "gen_modules/backreferences",
    "min_reported_time": 1,
    "write_computation_times": False,  # no docs/sg_execution_times.rst to commit
}

myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"skrnn {release}"
html_theme_options = {"navigation_with_keys": False}
