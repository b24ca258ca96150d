"""Every problem message the checker can print, read from the source code itself.

The editors' guide (``docs/editing/errors.md``) must explain each one; reading them from the
code means a new message cannot be added without the guide noticing (after sqlite-utils'
``test_docs.py``). A message is turned into a template: literal text kept, each ``{value}``
becomes ``…``.
"""

from __future__ import annotations

import ast
from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
MODULES = tuple(sorted(path.name for path in GENERATOR.glob("*.py")))
"""Every module of the generator: a content problem made anywhere must be explained."""

GAP = "…"

# The position of the message among the positional arguments of each problem-making call.
_MESSAGE_ARG = {
    "error": 2,
    "warn": 2,
    "LoadError": 2,
    "Problem": 4,
    "ValueError": 0,
    "Mismatch": 0,
}


def template(node: ast.expr, names: dict[str, list[ast.expr]]) -> list[str]:
    """The message templates an expression can produce (several for a conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(_joined_part(part) for part in node.values)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [
            left + right
            for left in template(node.left, names)
            for right in template(node.right, names)
        ]
    if isinstance(node, ast.IfExp):
        return [GAP]
    if isinstance(node, ast.Name) and node.id in names:
        return [t for value in names[node.id] for t in template(value, names)]
    return []


def _joined_part(part: ast.expr) -> str:
    if isinstance(part, ast.Constant):
        return str(part.value)
    return GAP


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _message_arg(call: ast.Call) -> ast.expr | None:
    """The message argument of a problem-making call, allowing for ``*record.mark(name)``,
    which stands for two arguments (line and column)."""
    index = _MESSAGE_ARG[_call_name(call)]
    position = 0
    for arg in call.args:
        if position == index:
            return arg
        position += 2 if isinstance(arg, ast.Starred) else 1
    return None


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    names: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names.setdefault(target.id, []).append(node.value)
    return names


def _rule_messages(tree: ast.Module) -> list[str]:
    """``_RULES = ((check, message), …)`` in urls.py, and tuples returned as
    ``(message, hint, field)`` by loader's ``_name_problem``."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Tuple):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "_RULES" for t in targets):
                for rule in node.value.elts:
                    if isinstance(rule, ast.Tuple):
                        found += template(rule.elts[1], {})
        if isinstance(node, ast.FunctionDef) and node.name == "_name_problem":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple):
                    found += template(ret.value.elts[0], _assignments(node))
    return found


def messages() -> set[str]:
    """Every message template in :data:`MODULES`; empty ones (no message) are left out."""
    found: list[str] = []
    for name in MODULES:
        tree = ast.parse((GENERATOR / name).read_text(encoding="utf-8"))
        found += _rule_messages(tree)
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = _assignments(function)
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _call_name(call) in _MESSAGE_ARG:
                    arg = _message_arg(call)
                    if arg is not None:
                        found += template(arg, names)
    return {m for m in found if m.strip(GAP + " ")}
