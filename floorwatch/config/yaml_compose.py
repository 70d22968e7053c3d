"""A YAML document composed from libyaml's events into slim positioned nodes.

`yaml.compose` builds, for every scalar and collection, a node with a `__dict__` and two
position objects (where it starts and where it ends): about 300 bytes a node, 600 MB for a
200,000-entry thresholds override file. The readers need a node's tag, value and where it
starts, nothing more: `compose_slim` keeps those in slots (a node is a `ScalarNode`,
`MappingNode` or `SequenceNode` all the same), shares the line numbers and short texts that
repeat, and builds the start mark only when a problem is reported. Same tags, same anchors and
aliases, same refusals (`yaml.compose`'s errors are raised as `ComposerError`).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

SHARED_TEXT = 16  # scalars this short are shared when they repeat (keys, levels, flags)


class _Positioned:
    """Where a node starts, kept as two numbers; the marks yaml gives are made on demand."""

    __slots__ = ()
    _line: int
    _column: int

    @property
    def start_mark(self) -> Mark:
        return Mark("<config>", 0, self._line, self._column, None, None)

    @property
    def end_mark(self) -> Mark:
        return self.start_mark  # nothing reads where a node ends


class SlimScalar(_Positioned, ScalarNode):  # type: ignore[misc]
    __slots__ = ("_column", "_line", "style", "tag", "value")

    def __init__(self, tag: str, value: str, line: int, column: int, style: str | None) -> None:
        self.tag, self.value, self.style = tag, value, style
        self._line, self._column = line, column


class SlimMapping(_Positioned, MappingNode):  # type: ignore[misc]
    __slots__ = ("_column", "_line", "flow_style", "tag", "value")

    def __init__(self, tag: str, line: int, column: int, flow_style: bool | None) -> None:
        self.tag, self.flow_style = tag, flow_style
        self.value: list[tuple[Node, Node]] = []
        self._line, self._column = line, column


class SlimSequence(_Positioned, SequenceNode):  # type: ignore[misc]
    __slots__ = ("_column", "_line", "flow_style", "tag", "value")

    def __init__(self, tag: str, line: int, column: int, flow_style: bool | None) -> None:
        self.tag, self.flow_style = tag, flow_style
        self.value: list[Node] = []
        self._line, self._column = line, column


def compose_slim(text: str, loader_class: type[yaml.SafeLoader]) -> Node | None:
    """The single document in `text` as slim nodes (None when there is none); the loader
    class parses (libyaml's, when PyYAML has it) and resolves implicit tags."""
    loader = loader_class(text)
    try:
        loader.get_event()  # the stream starts
        if loader.check_event(StreamEndEvent):
            return None
        document = loader.get_event()
        root = _Composer(loader).compose()
        if not loader.check_event(StreamEndEvent):
            event = loader.get_event()
            raise ComposerError(
                "expected a single document in the stream", document.start_mark,
                "but found another document", event.start_mark,
            )  # fmt: skip
        return root
    finally:
        loader.dispose()


class _Composer:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.anchors: dict[str, Node] = {}
        self.lines: dict[int, int] = {}
        self.texts: dict[str, str] = {}

    def compose(self) -> Node | None:
        """Every event up to the end of the document (taken too), as nodes; the root node."""
        get_event, resolve = self.loader.get_event, self.loader.resolve
        shared_line, shared_text = self.lines.setdefault, self.texts.setdefault
        root: Node | None = None
        open_nodes: list[Any] = []  # the mappings and sequences not yet closed
        keys: list[Node | None] = []  # per open mapping: the key waiting for its value
        while True:
            event = get_event()
            kind = event.__class__
            node: Any
            if kind is ScalarEvent:  # most events: inline
                value, tag, mark = event.value, event.tag, event.start_mark
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, value, event.implicit)
                if len(value) <= SHARED_TEXT:
                    value = shared_text(value, value)
                line = shared_line(mark.line, mark.line)
                node = SlimScalar(tag, value, line, mark.column, event.style)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                node = self._collection(event, resolve)
            elif kind is AliasEvent:
                node = self._alias(event)
            elif kind is DocumentEndEvent:
                return root
            else:  # the end of a mapping or a sequence
                open_nodes.pop()
                keys.pop()
                continue
            if kind is not AliasEvent and event.anchor is not None:
                self._anchor(event, node)
            if not open_nodes:
                root = node
            elif open_nodes[-1].__class__ is SlimSequence:
                open_nodes[-1].value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                open_nodes[-1].value.append((keys[-1], node))
                keys[-1] = None
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                open_nodes.append(node)
                keys.append(None)

    def _collection(self, event: Any, resolve: Any) -> SlimMapping | SlimSequence:
        mapping = event.__class__ is MappingStartEvent
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolve(MappingNode if mapping else SequenceNode, None, event.implicit)
        mark = event.start_mark
        line = self.lines.setdefault(mark.line, mark.line)
        kind = SlimMapping if mapping else SlimSequence
        return kind(tag, line, mark.column, event.flow_style)

    def _alias(self, event: Any) -> Node:
        node = self.anchors.get(event.anchor)
        if node is None:
            raise ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        return node

    def _anchor(self, event: Any, node: Node) -> None:
        if event.anchor in self.anchors:
            raise ComposerError(
                f"found duplicate anchor {event.anchor!r}; first occurrence",
                self.anchors[event.anchor].start_mark, "second occurrence", event.start_mark,
            )  # fmt: skip
        self.anchors[event.anchor] = node
