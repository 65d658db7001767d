"""chainrule's modules import each other without a cycle, imports inside functions included.

The graph is read from the source with ``ast`` (nothing is imported): an edge A -> B for every ``import`` or
``from ... import`` in A, at any depth, that names a chainrule module B; ``from package import name`` points at
the submodule ``package.name`` when there is one, else at the package's ``__init__``.
"""
import ast
from pathlib import Path

import chainrule

SRC = Path(chainrule.__file__).parent


def module_files():
    """{"chainrule.training.fit": (path, is_package)} for every .py file under src/chainrule."""
    modules = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return modules


def imported_modules(name, path, is_package, modules):
    """The chainrule modules that ``name`` imports anywhere in its source."""
    package = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in modules else target)
    return {m for m in found if m in modules and m != name}


def import_graph():
    modules = module_files()
    return {name: imported_modules(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


def find_cycle(graph):
    """One cycle as a list of modules (first == last), or ``None``."""
    state, path = {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "chainrule.training.fit" in graph["chainrule.project.run"]            # from ..training.fit import fit
    assert "chainrule.project.report" in graph["chainrule.project.run"]          # inside write_outputs
    assert "chainrule.version" in graph["chainrule.data.download"]               # inside a function
    assert "chainrule.check" in graph["chainrule"]                                # from . import check


def test_find_cycle_finds_one_hidden_in_a_function():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_in_chainrule():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_training_engine_does_not_import_the_practice_project():
    graph = import_graph()
    engine = [name for name in graph if name.startswith("chainrule.training")]
    assert engine and not [(name, dep) for name in engine for dep in graph[name]
                           if dep.startswith("chainrule.project")]
