"""Split a content file into YAML front matter and markdown body, validate the front matter
against its kind's schema, and locate every problem by line and field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem

Loc = tuple[str | int, ...]

_HANDLER = YAMLHandler()


@dataclass(frozen=True)
class ParsedSource:
    meta: BaseModel
    body: str
    body_first_line: int  # the file line on which ``body`` starts
    field_lines: dict[Loc, int]


def format_field(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "front matter"


def line_for(field_lines: dict[Loc, int], loc: Loc) -> int:
    """The line of the deepest node of ``loc`` that exists in the file."""
    loc = tuple(loc)
    while loc:
        if loc in field_lines:
            return field_lines[loc]
        loc = loc[:-1]
    return field_lines.get((), 1)


def _walk(node: yaml.Node, loc: Loc, out: dict[Loc, int], problems: list[tuple[Loc, int, str]]):
    out[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append((loc + (key,), key_node.start_mark.line + 1, "duplicate key"))
            seen.add(key)
            _walk(value_node, loc + (key,), out, problems)
            out[loc + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, loc + (index,), out, problems)


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _split_model_message(message: str) -> tuple[Loc, str]:
    """Model-level validators write ``"field: message"``; recover the field."""
    head, sep, rest = message.partition(": ")
    if sep and head.isidentifier():
        return (head,), rest
    return (), message


def parse_source(path: str, text: str, schema: type[BaseModel]) -> ParsedSource | list[Problem]:
    """Return the validated front matter and body, or every problem found."""
    if not _HANDLER.detect(text):
        return [
            Problem(
                path,
                1,
                "front matter",
                "the file must start with a '---' line, "
                "then YAML front matter, then a closing '---' line",
            )
        ]
    try:
        raw_fm, body = _HANDLER.split(text)
    except ValueError:
        return [Problem(path, 1, "front matter", "the front matter has no closing '---' line")]
    body_first_line = text[: len(text) - len(body)].count("\n") + 1

    try:
        loader = yaml.SafeLoader(raw_fm)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or str(exc)
        if exc.context:
            reason = f"{exc.context}, {reason}"
        return [Problem(path, line, "front matter", f"invalid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return [Problem(path, 1, "front matter", f"invalid YAML: {exc}")]

    if not isinstance(data, dict):
        return [Problem(path, 2, "front matter", "front matter must be a mapping of field: value")]

    field_lines: dict[Loc, int] = {}
    duplicate_keys: list[tuple[Loc, int, str]] = []
    if node is not None:  # (data is a mapping, so the YAML has a node)
        _walk(node, (), field_lines, duplicate_keys)
    problems = [Problem(path, line, format_field(loc), msg) for loc, line, msg in duplicate_keys]

    try:
        meta = schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            message = _message(error)
            if not loc:
                loc, message = _split_model_message(message)
            problems.append(Problem(path, line_for(field_lines, loc), format_field(loc), message))
        return problems
    if problems:
        return problems
    return ParsedSource(
        meta=meta, body=body, body_first_line=body_first_line, field_lines=field_lines
    )
