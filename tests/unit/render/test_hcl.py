"""The HCL writer: every string escaped so that nothing becomes an interpolation, terraform
fmt's layout, and what python-hcl2 reads back is what was written."""

from __future__ import annotations

from typing import Any

import hcl2
from hypothesis import given
from hypothesis import strategies as st

from cronmigrate.render.hcl import Block, Expr, block, document, string, template, value


def test_templates_and_directives_in_strings_are_escaped() -> None:
    assert string("${var.x} %{if}") == '"$${var.x} %%{if}"'
    assert string('a "b"\n\\') == '"a \\"b\\"\\n\\\\"'


def test_a_template_interpolates_expressions_and_escapes_the_rest() -> None:
    t = template([Expr("aws_s3_bucket.a.id"), "/${x}"])
    assert t.text == '"${aws_s3_bucket.a.id}/$${x}"'


def test_attributes_align_and_nested_blocks_stand_apart() -> None:
    b = Block(
        "resource",
        ("aws_thing", "x"),
        (
            ("name", "n"),
            ("memory_size", 128),
            ("", Block("inner", (), (("enabled", True),))),
            ("tags", Expr("var.tags")),
        ),
        comment="why",
    )
    assert block(b) == (
        "# why\n"
        'resource "aws_thing" "x" {\n'
        '  name        = "n"\n'
        "  memory_size = 128\n"
        "\n"
        "  inner {\n"
        "    enabled = true\n"
        "  }\n"
        "\n"
        "  tags = var.tags\n"
        "}\n"
    )


def test_long_lists_and_objects_go_on_lines_of_their_own() -> None:
    assert value(["a"] * 3, 0) == '["a", "a", "a"]'
    long = value(["x" * 40] * 3, 0)
    assert long.startswith("[\n") and long.count("\n") == 4
    assert value({"a-b": 1, "c": None}, 0) == '{\n  "a-b" = 1\n  c     = null\n}'


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@given(st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), _TEXT, max_size=5))
def test_what_is_written_reads_back(attrs: dict[str, str]) -> None:
    text = document("h", [Block("locals", (), tuple(attrs.items()))])
    parsed: Any = hcl2.loads(text)
    back = parsed["locals"][0] if parsed.get("locals") else {}
    back = {k: v for k, v in back.items() if k != "__is_block__"}
    expected = {k: string(v) for k, v in attrs.items()}  # python-hcl2 keeps the quotes
    assert {k: v.replace("$${", "${").replace("%%{", "%{") for k, v in back.items()} == {
        k: v.replace("$${", "${").replace("%%{", "%{") for k, v in expected.items()
    }
