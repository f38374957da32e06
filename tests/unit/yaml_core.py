"""YAML as editors read it, and goalsite's JSON Schemas as editors apply them (for the schema tests).

Editors validate goal files with the YAML language server, which reads YAML 1.2
with its core schema (https://yaml.org/spec/1.2.2/#1033-core-schema): `yes`
and `no` are text, `007` is the number 7, `0o17` and `0x1F` are numbers,
`1_000` and `2026-10-05` are text (1.2 has neither underscores in numbers nor
timestamps), and `<<` is an ordinary key. PyYAML follows YAML 1.1, so
`CoreLoader` swaps its implicit resolvers for the core schema's. It is written
here from the spec on purpose, apart from goalsite's own resolver
(`generator.load.resolve_plain`), so that the tests compare two readings.

Mapping keys are their text as written, as JSON object keys are text.
"""

from __future__ import annotations

import functools
import json
import re

import yaml
from jsonschema import Draft7Validator

from generator.schema import json_schema

_CORE = [  # (tag, pattern): the core schema's tag resolution, in the spec's order
    ("null", r"~|null|Null|NULL|"),
    ("bool", r"true|True|TRUE|false|False|FALSE"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"),
]


class CoreLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """A safe loader that resolves plain scalars by YAML 1.2's core schema, and keeps keys as written."""

    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        return {key.value if isinstance(key, yaml.ScalarNode) else self.construct_object(key, deep=True):
                self.construct_object(value, deep=True) for key, value in node.value}


for _tag, _pattern in _CORE:
    CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(rf"(?:{_pattern})\Z"), None)


def _core_int(loader: CoreLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)  # decimal, leading zeros and all: `007` is 7


def _core_float(loader: CoreLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


def _core_map(loader: CoreLoader, node: yaml.MappingNode):
    data: dict = {}
    yield data
    data.update(loader.construct_mapping(node))


CoreLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _core_float)
CoreLoader.add_constructor("tag:yaml.org,2002:map", _core_map)


_TYPED = re.compile("(?:" + "|".join(pattern for _, pattern in _CORE) + r")\Z")


def core_text(plain: str) -> bool:
    """Whether a plain scalar is text (not null, a boolean or a number) in the core schema."""
    return not _TYPED.match(plain)


def load_core(text: str):
    """The data of a YAML text as an editor reads it."""
    return yaml.load(text, Loader=CoreLoader)  # noqa: S506 - CoreLoader is a SafeLoader


@functools.cache
def _schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind))


def schema(kind: str) -> dict:
    """A fresh copy of the schema of one kind of goal file (generating one takes a while)."""
    return json.loads(_schema_text(kind))


@functools.cache
def validator(kind: str) -> Draft7Validator:
    """A draft-07 validator of one kind of goal file, checking formats (`date`) as editors do."""
    return Draft7Validator(schema(kind), format_checker=Draft7Validator.FORMAT_CHECKER)


def schema_errors(kind: str, data) -> list[str]:
    """Where `data` breaks the schema, as `path: message` lines (empty when it is valid)."""
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(data))
