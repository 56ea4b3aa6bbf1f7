#!/usr/bin/env python3
"""No #include cycle inside a source folder (docs/architecture.md: src/isapi).

usage: include_cycles.py SOURCE_ROOT FOLDER...   e.g. include_cycles.py src isapi

Each file stem of FOLDER is one node (x.hpp and x.cpp are one concept); a file of A including
"FOLDER/B.hpp" is an edge A -> B. A strongly connected component of more than one node is a cycle:
two concepts that each need the other, which one file pair or an interface should break.
Prints every cycle and exits 1, or prints the number of nodes and edges checked and exits 0.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def graph(root: pathlib.Path, folder: str):
    nodes, edges = set(), {}
    for path in sorted((root / folder).iterdir()):
        if path.suffix not in (".hpp", ".cpp", ".h"):
            continue
        node = path.stem
        nodes.add(node)
        for target in INCLUDE.findall(path.read_text(encoding="utf-8")):
            if target.startswith(folder + "/"):
                other = pathlib.PurePosixPath(target).stem
                if other != node:
                    edges.setdefault(node, set()).add(other)
    return nodes, edges


def cycles(nodes, edges):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root = pathlib.Path(argv[1])
    failed = False
    for folder in argv[2:]:
        nodes, edges = graph(root, folder)
        if not nodes:
            print(f"{folder}: no sources under {root / folder}", file=sys.stderr)
            return 2
        for component in cycles(nodes, edges):
            failed = True
            links = [f"{a} -> {b}" for a in component for b in sorted(edges.get(a, ())) if b in component]
            print(f"{folder}: include cycle among {', '.join(component)}: {'; '.join(links)}")
        if not failed:
            count = sum(len(v) for v in edges.values())
            print(f"{folder}: {len(nodes)} concepts, {count} includes, no cycle")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
