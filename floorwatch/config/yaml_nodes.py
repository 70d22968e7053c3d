"""YAML read as positioned nodes, typed readers over them, and the problems they find.

`yaml.safe_load` forgets where each value came from; `yaml.compose` with the SafeLoader keeps a
line and column on every node. config.py reads the config through these readers so each problem
can point at the text that caused it, and so that all problems are collected before one report.
Scalars are read from their text as written: `007` stays "007" and `yes` stays "yes" where text is
expected, and `3:30` is never silently turned into 210 by YAML 1.1's base-60 integers.
"""

from __future__ import annotations

import difflib
import gc
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import ClassVar, Literal, TypeVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from floorwatch.config.yaml_compose import compose_slim

T = TypeVar("T")
E = TypeVar("E", bound=Enum)
_TAG = "tag:yaml.org,2002:"
NULL, BOOL, INT, FLOAT, MERGE = (_TAG + t for t in ("null", "bool", "int", "float", "merge"))
# What yaml.safe_load can construct; anything else (`!!python/object`, `!custom`) is refused.
_SAFE = ("str", "int", "float", "bool", "null", "timestamp", "binary", "seq", "map", "omap")
SAFE_TAGS = {_TAG + t for t in (*_SAFE, "pairs", "set", "merge")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a config file, at a 1-based line and column."""

    path: Path
    line: int  # 0 when the problem is about the whole file (missing, unreadable, empty)
    col: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else str(self.path)
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class ConfigError(Exception):
    """The config cannot be used; `problems` holds every error found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class ProblemList:
    """Problems found in one file, kept in the order of the file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._items: list[Problem] = []

    def error(self, node: Node, message: str) -> None:
        self._add(node, message, "error")

    def warning(self, node: Node, message: str) -> None:
        self._add(node, message, "warning")

    def _add(self, node: Node, message: str, severity: Literal["error", "warning"]) -> None:
        mark = node.start_mark
        problem = Problem(self.path, mark.line + 1, mark.column + 1, message, severity)
        if problem not in self._items:  # an aliased node can be read twice
            self._items.append(problem)

    def _of(self, severity: str) -> list[Problem]:
        found = [p for p in self._items if p.severity == severity]
        return sorted(found, key=lambda p: (p.line, p.col))

    @property
    def errors(self) -> list[Problem]:
        return self._of("error")

    @property
    def warnings(self) -> list[Problem]:
        return self._of("warning")


def whole_file(path: Path, message: str) -> ConfigError:
    return ConfigError([Problem(path, 0, 0, message)])


# libyaml's parser when PyYAML was built with it: ~10x faster, which a 200,000-entry overrides
# file needs (the pure-Python one took minutes there). Its events become slim nodes
# (yaml_compose); syntax errors are worded by the pure-Python loader.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED_LIMIT = 4096  # distinct scalars remembered: keys and levels repeat, agent ids do not


class _RememberingLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, remembering what tag each plain scalar resolves to: the resolver's
    regexes are Python even under libyaml, and `green`, `red`, `9:00` come back 200,000 times."""

    _resolved: ClassVar[dict[tuple[str, bool, bool], str]] = {}

    def resolve(self, kind: type[Node], value: object, implicit: object) -> str:
        if kind is not ScalarNode or not isinstance(value, str) or not isinstance(implicit, tuple):
            return str(super().resolve(kind, value, implicit))
        key = (value, bool(implicit[0]), bool(implicit[1]))
        tag = self._resolved.get(key)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(self._resolved) < _RESOLVED_LIMIT:
                self._resolved[key] = tag
        return tag


SAFE_LOADER: type[yaml.SafeLoader] = _RememberingLoader


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a config is read: its passes over millions of young
    nodes took four fifths of the time for a 200,000-entry overrides file. The nodes hold no
    cycles (an alias is a shared reference), so reference counting frees them all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was allocated meanwhile joins the oldest generation (two list splices) instead
        # of waiting in the youngest, where the next collection would walk all of it at once.
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def compose_file(path: Path) -> Node:
    """The file's root node; a ConfigError with one problem when it can't be read as YAML."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise whole_file(path, "no such config file") from None
    except IsADirectoryError:
        raise whole_file(path, "is a folder, not a config file") from None
    except OSError as error:
        raise whole_file(path, f"can't read the config: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, col = _position(data, error.start, b"\n")
        bad = data[error.start : error.start + 1].hex()
        raise ConfigError([Problem(path, line, col, f"not UTF-8 text (byte 0x{bad})")]) from None
    try:
        root = compose_slim(text, SAFE_LOADER)
    except yaml.YAMLError:
        root = _compose_slowly(path, text)  # the pure-Python loader words the problem best
    if root is None:
        raise whole_file(path, "the config file is empty")
    return root


def _compose_slowly(path: Path, text: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise ConfigError([_syntax_problem(path, error)]) from None
    except yaml.reader.ReaderError as error:
        line, col = _position(text, error.position, "\n")
        message = f"YAML syntax error: unacceptable character #x{error.character:04x}"
        raise ConfigError([Problem(path, line, col, message)]) from None


def _position(data: bytes | str, index: int, newline: bytes | str) -> tuple[int, int]:
    line_start = data.rfind(newline, 0, index) + 1  # type: ignore[arg-type]
    return data.count(newline, 0, index) + 1, index - line_start + 1  # type: ignore[arg-type]


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    message = f"YAML syntax error: {error.problem or error.context}"
    context = error.context_mark
    if error.context and error.problem and context and context is not mark:
        message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
    return Problem(path, line, col, message)


_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-zA-Z]*)\s*")
_UNIT_SECONDS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration_text(text: str) -> float:
    """'90' or '90s' -> 90.0, '15m' -> 900.0, '8h', '1d', '1h30m'. ValueError says why not."""
    position, total, parts = 0, 0.0, 0
    text = text.strip()
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if match is None:
            raise ValueError("not a duration like 90s, 15m, 8h or 1d")
        unit = match.group(2)
        if unit.lower() not in _UNIT_SECONDS:
            raise ValueError(f"unknown unit '{unit}', use s, m, h or d")
        if not unit and (parts or match.end() < len(text)):
            raise ValueError("a number without a unit must stand alone")
        total += float(match.group(1)) * _UNIT_SECONDS[unit.lower()]
        parts, position = parts + 1, match.end()
    if not parts:
        raise ValueError("empty duration")
    return total


def first_value(node: Node, key: str) -> Node | None:
    """The value of the first `key` in a mapping node (to point at it)."""
    pairs = node.value if isinstance(node, MappingNode) else []
    return next((v for k, v in pairs if isinstance(k, ScalarNode) and k.value == key), None)


def closest(word: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """'; did you mean 'x'?' when a close option exists, else ''."""
    close = closest(word, options)
    return f"; did you mean '{close}'?" if close else ""


def describe(node: Node) -> str:
    """How a value is quoted back to the user in 'must be ... (got X)'."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    return repr(node.value)


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


@dataclass
class Entries:
    """A YAML mapping whose keys were checked: known, unique and text."""

    node: MappingNode
    where: str  # dotted path of this mapping ('' for the top level)
    values: dict[str, Node]
    keys: dict[str, Node]
    suggested: set[str]  # keys offered in "did you mean" hints, so not also reported missing

    def get(self, key: str) -> Node | None:
        return self.values.get(key)

    def path(self, key: str) -> str:
        return join(self.where, key)

    def read(self, key: str, read: Callable[[Node, str], T | None]) -> T | None:
        """`read(value, dotted path)` when the key is present, else None."""
        node = self.values.get(key)
        return None if node is None else read(node, self.path(key))

    def __iter__(self) -> Iterator[tuple[str, Node]]:
        return iter(self.values.items())


class NodeReader:
    """Typed reads of nodes. Each read reports its own problems and returns None on failure,
    so the caller can carry on and find the next problem."""

    def __init__(self, problems: ProblemList) -> None:
        self.problems = problems
        self._constructor = SafeConstructor()

    def check_tags(self, root: Node) -> None:
        """Refuse what yaml.safe_load would refuse: tags it has no constructor for."""
        seen: set[int] = set()  # collections only: an alias may point back at its parent
        stack = [root]
        while stack:
            node = stack.pop()
            if node.tag not in SAFE_TAGS:
                self.problems.error(node, f"unsupported YAML tag '{node.tag}'")
            if isinstance(node, ScalarNode) or id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, MappingNode):
                for key, value in node.value:
                    stack.append(key)
                    stack.append(value)

    def mapping(
        self,
        node: Node,
        where: str,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
        what: str = "a mapping",
    ) -> Entries | None:
        """The mapping's entries. `allowed=None` accepts any key (ids, names)."""
        if not isinstance(node, MappingNode):
            self.problems.error(
                node, f"{where or 'the config'} must be {what} (got {describe(node)})"
            )
            return None
        entries = Entries(node, where, {}, {}, set())
        self._check_duplicates(node, where)
        try:
            self._constructor.flatten_mapping(node)  # `<<: *defaults` merge keys, as safe_load
        except yaml.MarkedYAMLError as error:
            self.problems.error(node, f"{where}: {error.problem}")
        known = list(allowed) if allowed is not None else None
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL:
                self.problems.error(key_node, f"{where or 'the config'}: keys must be plain text")
                continue
            key = key_node.value
            if known is not None and key not in known:
                prefix = f"{where}: " if where else ""
                close = closest(key, known)
                hint = f"; did you mean '{close}'?" if close else ""
                self.problems.error(key_node, f"{prefix}unknown key '{key}'{hint}")
                if close:
                    entries.suggested.add(close)
                continue
            entries.values[key] = value
            entries.keys[key] = key_node
        for key in required:
            if key not in entries.values and key not in entries.suggested:
                self.problems.error(node, f"{where or 'the config'}: missing required key '{key}'")
        return entries

    def _check_duplicates(self, node: MappingNode, where: str) -> None:
        # safe_load keeps the last of two equal keys without a word; that hides mistakes
        first: dict[str, Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE:
                continue
            if key_node.value in first:
                line = first[key_node.value].start_mark.line + 1
                prefix = f"{where}: " if where else ""
                message = f"{prefix}duplicate key '{key_node.value}' (first at line {line})"
                self.problems.error(key_node, message)
            else:
                first[key_node.value] = key_node

    def sequence(self, node: Node, where: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode):
            self.problems.error(node, f"{where} must be a list (got {describe(node)})")
            return None
        return list(node.value)

    def text(self, node: Node, where: str, nullable: bool = False) -> str | None:
        """The scalar's text as written; a null is None when `nullable`, else a problem."""
        if isinstance(node, ScalarNode) and node.tag == NULL and nullable:
            return None
        if not isinstance(node, ScalarNode) or node.tag == NULL or not node.value.strip():
            self.problems.error(node, f"{where} must be text (got {describe(node)})")
            return None
        return str(node.value)

    def optional_text(self, node: Node, where: str) -> str | None:
        return self.text(node, where, nullable=True)

    def texts(self, node: Node, where: str) -> tuple[str, ...] | None:
        """A list of texts; a single text is taken as a list of one."""
        if isinstance(node, ScalarNode) and node.tag != NULL:
            one = self.text(node, where)
            return None if one is None else (one,)
        items = self.sequence(node, where)
        if items is None:
            return None
        found = [self.text(item, f"{where}[{i}]") for i, item in enumerate(items)]
        return tuple(t for t in found if t is not None) if None not in found else None

    def number(self, node: Node, where: str, what: str = "a number") -> float | None:
        value = self.number_or_none(node)
        if value is None:
            self.problems.error(node, f"{where} must be {what} (got {describe(node)})")
        return value

    def number_or_none(self, node: Node) -> float | None:
        """A finite number, or None without a problem (for callers that try other forms)."""
        if not isinstance(node, ScalarNode) or node.tag in (NULL, BOOL) or ":" in node.value:
            return None
        try:
            if node.tag == INT:
                value = float(self._constructor.construct_yaml_int(node))
            elif node.tag == FLOAT:
                value = float(self._constructor.construct_yaml_float(node))
            else:  # a quoted "210" still reads as a number
                value = float(node.value.replace("_", ""))
        except ValueError:
            return None
        return value if math.isfinite(value) else None

    def flag(self, node: Node, where: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.tag == BOOL:
            return bool(self._constructor.construct_yaml_bool(node))
        self.problems.error(node, f"{where} must be true or false (got {describe(node)})")
        return None

    def choice(self, node: Node, where: str, options: Sequence[str]) -> str | None:
        value = self.text(node, where)
        if value is None:
            return None
        if value not in options:
            hint = did_you_mean(value, options)
            message = f"{where} must be one of {', '.join(options)} (got {value!r}){hint}"
            self.problems.error(node, message)
            return None
        return value

    def enum(self, kind: type[E]) -> Callable[[Node, str], E | None]:
        """A reader of one of the enum's values."""
        options = [member.value for member in kind]

        def read(node: Node, where: str) -> E | None:
            value = self.choice(node, where, options)
            return None if value is None else kind(value)

        return read

    def one_of(self, *options: str) -> Callable[[Node, str], str | None]:
        return lambda node, where: self.choice(node, where, options)

    def duration(
        self, node: Node, where: str, example: str = "like 90s, 15m or 2h"
    ) -> float | None:
        """A duration of more than 0 seconds: 90, 90s, 15m, 8h, 1d, 1h30m."""
        text = self.text(node, where)
        if text is None:
            return None
        try:
            seconds = parse_duration_text(text)
        except ValueError as error:
            message = f"{where} must be a duration {example} (got {text!r}: {error})"
            self.problems.error(node, message)
            return None
        if seconds <= 0:
            self.problems.error(node, f"{where} must be more than 0 (got {text!r})")
            return None
        return seconds


def scalar_named(node: yaml.Node, text: str) -> yaml.ScalarNode | None:
    """The first value (not key) in `node`'s tree that reads `text`: where a column is named."""
    if isinstance(node, yaml.ScalarNode):
        return node if node.value == text else None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [value for _, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    for child in children:
        found = scalar_named(child, text)
        if found is not None:
            return found
    return None
