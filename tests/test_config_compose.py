"""The slim composer (config/yaml_compose.py) builds the nodes `yaml.compose` builds: the same
tags, values, structure, shared aliases and start positions, and refuses what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from floorwatch.config import ConfigError, load_config
from floorwatch.config.yaml_compose import compose_slim
from floorwatch.config.yaml_nodes import SAFE_LOADER, compose_file

BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DOCUMENTS = [
    "a: 1\nb: [x, 'y', \"z\", 1.5, null, ~, true, 2024-03-01, 3:30, 0o17, .inf]\n",
    "defaults: &d {green: 300, red: 400}\nagents:\n  A1: *d\n  A2: {<<: *d, red: 500}\n",
    "? [complex, key]\n: value\n? {a: 1}\n: [1, 2]\n"
    "plain: |\n  block\n  text\nfolded: >\n  a\n  b\n",
    "- !!str 123\n- !!int '7'\n- !custom x\n- ! tagged\n- !!set {a, b}\n- !!omap [a: 1]\n",
    "seq:\n- 1\n- - 2\n  - 3\n-\n  k: v\nempty_map: {}\nempty_seq: []\nnothing:\n",
    "# only a comment\n---\nexplicit: document\n...\n",
    "loop: &l [1, *l]\n",
    "\ufeffbom: yes\nkey with spaces: 'value with: colon'\n'quoted key': 1\n",
]


def shape(node: Node, seen: dict[int, int] | None = None) -> object:
    """What the readers can see of a node: class, tag, value, start; aliases as a back-reference."""
    seen = {} if seen is None else seen
    if id(node) in seen:
        return ("alias", seen[id(node)])
    seen[id(node)] = len(seen)
    where = (node.start_mark.line, node.start_mark.column)
    if isinstance(node, ScalarNode):
        return ("scalar", node.tag, node.value, node.style, where)
    if isinstance(node, SequenceNode):
        return ("seq", node.tag, where, [shape(item, seen) for item in node.value])
    assert isinstance(node, MappingNode)
    pairs = [(shape(k, seen), shape(v, seen)) for k, v in node.value]
    return ("map", node.tag, where, pairs)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_slim_nodes_are_what_yaml_compose_builds(text: str) -> None:
    expected = yaml.compose(text, Loader=BASE_LOADER)  # libyaml's composer, when PyYAML has it
    slim = compose_slim(text, SAFE_LOADER)
    assert expected is not None and slim is not None
    assert shape(slim) == shape(expected)


def test_an_empty_document_is_none() -> None:
    assert compose_slim("", SAFE_LOADER) is None
    assert compose_slim("# nothing\n", SAFE_LOADER) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: *nowhere\n", "found undefined alias 'nowhere'"),
        ("a: &x 1\nb: &x 2\n", "found duplicate anchor 'x'"),
        ("a: 1\n---\nb: 2\n", "expected a single document in the stream"),
        ("a: [1, 2\n", "expected ',' or ']'"),
    ],
)
def test_what_yaml_compose_refuses_is_refused(text: str, problem: str) -> None:
    with pytest.raises(yaml.YAMLError) as slim_error:
        compose_slim(text, SAFE_LOADER)
    with pytest.raises(yaml.YAMLError) as expected_error:
        yaml.compose(text, Loader=yaml.SafeLoader)
    assert problem in str(expected_error.value)
    assert type(slim_error.value).__name__ == type(expected_error.value).__name__


def test_problems_point_at_the_slim_nodes_positions(tmp_path: Path) -> None:
    path = tmp_path / "floorwatch.yaml"
    path.write_text("floor: {name: X}\nfeeds: []\nmetrics:\n  aht: {field: 1, agg: [nope]}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert any(problem.line == 4 for problem in caught.value.problems), caught.value
    root = compose_file(path)
    assert isinstance(root, MappingNode)
    metrics = root.value[2][1]
    assert (metrics.start_mark.line, metrics.start_mark.column) == (3, 2)
    assert (metrics.end_mark.line, metrics.end_mark.column) == (3, 2)  # where it starts
