"""List what breaks the shape rules of issue #8 in a package: long modules, long functions, private imports.

Three lists, each empty when the package keeps the rule:

- modules over ``--max-module-lines`` lines (every line counts, docstrings too);
- functions and methods over ``--max-function-lines`` lines of code: the lines
  of the ``def`` through its last statement that hold code, so blank lines,
  comments and docstrings (its own and those of the functions and classes
  inside it) do not count;
- private names imported across subpackages: ``from <module> import _name``
  where the module lies in another package than the importing one (for
  ``skrnn/forecasting/_forecaster.py`` everything outside
  ``skrnn/forecasting/``, ``skrnn/_base.py`` included). A private module
  imported by name (``from .._engine import _optimizers``) counts, as it
  reaches past the package's ``__init__``; a public name of a private module
  (``from .._regressor import RNNRegressor``) does not. Where the private
  name is one that the other module itself imports from outside the package
  (scikit-learn's ``_fit_context`` handed on by ``skrnn/_compat.py``, the
  one place such names are imported), the row says so. Only ``from ... import``
  statements are read: ``import pkg._private`` and attribute access
  (``module._name``, ``estimator._attribute``) are not followed.

It reads the files with :mod:`ast` and runs none of them. It is a report, not a
test: it always exits 0.

Usage::

    python tools/code_shape.py                 # the package skrnn/ beside tools/
    python tools/code_shape.py path/to/pkg --max-function-lines 30
"""

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 40
_NOT_CODE = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
             tokenize.ENCODING, tokenize.ENDMARKER}


def modules(package):
    """``(dotted name, path)`` of every module below `package`, sorted by path."""
    root = package.parent
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def package_of(name, path):
    """The package a module belongs to: itself for an ``__init__.py``, else its parent."""
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def code_lines(source):
    """Numbers of the lines that hold a token of code (not a comment, not blank)."""
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def docstring_lines(tree):
    """Numbers of the lines of every docstring in `tree` (module, classes, functions)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
                    and isinstance(first.value.value, str):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def functions(tree):
    """``(qualified name, node)`` of every function and method, nested ones included."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield prefix + child.name, child
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


def long_functions(path, source, tree, limit):
    """``(path:line, name, n_code_lines)`` of the functions over `limit` lines of code."""
    code = code_lines(source) - docstring_lines(tree)
    rows = []
    for name, node in functions(tree):
        n = len(code & set(range(node.lineno, node.end_lineno + 1)))
        if n > limit:
            rows.append((f"{path}:{node.lineno}", name, n))
    return rows


def resolve(module_name, path, node):
    """Dotted name of the module an ``ImportFrom`` reads from (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = package_of(module_name, path).split(".")
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def is_private(name):
    return name.startswith("_") and not name.startswith("__")


def outside_names(tree, package_name):
    """Names a module imports from outside the package (third-party, standard library)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and \
                not (node.module or "").startswith(package_name):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def private_imports(index, package_name):
    """``(path:line, importer, 'module.name', note)`` of private names imported across packages.

    `index` maps each module's dotted name to ``(path, tree)``.
    """
    rows = []
    for name, (path, tree) in index.items():
        home = package_of(name, path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = resolve(name, path, node)
            for alias in node.names:
                if not is_private(alias.name) or source not in index:
                    continue
                submodule = f"{source}.{alias.name}"
                target = submodule if submodule in index else source
                if package_of(target, index[target][0]) == home:
                    continue
                note = "private module" if target == submodule else ""
                if not note and alias.name in outside_names(index[source][1], package_name):
                    note = f"handed on from outside {package_name} by {source}"
                rows.append((f"{path}:{node.lineno}", name, submodule, note))
    return rows


def report(package, max_module_lines=MAX_MODULE_LINES, max_function_lines=MAX_FUNCTION_LINES):
    """The three lists as text."""
    package = Path(package).resolve()
    index, sources = {}, {}
    for name, path in modules(package):
        sources[name] = path.read_text(encoding="utf-8")
        index[name] = (path, ast.parse(sources[name], filename=str(path)))
    rel = {name: index[name][0].relative_to(package.parent) for name in index}
    out = [f"modules over {max_module_lines} lines:"]
    for name in index:
        n = sources[name].count("\n")
        if n > max_module_lines:
            out.append(f"  {rel[name]}: {n}")
    out.append(f"functions over {max_function_lines} lines of code:")
    for name, (_, tree) in index.items():
        for where, function, n in long_functions(rel[name], sources[name], tree, max_function_lines):
            out.append(f"  {where} {function}: {n}")
    out.append("private names imported across subpackages:")
    relative = {name: (rel[name], tree) for name, (_, tree) in index.items()}
    for where, _, imported, note in private_imports(relative, package.name):
        out.append(f"  {where} imports {imported}" + (f" ({note})" if note else ""))
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("package", nargs="?", default=Path(__file__).resolve().parents[1] / "skrnn")
    parser.add_argument("--max-module-lines", type=int, default=MAX_MODULE_LINES)
    parser.add_argument("--max-function-lines", type=int, default=MAX_FUNCTION_LINES)
    args = parser.parse_args(argv)
    print(report(args.package, args.max_module_lines, args.max_function_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
