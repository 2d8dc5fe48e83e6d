"""Build minimal intersphinx inventories from the plain-text lists in ``docs/_inventories``.

Intersphinx normally downloads each project's ``objects.inv`` at build time;
offline that fails with a warning per project, and ``-W`` turns the warnings
into a failed build. skrnn's docs therefore link to Python, NumPy, pandas,
scikit-learn and ONNX through small inventories of their own, one text file per project
that lists exactly the names the docs refer to, in the body format of Sphinx's
``objects.inv`` (``name domain:role priority uri display-name``, ``-`` as display
name for the name itself); a ``$`` anywhere in the URI stands for the name
(Sphinx's own format expands it only at the end, so it is expanded here).

The docs are built with ``nitpicky = True``, so a reference to a name that no
list holds is a warning, and the fix is one line in the right ``.txt`` file
(the URI is where that name's page is in the project's online docs).
"""

import zlib
from pathlib import Path


def read_entries(path):
    """Header fields (``# project:``, ``# version:``) and body lines of one list."""
    header, body = {}, []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep and key.strip() in ("project", "version"):
                header[key.strip()] = value.strip()
        elif line.strip():
            fields = line.split(None, 4)
            if len(fields) != 5:
                raise ValueError(f"{path}: expected 'name domain:role priority uri dispname': {line!r}")
            name, role, priority, uri, dispname = fields
            body.append(" ".join([name, role, priority, uri.replace("$", name), dispname]))
    return header, body


def write_inventory(txt_path, inv_path):
    """Write the zlib-compressed version-2 inventory that intersphinx reads."""
    header, body = read_entries(txt_path)
    text = (
        "# Sphinx inventory version 2\n"
        f"# Project: {header.get('project', Path(txt_path).stem)}\n"
        f"# Version: {header.get('version', '')}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    Path(inv_path).write_bytes(text.encode() + zlib.compress(("\n".join(body) + "\n").encode()))


def build_inventories(directory):
    """Turn every ``*.txt`` in `directory` into the ``*.inv`` beside it; return the paths."""
    paths = {}
    for txt in sorted(Path(directory).glob("*.txt")):
        inv = txt.with_suffix(".inv")
        write_inventory(txt, inv)
        paths[txt.stem] = inv
    return paths
