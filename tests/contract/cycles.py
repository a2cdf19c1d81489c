"""An import-linter contract type: no import loops between modules.

import-linter's own ``acyclic_siblings`` compares packages, not modules; this contract reports
every strongly connected component of the module import graph (two or more modules that reach
each other through imports), with one concrete loop and the lines that make it.

The graph is grimp's, the one every other contract of the run uses: it counts imports made
inside functions and relative imports, and (with ``exclude_type_checking_imports`` off, as in
pyproject.toml) imports under ``if TYPE_CHECKING:`` too, because modules that name each other
even in annotations are one tangle to understand and to change. A package's ``__init__`` counts
as a module of its own; importing ``a.b.c`` is an edge to ``a.b.c`` only (Python also runs the
parents' ``__init__``, but counting that would make every re-exporting package a loop).

Configuration::

    [tool.importlinter]
    contract_types = ["acyclic_modules: tests.contract.cycles.AcyclicModulesContract"]

    [[tool.importlinter.contracts]]
    type = "acyclic_modules"
    packages = ["isms", "ui"]       # the modules of these packages and their descendants
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from itertools import pairwise

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

Graph = Mapping[str, frozenset[str]]


def strongly_connected(graph: Graph) -> list[list[str]]:
    """The components of two or more modules that import each other, each sorted, in order.

    Tarjan's algorithm, iterative so a deep package cannot hit Python's recursion limit.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def shortest_loop(graph: Graph, component: Iterable[str]) -> list[str]:
    """One loop through the component's first module: [m, ..., m], found breadth first."""
    members = sorted(component)
    start = members[0]
    inside = set(members)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph[node] & inside):
            if child == start:
                back = [node]  # node, its predecessor, ..., start
                while back[-1] != start:
                    back.append(came_from[back[-1]])
                return [*reversed(back), start]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    raise ValueError(f"{members} is not a strongly connected component")


class AcyclicModulesContract(Contract):
    """No module of ``packages`` reaches itself through imports."""

    type_name = "acyclic_modules"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots: list[str] = list(self.packages)  # type: ignore[call-overload]
        missing = set(roots) - graph.modules
        if missing:
            raise ValueError(f"acyclic_modules: no package {', '.join(sorted(missing))} here")
        ours = {module for root in roots for module in (root, *graph.find_descendants(root))}
        edges = {
            module: frozenset(graph.find_modules_directly_imported_by(module) & ours)
            for module in ours
        }
        loops = []
        for component in strongly_connected(edges):
            path = shortest_loop(edges, component)
            steps = []
            for importer, imported in pairwise(path):
                details = graph.get_import_details(importer=importer, imported=imported)
                first = min(details, key=lambda d: d["line_number"])
                steps.append((importer, imported, first["line_number"], first["line_contents"]))
            loops.append({"modules": component, "loop": steps})
        return ContractCheck(kept=not loops, metadata={"loops": loops})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for loop in check.metadata["loops"]:
            output.print_error(f"These modules import each other: {', '.join(loop['modules'])}")
            output.print_error("for example:", bold=False)
            for importer, imported, line, contents in loop["loop"]:
                output.indent_cursor()
                output.print_error(
                    f"{importer} -> {imported} (l.{line}: {contents})", bold=False
                )
            output.new_line()
