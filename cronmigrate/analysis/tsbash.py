"""Read shell text with tree-sitter's bash grammar: real scripts (``case`` arms, ``$(( ))``,
here-documents, functions, loops), and where the text holds something it cannot read, the
rest of it still, with the unreadable lines named.

Produces the same :class:`~cronmigrate.analysis.reader.Reading` as the plain tokenizer,
through the same :class:`~cronmigrate.analysis.reader.Reader` (wrappers, interpreters,
``sh -c``, ``cd``). tree-sitter-bash 0.25 and tree-sitter 0.26 are wheels on PyPI; the
parser loads in ~10 ms, and only for text the plain fast path cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from cronmigrate.analysis import tsfix
from cronmigrate.analysis.reader import Guard, Reader, Reading, Redirect

_WRITES = {">", ">>", "&>", ">|", "&>>"}
_STATEMENTS = {"pipeline", "command", "list", "redirected_statement", "subshell"}


@cache
def _parser() -> Any:
    # Loaded on the first text the plain tokenizer cannot read: lint's start-up stays small.
    import tree_sitter_bash  # noqa: PLC0415
    from tree_sitter import Language, Parser  # noqa: PLC0415

    return Parser(Language(tree_sitter_bash.language()))


@lru_cache(maxsize=32)
def _tree(source: bytes) -> Any:
    """One parse per text: a script is read for its commands and checked for bashisms."""
    return _parser().parse(source)


def _text(node: Any) -> str:
    return str(node.text.decode("utf-8", "surrogateescape"))


def _value(node: Any) -> str:
    """A word as the shell would see it, quotes removed; expansions kept as written."""
    kind = node.type
    if kind == "raw_string":
        return _text(node)[1:-1]
    if kind == "string":
        inner = _text(node)
        return inner[1:-1] if inner.startswith('"') and inner.endswith('"') else inner
    if kind == "concatenation":
        return "".join(_value(c) for c in node.children)
    if kind == "word":
        t = _text(node)
        return t.replace("\\", "") if "\\" in t and "'" not in t else t
    return _text(node)


class _TreeReader(Reader):
    def __init__(
        self, source: bytes, offsets: list[int] | None, read_nested: Callable[[str], Reading]
    ) -> None:
        super().__init__(read_nested)
        self.source = source
        self.offsets = offsets  # byte → character offset (non-ASCII or rewritten text)

    def char(self, byte: int) -> int:
        return self.offsets[byte] if self.offsets is not None else byte

    def visit(self, node: Any, nested: bool) -> None:
        kind = node.type
        if kind == "function_definition":
            name = node.child_by_field_name("name")
            if name is not None:
                self.functions.add(_text(name))
        if kind == "redirected_statement":
            body = node.child_by_field_name("body")
            for r in node.children_by_field_name("redirect"):
                self.redirect(r, nested)
                for c in r.named_children:  # `cat <<EOF | mail …`: the pipeline is inside
                    if c.type in _STATEMENTS:
                        self.visit(c, nested)
            if body is not None:
                self.visit(body, nested)
            return
        if kind == "command":
            self.command_node(node, nested)
            return
        if kind in ("command_substitution", "process_substitution"):
            self.depth += 1
            for c in node.named_children:
                self.visit(c, True)
            self.depth -= 1
            return
        for c in node.named_children:
            self.visit(c, nested)

    def redirect(self, node: Any, nested: bool) -> None:
        if node.type != "file_redirect":
            return
        dest = node.child_by_field_name("destination")
        op = next((_text(c) for c in node.children if not c.is_named), "")
        if dest is None or op.endswith("&"):  # 2>&1: a descriptor
            return
        start, end = (-1, -1) if nested else (self.char(node.start_byte), self.char(node.end_byte))
        if op in _WRITES or op == "<":
            self.redirects.append(Redirect(op, _value(dest), start, end))

    def command_node(self, node: Any, nested: bool) -> None:
        words: list[str] = []
        for c in node.named_children:
            if c.type == "command_name":
                words.append(_value(c.named_children[0]) if c.named_children else _text(c))
            elif c.type in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                self.redirect(c, nested)
                continue
            elif c.type == "variable_assignment":
                self.visit_substitutions(c)
                continue
            elif node.field_name_for_child(node.children.index(c)) == "argument":
                words.append(_value(c))
            self.visit_substitutions(c)
        self.argv(words, "")

    def visit_substitutions(self, node: Any) -> None:
        for c in node.named_children:
            if c.type in ("command_substitution", "process_substitution"):
                self.visit(c, True)
            else:
                self.visit_substitutions(c)


_PATH_TEST = re.compile(r"^(?:\[\[?|test)\s+(!\s+)?(-[edfrsx])\s+(/\S+?)\s*(?:\]\]?)?$")
_ON_PATH = re.compile(r"^(?:command\s+-v|which)\s+([A-Za-z0-9_.+-]+)$")


def _guard_test(node: Any, reader: _TreeReader) -> tuple[str, str, bool, int, int] | None:
    """(test, path, negated, start, end) when ``node`` is a path test or ``command -v``."""
    if node.type == "redirected_statement":  # command -v x >/dev/null
        body = node.child_by_field_name("body")
        if body is None:
            return None
        node = body
    if node.type not in ("test_command", "command"):
        return None
    text = " ".join(_text(node).split())
    start, end = reader.char(node.start_byte), reader.char(node.end_byte)
    m = _PATH_TEST.match(text)
    if m:
        return m.group(2), m.group(3), bool(m.group(1)), start, end
    m = _ON_PATH.match(text)
    if m:
        return "-v", m.group(1), False, start, end
    return None


def _chain(node: Any) -> tuple[Any, str, list[Any]] | None:
    """A list whose operators are all ``&&`` or all ``||``: (first item, op, the rest)."""
    items: list[Any] = []
    ops: set[str] = set()
    while node.type == "list":
        named = node.named_children
        ops.update(_text(c) for c in node.children if not c.is_named)
        items.insert(0, named[-1])
        node = named[0]
    items.insert(0, node)
    if len(ops) != 1 or len(items) < 2:
        return None
    return items[0], ops.pop(), items[1:]


def _guards(root: Any, reader: _TreeReader) -> None:
    """The path tests that decide whether the rest of a statement runs (top level only)."""
    statements = [c for c in root.named_children if c.type != "comment"]
    for statement in statements:
        whole = len(statements) == 1
        first, op = None, ""
        if statement.type == "list":
            chain = _chain(statement)
            if chain is not None:
                first, op, _ = chain
        elif statement.type == "if_statement":
            branches = [
                c for c in statement.named_children if c.type in ("elif_clause", "else_clause")
            ]
            condition = statement.child_by_field_name("condition")
            if condition is not None and not branches:
                chain = _chain(condition) if condition.type == "list" else (condition, "&&", [])
                if chain is not None and chain[1] == "&&":
                    first, op = chain[0], "&&"
        if first is None:
            continue
        found = _guard_test(first, reader)
        if found is not None:
            test, path, negated, start, end = found
            reader.guards.append(Guard(op, test, path, negated, whole, start, end))


def read_tree(
    command: str, read_nested: Callable[[str], Reading]
) -> tuple[Reading, tuple[int, ...]]:
    """The reading, and the lines of the regions the grammar could not read; text run by
    ``sh -c``/``su -c`` is read with ``read_nested``. Where the grammar leaves a region
    unread, the text is read again as :mod:`tsfix` rewrites it (the same shell, in words the
    grammar knows), offsets mapped back to the text as written."""
    reader, tree = _read(command, None, read_nested)
    bad = _error_lines(tree.root_node)
    if bad:
        fixed = tsfix.rewrite(command)
        if fixed is not None:
            again, tree2 = _read(fixed.text, fixed.back, read_nested)
            bad2 = _error_lines(tree2.root_node)
            if len(bad2) < len(bad):
                reader, tree, bad = again, tree2, bad2
    _guards(tree.root_node, reader)
    return reader.reading(), bad


def _error_lines(root: Any) -> tuple[int, ...]:
    """The first line of each region the grammar could not read (an ERROR node, or a token
    it had to assume: a MISSING one)."""
    lines: set[int] = set()
    stack = [root] if root.has_error else []
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            lines.add(node.start_point[0] + 1)
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return tuple(sorted(lines))


def _read(
    text: str, back: list[int] | None, read_nested: Callable[[str], Reading]
) -> tuple[_TreeReader, Any]:
    source = text.encode("utf-8", "surrogateescape")
    offsets = None
    if len(source) != len(text):
        offsets = []
        for i, ch in enumerate(text):
            offsets.extend([i] * len(ch.encode("utf-8", "surrogateescape")))
        offsets.append(len(text))
    if back is not None:  # byte of the rewritten text → character of the written one
        offsets = [back[c] for c in offsets] if offsets is not None else back
    reader = _TreeReader(source, offsets, read_nested)
    tree = _tree(source)
    reader.visit(tree.root_node, nested=False)
    return reader, tree


def bashisms(text: str) -> list[tuple[int, str]]:
    """(line, construct) of what bash reads and POSIX sh (dash, Debian's /bin/sh) does not:
    ``[[ ]]``, arrays, ``function f``, ``<<<``, ``$'…'``, ``<( )``."""
    source = text.encode("utf-8", "surrogateescape")
    found: list[tuple[int, str]] = []
    stack = [_tree(source).root_node]
    while stack:
        node = stack.pop()
        what = None
        if node.type == "test_command" and _text(node).startswith("[["):
            what = "[[ ]]"
        elif node.type == "array":
            what = "an array"
        elif node.type == "function_definition" and _text(node).startswith("function "):
            what = "the function keyword"
        elif node.type == "herestring_redirect":
            what = "<<<"
        elif node.type == "ansi_c_string":
            what = "$'…'"
        elif node.type == "process_substitution":
            what = "<( )"
        if what is not None:
            found.append((node.start_point[0] + 1, what))
        stack.extend(reversed(node.children))
    return sorted(set(found))
