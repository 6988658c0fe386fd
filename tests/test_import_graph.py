"""No import cycles in src/ except type-only ones (issue 12, item 7). The graph is built with
`ast` from every import that runs, at module level or inside a function (a deferred import
still closes a cycle when it runs); imports under `if TYPE_CHECKING:` are left out. As in
grimp/import-linter, `import a.b.c` is an edge to `a.b.c` only, not to the packages above it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "mercato_int"


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules of the package that `tree` imports when it runs."""
    found: set[str] = set()

    def add(name: str) -> None:
        while name and name not in known:  # `import a.b.name_in_b`: the module a.b
            name = name.rpartition(".")[0]
        if name:
            found.add(name)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    here = here.rpartition(".")[0]
                base = f"{here}.{base}" if base else here
            for alias in node.names:  # `from pkg import submodule`: an edge to it alone
                sub = f"{base}.{alias.name}"
                add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: _imports(ast.parse(path.read_text()), name, path.name == "__init__.py", known)
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_the_graph_is_really_built() -> None:
    graph = import_graph()
    assert "mercato_int.services.container" in graph["mercato_int.services"]
    assert "mercato_int.cli.lazy" in graph["mercato_int.cli.app"]


_KNOWN: list[list[str]] = []


def test_no_runtime_import_cycles() -> None:
    assert [c for c in cycles(import_graph()) if c not in _KNOWN] == []


def test_a_cycle_is_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_400_lines() -> None:
    """STYLE.md item 12: a module past ~400 lines is usually two."""
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text().splitlines())) > 400
        and not name.startswith(_CATALOGUES_UNTIL_GETTEXT)
    }
    assert long == {}


# message tables that issue 12's item 5 turns into gettext catalogues (.po files)
_CATALOGUES_UNTIL_GETTEXT = "mercato_int.i18n.areas."


# The core raises errors by message key and parameters (`errors.msg`), worded when shown: it
# never imports i18n to word one. The one exception renders data, not an error: a key source's
# English status, which `keys status --json` shows as `lookedIn`.
_CORE = ("services", "store", "registry", "keys", "when", "config_file", "settings", "scope")
_WORDS_DATA_IN_ENGLISH = {"mercato_int.keys.sources"}


def test_the_core_never_words_an_error_itself() -> None:
    graph = import_graph()
    core = [
        m
        for m in graph
        if any(m == f"{PACKAGE}.{p}" or m.startswith(f"{PACKAGE}.{p}.") for p in _CORE)
    ]
    assert len(core) > 40  # it really walked the core
    importers = {
        m for m in core if any(d.startswith(f"{PACKAGE}.i18n") for d in graph[m])
    } - _WORDS_DATA_IN_ENGLISH
    assert sorted(importers) == []
    # nor calls a function named like i18n's renderers (a copy, or one passed in)
    modules = _modules()
    calls = sorted(
        (m, node.func.id)
        for m in core
        for node in ast.walk(ast.parse(modules[m].read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("t", "tn", "t_or", "scope_text", "grouped", "counted")
    )
    assert calls == []


def test_the_core_check_would_see_an_import_of_i18n() -> None:
    tree = ast.parse("def f():\n    from mercato_int.i18n import t\n    return t('x')\n")
    known = {"mercato_int.i18n", "mercato_int.services.x"}
    assert _imports(tree, "mercato_int.services.x", False, known) == {"mercato_int.i18n"}
