"""One error tree: every exception class agno-check defines is in it, and named in ``errors.py``'s drawing."""

from __future__ import annotations

import ast
import functools

from agno_check import errors
from tests.conftest import ROOT

#: never leave their package (the drawing names them as such)
INTERNAL = {"ImportTookTooLong", "ConnectionDrop", "YamlError", "DockerfileError", "ComposeError", "ManifestError"}


@functools.cache
def defined_exceptions() -> dict[str, str]:
    """Exception classes defined anywhere in agno_check: name -> module path (read from the source)."""
    found: dict[str, str] = {}
    sources = {p: ast.parse(p.read_text(encoding="utf-8")) for p in (ROOT / "agno_check").rglob("*.py")}
    names = {"Exception", "BaseException"}
    grew = True
    while grew:  # classes deriving from an exception class, transitively
        grew = False
        for path, tree in sources.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found:
                    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                    if bases & (names | set(found)):
                        found[node.name] = str(path.relative_to(ROOT))
                        grew = True
    return found


def test_every_exception_is_in_the_tree_and_drawn():
    defined = defined_exceptions()
    assert {"TargetError", "WorkersFailed", "TurnFailure", "SkipCheck", "CheckErrored"} <= set(defined)
    drawing = errors.__doc__ or ""
    for name, module in defined.items():
        assert name in drawing, f"{name} ({module}) is not in errors.py's drawing"
        if name in INTERNAL:
            continue
        assert defined.get(name) and _derives_from_root(name), f"{name} ({module}) is outside AgnoCheckError"


def _derives_from_root(name: str) -> bool:
    import importlib

    module = defined_exceptions()[name].removesuffix(".py").replace("/", ".")
    cls = getattr(importlib.import_module(module), name)
    return issubclass(cls, errors.AgnoCheckError)
