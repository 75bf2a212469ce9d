#!/usr/bin/env python3
# Usage: cargo install cargo-modules --version 0.27.0 --locked  (0.28 needs rustc 1.98)
#        cargo modules dependencies --lib > /tmp/deps.dot && scripts/module-cycles.py /tmp/deps.dot
"""Module-level cycle check over `cargo modules dependencies --lib` DOT output.

cargo-modules' own `--acyclic` works on items (a type and its own impl fn form a "cycle"),
so this folds every item (written directly in a module: methods are named by their type,
not by the file their impl is in) into its enclosing module and checks the module graph for cycles,
ignoring `tests` modules and edges from a module to its own ancestors' items (parent/child
`use super::…` is not a dependency cycle between files)."""
import re, sys
from collections import defaultdict
text = open(sys.argv[1]).read()
mods = set(re.findall(r'^\s*"([^"]+)" \[label="[^|"]*mod\|', text, re.M))
edges = re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[label="uses"', text, re.M)
def module_of(item):
    parts = item.split('::')
    while parts:
        p = '::'.join(parts)
        if p in mods:
            return p
        parts.pop()
    return None
graph = defaultdict(set)
for a, b in edges:
    ma, mb = module_of(a), module_of(b)
    # A method is named by its type's path (`verb::Verb::of`) even when its impl block is in
    # another file (`impl Verb` in action.rs, `impl Cluster for ClusterView` in gate/execute.rs):
    # count only edges from a module itself (its `use` declarations) or from items directly in it,
    # which are where the code is written.
    if a not in mods and a.rsplit('::', 1)[0] not in mods:
        continue
    if not ma or not mb or ma == mb:
        continue
    if any(s == 'tests' for s in ma.split('::') + mb.split('::')):
        continue
    # An item of an ancestor module used by a child (or a parent using its child) is the
    # module tree itself, not a cross-file cycle.
    if ma.startswith(mb + '::') or mb.startswith(ma + '::'):
        continue
    graph[ma].add(mb)
# Tarjan SCC
index, low, stack, on, sccs, i = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(100000)
def strong(v):
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
for v in list(graph):
    if v not in index: strong(v)
print(f"{len(mods)} modules, {sum(len(s) for s in graph.values())} module-to-module use edges")
for c in sccs:
    print("CYCLE:", " <-> ".join(c))
    for a in c:
        for b in sorted(graph[a] & set(c)):
            print(f"   {a} -> {b}")
sys.exit(1 if sccs else 0)
