"""The layout's rules, kept true from the source (README, "Layout"): imports point one way,
SpiffWorkflow stays in its wrapper, permissions are refused in one place, modules stay small."""

from __future__ import annotations

import ast

from tests.damrong.layout import ROOT, cycles, graph, imports, modules

# Packages by tier: a package may import its own modules and those of lower tiers only.
TIERS = {
    "forms": 0,
    "engine": 1,
    "agency": 2,
    "open311": 2,
    "importer": 2,
    "notifications": 2,
    "stats": 2,
    "screening": 2,
    "web": 3,
    "api": 4,
    "admin": 4,
    "portal": 4,
    "damrong": 5,
}
# The only arrows allowed between packages of one tier (each named in the README).
SIDEWAYS = {("open311", "screening"), ("importer", "screening")}

# Layers inside the engine: each uses only the ones below it (and its own).
CORE = 0
ENGINE_LAYERS = {"access": 1, "reference": 1, "workflow": 2, "cases": 3, "sla": 3}
# Layers of one level that may use each other (never in a circle: see the cycle test).
ENGINE_SIDEWAYS = {("cases", "sla"), ("sla", "cases")}
LARGEST_MODULE = 400


def _package(module: str) -> str:
    return module.split(".")[0]


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ENGINE_LAYERS else "core"


def _level(layer: str) -> int:
    return ENGINE_LAYERS.get(layer, CORE)


def test_packages_import_only_downwards() -> None:
    wrong = []
    for imp in imports():
        source, target = _package(imp.module), _package(imp.target)
        if source == target:
            continue
        if TIERS[target] > TIERS[source]:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} (a higher tier)")
        elif TIERS[target] == TIERS[source] and (source, target) not in SIDEWAYS:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} (a sibling package)")
    assert wrong == []


def test_engine_layers_import_only_downwards() -> None:
    wrong = []
    for imp in imports():
        if _package(imp.module) != "engine" or _package(imp.target) != "engine":
            continue
        source, target = _layer(imp.module), _layer(imp.target)
        if source == target or imp.target in ("engine", f"engine.{target}"):
            continue
        sideways = _level(source) == _level(target) and (source, target) in ENGINE_SIDEWAYS
        if _level(target) >= _level(source) and not sideways:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} ({source} → {target})")
    assert wrong == []


def test_no_module_import_circle() -> None:
    assert cycles(graph()) == []


def test_nothing_imports_the_composition_root() -> None:
    wrong = [
        f"{imp.module}:{imp.line} imports {imp.target}"
        for imp in imports()
        if _package(imp.target) == "damrong" and _package(imp.module) != "damrong"
    ]
    assert wrong == []


def _external_imports(module_path) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.module, node.lineno))
    return found


def test_spiffworkflow_is_imported_only_in_engine_workflow() -> None:
    wrong = [
        f"{module}:{line} imports {name}"
        for module, path in modules().items()
        if not module.startswith("engine.workflow")
        for name, line in _external_imports(path)
        if name.split(".")[0] == "SpiffWorkflow"
    ]
    assert wrong == []


def test_the_engine_and_the_capabilities_import_no_flask() -> None:
    wrong = [
        f"{module}:{line} imports {name}"
        for module, path in modules().items()
        if _package(module) in ("engine", "forms", "agency", "open311", "importer", "stats")
        for name, line in _external_imports(path)
        if name.split(".")[0] in ("flask", "flask_admin", "flask_babel", "werkzeug")
    ]
    assert wrong == []


def test_no_module_is_over_400_lines() -> None:
    paths = [*modules().values(), *sorted((ROOT / "processes").glob("*.py"))]
    long = {
        str(path.relative_to(ROOT)): count
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LARGEST_MODULE
    }
    assert long == {}
