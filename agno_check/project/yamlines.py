"""YAML with line numbers: PyYAML's safe loader, keeping the 1-based line of every mapping key and list item.

Findings must point at a line, and plain ``yaml.safe_load`` forgets where things were; a loader subclass that
records the node marks keeps PyYAML's own parsing (anchors, merge keys, multi-document files) untouched.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping that knows the line of each key (``line_of(key)``) and its own (``line``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any, default: int | None = None) -> int:
        return self.key_lines.get(key, default if default is not None else self.line)


class LineList(list):
    """A sequence that knows the line of each item (``line_of(index)``) and its own (``line``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)  # merge keys (<<: *anchor) as SafeLoader does
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


class YamlError(Exception):
    """A file PyYAML could not parse; ``line`` is the parser's 1-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def load_documents(text: str) -> list[Any]:
    """Every document of a YAML text, with line numbers; a syntax error is a YamlError with its line."""
    try:
        return [doc for doc in yaml.load_all(text, Loader=_LineLoader) if doc is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        line = min(line, max(1, len(text.splitlines())))  # "end of stream" marks point past the last line
        problem = exc.problem or str(exc).splitlines()[0]
        raise YamlError(f"not valid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", 1) from None


def as_int(value: object, default: int) -> int | None:
    """An integer field as written (``3``, ``"3"``); None when it is not one (``${REPLICAS}``, set at deploy)."""
    if value is None:
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        return None
