"""The import graph of ``src/infopix`` (read with ast, nothing imported): imports run one
way (cli -> report/batch -> measures -> library -> kernels -> base), with no cycle
between modules, and the faces (cli, report) and batch use only public names of the
modules outside their own package."""

from __future__ import annotations

import ast
from pathlib import Path

import infopix

SRC = Path(infopix.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        rel = p.relative_to(SRC.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _is_package(mod: str) -> bool:
    return MODULES[mod].name == "__init__.py"


def _imports(mod: str):
    """(imported module, imported names) for every import statement of ``mod``."""
    tree = ast.parse(MODULES[mod].read_text(encoding="utf-8"))
    base = mod.split(".") if _is_package(mod) else mod.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "infopix":
                    yield a.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                root = base[: len(base) - node.level + 1]
                target = ".".join(root + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "infopix":
                continue
            names = tuple(a.name for a in node.names)
            subs = [n for n in names if f"{target}.{n}" in MODULES]
            for n in subs:
                yield f"{target}.{n}", ()
            rest = tuple(n for n in names if n not in subs)
            if rest or not subs:
                yield target, rest


def _graph() -> dict[str, set[str]]:
    g = {m: set() for m in MODULES}
    for m in MODULES:
        for target, _ in _imports(m):
            while target not in MODULES and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in MODULES and target != m:
                g[m].add(target)
    return g


def _cycles(g) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read():
    g = _graph()
    assert "infopix.measures" in g["infopix.report"]
    assert "infopix.measures" in g["infopix.batch"]
    assert len(MODULES) > 30


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def _layer(mod: str) -> str:
    parts = mod.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in ("cli", "report"):
        return "face"
    if top in ("batch", "measures"):
        return "orchestration"
    return "below"


def _private(name: str) -> bool:
    return any(p.startswith("_") and not p.startswith("__") for p in name.split("."))


def test_faces_and_batch_use_public_names_only():
    """cli, report and batch import no private module or name from outside their own
    package, and nothing below them imports them (imports run one way)."""
    problems = []
    for m in MODULES:
        layer = _layer(m)
        own = ".".join(m.split(".")[:2])
        for target, names in _imports(m):
            tgt_layer = _layer(target)
            order = {"face": 2, "orchestration": 1, "below": 0}
            if order[tgt_layer] > order[layer]:
                problems.append(f"{m} imports {target} (a higher layer)")
            if m.split(".")[1] == "report" and target.split(".")[1:2] == ["cli"]:
                problems.append(f"{m} imports the CLI")
            if m.split(".")[1] not in ("cli", "report", "batch"):
                continue
            if target == own or target.startswith(own + "."):
                continue
            if m.split(".")[1] == "batch" and target == "infopix._dask":
                continue  # batch re-exports the chunked local map (the Dask dispatch)
            if _private(target.removeprefix("infopix")):
                problems.append(f"{m} imports private module {target}")
            bad = [n for n in names if _private(n)]
            if bad:
                problems.append(f"{m} imports private name(s) {bad} from {target}")
    assert problems == [], "\n".join(problems)
