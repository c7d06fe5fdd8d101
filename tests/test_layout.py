"""The layout's sizes (docs/architecture.md), kept: a module the size of a book or a view that
does the work of an operation is how a codebase stops being one a person can change."""

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
MODULE_LINES, FUNCTION_LINES, VIEW_LINES = 500, 40, 30
# Modules allowed to be long (none now: the demo's seed documents are data files).
LONG_ON_PURPOSE: set[str] = set()
_ROUTE_DECORATORS = {"route", "get", "post"}


def _modules():
    return sorted(path for path in TRACKER.rglob("*.py"))


def _is_view(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in _ROUTE_DECORATORS
        for decorator in function.decorator_list
    )


def _too_long(path: Path) -> list[str]:
    """Each function longer than its limit (a view's is shorter), with its length."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            limit = VIEW_LINES if _is_view(node) else FUNCTION_LINES
            if length > limit:
                found.append(f"{node.name} ({length} lines, limit {limit})")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(TRACKER)))
def test_modules_and_functions_stay_small_enough_to_read(path):
    name = str(path.relative_to(TRACKER))
    lines = len(path.read_text().splitlines())
    if name not in LONG_ON_PURPOSE:
        assert lines <= MODULE_LINES, f"{name} has {lines} lines: split it by what its parts are about"
    assert not _too_long(path), f"{name}: {', '.join(_too_long(path))}"


def test_every_area_is_a_folder_beside_the_core():
    """No flat module beside the areas but the app factory and the permission rules."""
    flat = sorted(path.name for path in TRACKER.glob("*.py"))
    assert flat == ["__init__.py", "app.py", "permissions.py"]
