"""ids.py: an id, a period id or a reference matches the whole text, and one definition serves every stage.

Issue 25: Python's `$` also matches before a final newline, so `id: "reliable\\n"` or a
period folder named `2026-Q4` plus a newline passed, and pages landed in folders whose
names end in a newline. Every such id is now an error at its file:line:column.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator import cli, history, load, model
from generator.commands import types as cli_types
from generator.ids import PERIOD_RE, REF_RE, SLUG_RE


@pytest.mark.parametrize("regex, good", [(SLUG_RE, "reliable"), (PERIOD_RE, "2026-Q4"), (REF_RE, "2026:acme/grow/arr")])
@pytest.mark.parametrize("tail", ["\n", "\n\n", "\r", " ", "\t"])
def test_a_trailing_newline_or_space_is_no_part_of_an_id(regex, good, tail):
    assert regex.match(good) and regex.fullmatch(good)
    assert not regex.match(good + tail) and not regex.search(good + tail)


def test_every_stage_uses_the_one_definition():
    assert load.SLUG_RE is SLUG_RE and load.PERIOD_RE is PERIOD_RE
    assert history.SLUG_RE is SLUG_RE and history.PERIOD_RE is PERIOD_RE
    assert cli_types.SLUG_RE is SLUG_RE and cli_types.PERIOD_RE is PERIOD_RE
    assert model.SLUG_RE is SLUG_RE and model.REF_RE is REF_RE


OBJ = """\
objectives:
  - id: grow
    title: Grow
    owner: dana
    key_results:
      - id: logos
        title: Sign logos
        milestone: true
"""
F = "2026-Q4/sales.yaml"

PERIOD_ROWS = [
    ("objective-id", OBJ.replace("id: grow", 'id: "grow\\n"'), [(F, 2, 9, "model.bad-id")]),
    ("objective-id-block-scalar", OBJ.replace("id: grow", "id: |\n      grow"), [(F, 2, 9, "model.bad-id")]),
    ("key-result-id", OBJ.replace("id: logos", 'id: "logos\\n"'), [(F, 6, 13, "model.bad-id")]),
    ("owner", OBJ.replace("owner: dana", 'owner: "dana\\n"'), [(F, 4, 12, "model.bad-id")]),
    ("collaborator", OBJ.replace("    owner: dana\n", '    owner: dana\n    collaborators: ["eli\\n"]\n'),
     [(F, 5, 21, "model.bad-id")]),
    ("kpi", OBJ + '        kpi: "monthly-churn\\n"\n', [(F, 9, 14, "model.bad-id")]),
    ("initiative-key-result", OBJ + '    initiatives: [{title: I, key_results: ["logos\\n"]}]\n',
     [(F, 9, 44, "model.bad-id")]),
    ("aligns-to", OBJ.replace("    owner: dana\n", '    owner: dana\n    aligns_to: "acme/grow\\n"\n'),
     [(F, 5, 16, "model.bad-reference")]),
    ("rolled-over-from", OBJ.replace("    owner: dana\n", '    owner: dana\n    rolled_over_from: "2026-Q3:sales/grow\\n"\n'),
     [(F, 5, 23, "model.bad-reference")]),
    ("unit-header", 'unit: "sales\\n"\n' + OBJ, [(F, 1, 7, "model.bad-id")]),
    ("period-header", 'period: "2026-Q4\\n"\n' + OBJ, [(F, 1, 9, "model.bad-period")]),
]


@pytest.mark.parametrize("text, expected", [r[1:] for r in PERIOD_ROWS], ids=[r[0] for r in PERIOD_ROWS])
def test_an_id_with_a_trailing_newline_in_a_period_file_is_an_error(tree, text, expected):
    assert tree.problems({F: text}) == expected


ORG = """\
company: {id: acme, name: Acme Corp}
units:
  - {id: sales, name: Sales, lead: dana}
people:
  - {id: dana, name: Dana Fox, unit: sales}
"""

ORG_ROWS = [
    ("company-id", ORG.replace("id: acme", 'id: "acme\\n"'), (1, 15)),
    ("unit-id", ORG.replace("id: sales", 'id: "sales\\n"'), (3, 10)),
    ("unit-lead", ORG.replace("lead: dana", 'lead: "dana\\n"'), (3, 36)),
    ("unit-parent", ORG.replace("lead: dana", 'parent: "acme\\n"'), (3, 38)),
    ("person-id", ORG.replace("id: dana", 'id: "dana\\n"'), (5, 10)),
    ("person-unit", ORG.replace("unit: sales}", 'unit: "sales\\n"}'), (5, 38)),
    ("periods-key", ORG + 'periods:\n  "2026-Q4\\n": {start: 2026-10-01, end: 2026-12-31}\n', (7, 3)),
]


@pytest.mark.parametrize("text, where", [r[1:] for r in ORG_ROWS], ids=[r[0] for r in ORG_ROWS])
def test_an_id_with_a_trailing_newline_in_org_yaml_is_an_error(tree, text, where):
    code = "model.bad-period" if "periods" in text else "model.bad-id"
    assert tree.problems({"org.yaml": text}) == [("org.yaml", *where, code)]


KPIS = """\
kpis:
  - id: churn
    name: Monthly churn
    unit: sales
    owner: dana
    predicts: [churn]
    informed: [sales]
"""


@pytest.mark.parametrize("old, new, where", [
    ("id: churn", 'id: "churn\\n"', (2, 9)),
    ("unit: sales", 'unit: "sales\\n"', (4, 11)),
    ("owner: dana", 'owner: "dana\\n"', (5, 12)),
    ("predicts: [churn]", 'predicts: ["churn\\n"]', (6, 16)),
    ("informed: [sales]", 'informed: ["sales\\n"]', (7, 16)),
])
def test_an_id_with_a_trailing_newline_in_a_kpi_file_is_an_error(tree, old, new, where):
    assert tree.problems({"kpis.yaml": KPIS.replace(old, new)}) == [("kpis.yaml", *where, "model.bad-id")]


def test_a_period_folder_with_a_trailing_newline_is_no_period(tree):
    """The name is refused as it stands (a line break in a name could forge CI output), not read as 2026-Q4."""
    assert tree.problems({"2026-Q4\n/sales.yaml": OBJ}) == [("2026-Q4\n", 1, 1, "load.bad-name")]


def test_a_period_file_whose_name_ends_in_a_newline_is_no_unit(tree):
    assert tree.problems({"2026-Q4/sales\n.yaml": OBJ}) == [("2026-Q4/sales\n.yaml", 1, 1, "load.bad-name")]


@pytest.mark.parametrize("args", [
    ["rollover", "2026-Q3\n", "2026-Q4"],
    ["rollover", "2026-Q3", "2026-Q4\n"],
    ["checkin", "sales/grow/logos\n", "--value", "1"],
    ["checkin", "sales/grow/logos", "--value", "1", "--period", "2026-Q4\n"],
])
def test_the_command_line_refuses_ids_with_a_trailing_newline(tmp_path, args):
    result = CliRunner().invoke(cli.cli, [*args, "--goals", str(tmp_path)])
    assert result.exit_code == 2 and "got" in result.output
