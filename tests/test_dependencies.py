"""Every third-party module the code imports is a declared dependency, and every declared
dependency is imported (or named by a setting); the test bench's likewise.  Imports guarded
by ``except ImportError`` are optional and need no declaration."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"crawler", "spiders", "pipelines", "newscrawl_dev", "tests"}
# Declared though not imported: Scrapy loads it by the name in ROBOTSTXT_PARSER.
LOADED_BY_SETTING = {"protego"}


def optional_imports(tree: ast.AST) -> set[int]:
    """Ids of the import statements guarded by ``except ImportError`` (optional modules)."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in {"ImportError",
                                                               "ModuleNotFoundError"}
                for h in node.handlers):
            guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return guarded


def imported(*folders: str) -> set[str]:
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            optional = optional_imports(tree)
            for node in ast.walk(tree):
                if id(node) in optional:
                    continue
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - FIRST_PARTY


def distributions(modules: set[str]) -> set[str]:
    mapping = packages_distributions()
    return {normal(mapping[m][0]) for m in modules}


def declared(pyproject: Path, extra: str | None = None) -> set[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    specs = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_shipped_imports_are_the_declared_dependencies() -> None:
    used = distributions(imported("crawler", "spiders", "pipelines"))
    assert used | LOADED_BY_SETTING == declared(ROOT / "pyproject.toml")


def test_test_imports_are_declared_for_tests() -> None:
    used = distributions(imported("tests"))
    available = declared(ROOT / "pyproject.toml") | declared(ROOT / "pyproject.toml", "dev")
    assert used <= available


def test_bench_imports_are_declared_by_the_bench() -> None:
    used = distributions(imported("devtools"))
    assert used <= declared(ROOT / "devtools" / "pyproject.toml") | declared(
        ROOT / "pyproject.toml")
