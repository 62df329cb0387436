"""The package layout holds: top-level packages import each other without a cycle.

``lint-imports`` (in .ci/run) checks the layer contracts in pyproject.toml; this test
checks the weaker property a newcomer relies on first, that the package graph is a DAG,
and names the packages of any cycle it finds.
"""

from __future__ import annotations

import grimp


def _package_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("minyi", exclude_type_checking_imports=True)
    top = {m for m in graph.modules if m.count(".") == 1}
    edges: dict[str, set[str]] = {m: set() for m in top}
    for importer in top:
        for imported in top - {importer}:
            if graph.direct_import_exists(importer=importer, imported=imported, as_packages=True):
                edges[importer].add(imported)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as a list of nodes, or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_top_level_packages_have_no_import_cycle():
    cycle = _cycle(_package_graph())
    assert cycle == [], "import cycle: " + " → ".join(cycle)


def test_domain_code_does_not_load_the_web_framework():
    graph = grimp.build_graph("minyi", exclude_type_checking_imports=True, include_external_packages=True)
    for module in ("minyi.cases.services", "minyi.flows.processing", "minyi.issues.services"):
        for framework in ("fastapi", "starlette", "jinja2", "click"):
            if framework not in graph.modules:
                continue  # nothing in minyi imports it directly
            chain = graph.find_shortest_chain(importer=module, imported=framework)
            assert chain is None, f"{module} loads {framework}: {' → '.join(chain or ())}"


def test_the_cycle_finder_finds_cycles():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
