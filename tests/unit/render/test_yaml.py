"""The template emitter against a real YAML reader: what it writes reads back equal."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cronmigrate.render.yaml import dump, scalar

_READER_12 = YAML(typ="safe", pure=True)
_READER_11 = YAML(typ="safe", pure=True)
_READER_11.version = (1, 1)  # CloudFormation's reader follows YAML 1.1 ("OFF" is false)

scalars = st.one_of(st.text(), st.integers(), st.booleans())
keys = st.text(min_size=1)
docs = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def read(text: str, reader: YAML) -> Any:
    return reader.load(text)


@given(st.dictionaries(keys, docs, min_size=1, max_size=4))
def test_every_document_reads_back_equal(doc: dict[str, Any]) -> None:
    text = dump(doc, "a comment\nof two lines")
    assert read(text, _READER_12) == doc
    assert read(text, _READER_11) == doc


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("OFF", '"OFF"'),  # a YAML 1.1 boolean
        ("2010-09-09", '"2010-09-09"'),  # a date
        ("0777", '"0777"'),  # an octal number
        ("cron(0 12 ? * MON-FRI *)", "cron(0 12 ? * MON-FRI *)"),
        (
            "arn:${AWS::Partition}:ssm:${AWS::Region}::document/X",
            "arn:${AWS::Partition}:ssm:${AWS::Region}::document/X",
        ),
        ("a: b", '"a: b"'),
        ("x #y", '"x #y"'),
        ("- item", '"- item"'),
        ("", '""'),
        ("line\nbreak", '"line\\nbreak"'),
    ],
)
def test_scalars_are_plain_only_when_unambiguous(value: str, written: str) -> None:
    assert scalar(value) == written
    assert read(f"k: {written}\n", _READER_11) == {"k": value}
