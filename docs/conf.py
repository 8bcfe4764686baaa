"""Sphinx configuration for the sk_interact documentation.

Build locally (no network needed) with::

    python -m sphinx -W --keep-going -b html . _build/html
"""

import os
import sys

# Document the checkout next to this folder, not an installed copy.
sys.path.insert(0, os.path.abspath(".."))
# Local extensions: benchmark_tables renders benchmarks/results/*.json on the Benchmarks page.
sys.path.insert(0, os.path.abspath("_ext"))

import sk_interact

# -- Project information -----------------------------------------------------

project = "sk_interact"
author = "sk_interact developers"
copyright = "sk_interact developers"
release = sk_interact.__version__
version = ".".join(release.split(".")[:2])

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "benchmark_tables",
]

# _templates/autosummary/class.rst replaces autosummary's default class page, which
# would list every method inherited from torch.nn.Module.
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary ---------------------------------------------------

# Stubs are written to gen_modules/ (listed in .gitignore) by the :toctree: option.
autosummary_generate = True
# An undocumented override such as ``forward`` would otherwise show nn.Module's text.
autodoc_inherit_docstrings = False
autodoc_typehints = "none"  # numpydoc's Parameters section already gives the types

# -- numpydoc ----------------------------------------------------------------

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# No build-time docstring validation: its findings are warnings, which -W turns into
# errors. Lint docstrings separately with `python -m numpydoc lint <file>`.
numpydoc_validation_checks = set()

# -- intersphinx -------------------------------------------------------------

# Set SK_INTERACT_DOCS_INTERSPHINX=1 to link to external docs (needs internet access).
intersphinx_mapping = {}
if os.environ.get("SK_INTERACT_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "torch": ("https://docs.pytorch.org/docs/stable/", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
        "pandas": ("https://pandas.pydata.org/docs/", None),
    }

# -- sphinx-gallery ----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Only plot_*.py scripts are executed; other scripts are listed but not run.
    "filename_pattern": r"/plot_",
    "only_warn_on_example_error": False,
    "plot_gallery": "True",
    "doc_module": ("sk_interact",),
    "backreferences_dir": "gen_modules/backreferences",
    # The execution-times pages load jQuery and DataTables from CDNs; the docs stay offline.
    "write_computation_times": False,
}

# -- maths -------------------------------------------------------------------

# MathJax is served from _static (vendored: _static/mathjax/README.md), not from a CDN,
# so that the maths renders offline. The single-file SVG build embeds its fonts.
mathjax_path = "mathjax/tex-svg.js"

# -- HTML output -------------------------------------------------------------

html_theme = "alabaster"
html_static_path = ["_static"]
# tables.css: wide benchmark tables scroll sideways instead of leaving the text column
html_css_files = ["tables.css"]
html_title = f"sk_interact {release}"
