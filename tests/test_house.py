"""The house's structure (issue 20): every module imports alone, imports point one way.

- Every module of the project imports on its own in a fresh interpreter: the import order
  of the project's own modules never decides whether a module loads.
- The core (model/) imports nothing from the actors (agents/) or the composition root
  (governance/); an actor imports only the core and its own home, never another actor.
- No import circle, counting every import: at the top, inside functions and under
  TYPE_CHECKING.
- The composition root's `GovernanceModel` declares exactly the attributes its actors show.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from governance import HOUSE, GovernanceModel

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("model", "agents", "governance", "experiments", "cli", "demo")
SCRIPT_DIRS = ("benchmarks", "scripts")
# Circles are checked everywhere, experiments/ included (its stages point one way since
# issue 21: specify <- running <- analyse).
CIRCLE_FREE = ("model", "agents", "governance", "experiments", "cli", "demo", "benchmarks",
               "scripts", "run")
# Third-party libraries loaded once before the modules are tried, so that each try costs
# only the project's own imports (the check is about those). None of them imports the
# project.
PRELOAD = ("numpy", "pandas", "scipy.stats", "mesa", "matplotlib", "pyarrow",
           "statsmodels.api", "pyabc", "ema_workbench", "SALib", "starlette", "tqdm")


def modules() -> dict[str, Path]:
    """Every module of the house by dotted name (scripts by their directory and stem)."""
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    for folder in SCRIPT_DIRS:
        for path in sorted((ROOT / folder).glob("*.py")):
            out[f"{folder}.{path.stem}"] = path
    out["run"] = ROOT / "run.py"
    return out


_CHILD = textwrap.dedent("""
    import importlib, importlib.util, json, os, py_compile, sys, tempfile, traceback, warnings
    warnings.simplefilter("ignore")
    import matplotlib
    matplotlib.use("Agg")
    for lib in PRELOAD:
        importlib.import_module(lib)
    ours = [m for m in sys.modules if m.split(".")[0] in ROOTS]
    assert not ours, f"a preloaded library imported the project: {ours}"
    # Each module's bytecode compiled once here, into a private folder, not in every child:
    # with PYTHONDONTWRITEBYTECODE each child would compile its whole chain of imports anew
    # (a third of this test's time). Compiling is not importing: nothing of ours is loaded.
    sys.pycache_prefix = tempfile.mkdtemp(prefix="house-pyc-")
    for name, path in MODULES:
        py_compile.compile(path, cfile=importlib.util.cache_from_source(path), doraise=True)
    assert not [m for m in sys.modules if m.split(".")[0] in ROOTS]
    failed = {}
    running = {}  # pid -> (module name, read end of its pipe)

    def reap():
        pid, status = os.wait()
        name, read = running.pop(pid)
        with os.fdopen(read) as pipe:  # a message fits the pipe's buffer: read after exit
            message = pipe.read()
        if status != 0:
            failed[name] = message or f"exit status {status}"

    for name, path in MODULES:
        if len(running) >= WORKERS:  # two at a time: uses a core the other tests leave idle
            reap()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # a fresh process in which no module of the project is loaded yet
            os.close(read)
            code = 0
            try:
                if name.startswith(SCRIPTS) or name == "run":  # run as a script would be
                    sys.path.insert(0, os.path.dirname(path))
                    spec = importlib.util.spec_from_file_location(name, path)
                    spec.loader.exec_module(importlib.util.module_from_spec(spec))
                else:
                    importlib.import_module(name)
            except BaseException:
                os.write(write, traceback.format_exc()[-1500:].encode())
                code = 1
            os._exit(code)
        os.close(write)
        running[pid] = (name, read)
    while running:
        reap()
    import shutil
    shutil.rmtree(sys.pycache_prefix, ignore_errors=True)
    print(json.dumps(failed))
""")


@pytest.mark.slow
def test_every_module_imports_alone():
    """Each module is imported in its own forked process, started after the third-party
    libraries are loaded and before any module of the project is."""
    mods = [(name, str(path)) for name, path in modules().items()]
    code = (f"PRELOAD = {PRELOAD!r}\nROOTS = {(*PACKAGES, 'run')!r}\nMODULES = {mods!r}\n"
            f"WORKERS = 2\n"
            f"SCRIPTS = {tuple(f'{d}.' for d in SCRIPT_DIRS)!r}\n" + _CHILD)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    failed = __import__("json").loads(proc.stdout.strip().splitlines()[-1])
    assert not failed, "modules that do not import alone:\n" + "\n".join(
        f"--- {name}\n{msg}" for name, msg in failed.items())
    assert len(mods) > 100


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules a module imports anywhere in it (top level, functions, blocks)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    # benchmarks' and scripts' own imports name their siblings without the folder
    graph = {}
    for name, path in mods.items():
        names = known | {n.split(".", 1)[1] for n in known if n.startswith(SCRIPT_DIRS)}
        deps = imports_of(path, name, names)
        folder = name.split(".")[0]
        graph[name] = {f"{folder}.{d}" if folder in SCRIPT_DIRS and f"{folder}.{d}" in known
                       else d for d in deps if d in known or f"{folder}.{d}" in known}
    return graph


def test_the_core_knows_no_actor_and_actors_only_the_core():
    graph = _graph()
    core = {n: d for n, d in graph.items() if n.split(".")[0] == "model"}
    bad = {n: sorted(x for x in d if x.split(".")[0] != "model") for n, d in core.items()}
    assert not any(bad.values()), f"the core imports outside itself: {bad}"
    for name, deps in graph.items():
        parts = name.split(".")
        if parts[0] != "agents":
            continue
        home = ".".join(parts[:2])
        wrong = sorted(d for d in deps if d.split(".")[0] != "model"
                       and not (d == home or d.startswith(home + ".")))
        assert not wrong, f"{name} imports {wrong}: actors import only the core"


def test_no_import_circle():
    graph = {n: d for n, d in _graph().items() if n.split(".")[0] in CIRCLE_FREE}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (loop := visit(dep)):
                return loop
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (loop := visit(node)):
            pytest.fail("import circle: " + " -> ".join(loop))


def test_the_model_declares_what_its_actors_show():
    """The attributes the actors' installations show are those GovernanceModel types, and
    every actor of the house is installed."""
    m = GovernanceModel(rng=0, width=20, height=20, grid_block=10, building_block=5,
                        burn_in=0)
    assert set(m.shown) == set(GovernanceModel.__annotations__) - {"house"}
    assert set(m.shown.values()) == {a.name for a in HOUSE.actors}


@pytest.mark.parametrize("actor", HOUSE.actors, ids=lambda a: a.name)
def test_each_actor_home_opens_with_its_rule_and_claims(actor):
    """An actor's home (the module that declares it) says first what its rule is and which
    of the article's claims it carries."""
    doc = sys.modules[actor.install.__module__].__doc__ or ""
    paragraphs = doc.split("\n\n")
    assert any(p.startswith("Summary of rule:") for p in paragraphs[:3]), actor.name
    assert any(p.startswith("Claims:") for p in paragraphs[:4]), actor.name
