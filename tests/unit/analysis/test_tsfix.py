"""Valid shell the bash grammar leaves unread is read all the same (analysis/tsfix.py): one
test per construct found in real scripts, each reading every program and redirect of the
construct, at the offsets of the text as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cronmigrate.analysis.shell import read
from cronmigrate.analysis.tsfix import rewrite

CONSTRUCTS = {
    # POSIX `for` without `in` (gzip's and bzip2's z* scripts, ldd)
    "for-without-in": ('for i do\n  gzip -t "$i" > /var/log/z.log\ndone\n', "gzip"),
    # a case pattern with a quoted space (zless, git-merge-octopus)
    "case-quoted-space": (
        "case $v in\nless' '45[1-9]* | \\\nless' '4*)\n  zcat x > /var/log/z.log;;\nesac\n",
        "zcat",
    ),
    "case-quoted-glob": ("case \"$r\" in\n?*' '?*)\n\tzcat x > /var/log/z.log ;;\nesac\n", "zcat"),
    # grouping in a test (dpkg-maintscript-helper)
    "test-grouping": (
        'if [ \\( ! -h "$P" -a \\\n   -d "$P" \\) -o \\( -h x \\) ]; then\n'
        '  rmdir "$P" > /var/log/z.log\nfi\n',
        "rmdir",
    ),
    # an operator in a variable (jetty.sh)
    "test-variable-operator": (
        'for L in "$@"; do\n  [ "$OP" "$L" ] || continue\n  rmdir "$L" > /var/log/z.log\ndone\n',
        "rmdir",
    ),
    # `((` opening two subshells (zdiff)
    "nested-subshells": ("((gzip -cdfq -- x 4>&-\n  echo $? >&4) 3>&- > /var/log/z.log)\n", "gzip"),
    # one-line and many-line backquotes in one script (bzgrep)
    "backquotes": (
        "prog=`echo \"$0\" | sed 's|.*/||'`\neval `\nexec 4>&1\n"
        '{ grep x 4>&-; echo "r=$?;" >&4; } | sed y\n`\nzcat x > /var/log/z.log\n',
        "zcat",
    ),
    # a here-document delimiter the grammar does not take (pg_getwal), and one without a
    # command (git's pre-rebase hook)
    "heredoc-equals": (": <<=cut\nPOD here\n=cut\nzcat x > /var/log/z.log\n", "zcat"),
    "bare-heredoc": ("zcat x > /var/log/z.log\n<<\\DOC_END\nnotes\nDOC_END\n", "zcat"),
}


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_each_construct_is_read(name: str) -> None:
    text, program = CONSTRUCTS[name]
    r = read(text)
    assert r.parsed and not r.error, r.error
    assert program in [u.program for u in r.uses]
    (log,) = [x for x in r.redirects if x.target == "/var/log/z.log"]
    assert text[log.start : log.end].endswith("/var/log/z.log")  # offsets of the text as written


def test_arithmetic_and_plain_tests_are_left_alone() -> None:
    assert rewrite("((i++))\nx=$((1+2))\n") is None
    fixed = rewrite('[ -d /srv ] && echo "it\'s `date`"\n')
    assert fixed is not None  # the test and the backquotes inside double quotes
    assert fixed.text == 'test -d /srv   && echo "it\'s $(date)"\n'


SNIPPETS = [v[0] for v in CONSTRUCTS.values()] + ["echo 'a `b` c'\n", "x=1\n", "[ a ]\n"]


@given(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=6))
def test_a_rewrite_keeps_lines_and_maps_back(parts: list[str]) -> None:
    text = "".join(parts)
    fixed = rewrite(text)
    if fixed is None:
        return
    assert len(fixed.back) == len(fixed.text) + 1
    assert fixed.back == sorted(fixed.back) and fixed.back[-1] == len(text)
    newlines = [i for i, c in enumerate(fixed.text) if c == "\n"]
    assert [fixed.back[i] for i in newlines] == [i for i, c in enumerate(text) if c == "\n"]
