"""Finding text a person would read that is not marked for translation — in templates (text
between tags, and the attributes people read: alt, title, placeholder, aria-label) and in
Python (messages flashed, fields' labels and help, refusals). Used by tests/test_translations.py;
run it alone (`python -m tests.untranslated [path…]`) to list what is left in some files."""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment
from jinja2.lexer import TOKEN_DATA

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CODE = ROOT / "tracker"

# Readable text: a run of two letters or more (any script).
_WORDS = re.compile(r"[^\W\d_]{2,}")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.S)
_READ_ATTRIBUTES = re.compile(r'\b(alt|title|placeholder|aria-label|aria-description|label)="([^"{]*)"')
_ENTITY = re.compile(r"&[#\w]+;")
_FRAGMENT = re.compile(r"(?<![\w&])#[\w-]+")  # an address's fragment after an expression: "{{ url }}#list"


def template_offences(path: Path) -> Iterator[str]:
    """Each piece of literal text in a template that a person would read."""
    source = path.read_text(encoding="utf-8")
    environment = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    inside_trans = 0
    inside_tag = False  # a tag that an expression split: `<a href="{{ url }}">` (its text is markup)
    for line, kind, value in environment.lex(source):
        if kind == "name" and value in ("trans", "pluralize"):
            inside_trans += 1 if value == "trans" else 0
        if kind == "name" and value == "endtrans":
            inside_trans = 0
        if kind != TOKEN_DATA or inside_trans:
            continue
        for name, text in _READ_ATTRIBUTES.findall(value):
            if _WORDS.search(_ENTITY.sub(" ", text)):
                yield f'{path.relative_to(ROOT)}:{line}: {name}="{text.strip()[:60]}"'
        if path.suffix != ".txt":
            if inside_tag:  # the rest of a tag begun before the expression
                end = value.find(">")
                value, inside_tag = (value[end + 1 :], False) if end >= 0 else ("", True)
            value = _TAG.sub(" ", value)
            start = value.rfind("<")
            if start >= 0 and re.match(r"</?[A-Za-z]", value[start:]):  # a tag that goes on after the expression
                value, inside_tag = value[:start], True
        text = value
        text = _FRAGMENT.sub(" ", _ENTITY.sub(" ", text))
        if _WORDS.search(text):
            yield f"{path.relative_to(ROOT)}:{line}: {' '.join(text.split())[:70]!r}"


# Calls whose first argument (or `label`/`description`/`message` keyword) a person reads.
_READ_CALLS = {
    "flash",
    "OperationRefused",
    "InvalidField",
    "ValidationError",
    "PermissionDenied",
    "NotADate",
    "abort_with",
}
_FIELD = re.compile(r"\w*Field$")
_READ_KEYWORDS = {"label", "description", "message", "render_kw_placeholder"}


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def python_offences(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        texts = []
        if name in _READ_CALLS or _FIELD.match(name):
            position = 1 if name == "InvalidField" else 0
            if len(node.args) > position:
                texts.append(_literal(node.args[position]))
            texts += [_literal(keyword.value) for keyword in node.keywords if keyword.arg in _READ_KEYWORDS]
        for text in texts:
            if text and _WORDS.search(text):
                yield f"{path.relative_to(ROOT)}:{node.lineno}: {name}({text[:60]!r})"


def offences(paths: list[Path] | None = None) -> list[str]:
    found: list[str] = []
    for path in paths or [
        *sorted(TEMPLATES.rglob("*.html")),
        *sorted(TEMPLATES.rglob("*.txt")),
        *sorted(CODE.glob("**/templates/**/*.html")),
        *sorted(CODE.rglob("*.py")),
    ]:
        path = path.resolve()
        if path.suffix in (".html", ".txt"):
            found += template_offences(path)
        elif path.suffix == ".py":
            found += python_offences(path)
    return found


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]]
    expanded = [
        p
        for arg in paths
        for p in ([*arg.rglob("*.html"), *arg.rglob("*.txt"), *arg.rglob("*.py")] if arg.is_dir() else [arg])
    ]
    listed = offences(expanded or None)
    sys.stdout.write("\n".join(listed) + f"\n{len(listed)} untranslated\n")
