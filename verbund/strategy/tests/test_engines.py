"""The pure engines: maturity (min rule, both models), priority score with its trace, potential, name matching."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from verbund.core.steps import render_plain
from verbund.strategy.engine.matching import Official, match_names
from verbund.strategy.engine.maturity import MESSAGES as MATURITY_MESSAGES
from verbund.strategy.engine.maturity import RG_2020, RG_2025, MaturityError, overall_level
from verbund.strategy.engine.potential import PotentialInput, potential
from verbund.strategy.engine.priority import MESSAGES, ServiceFacts, WeightError, Weights, score_services


def test_engines_import_nothing_from_django():
    for path in (Path(__file__).parents[1] / "engine").glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [n for n in names if n.startswith("django")], path


def test_2020_model_lowest_criterion_decides():
    scores = dict.fromkeys(RG_2020.criteria, 4) | {"payment": 2}
    result = overall_level(RG_2020, scores)
    assert result.level == 2
    assert render_plain(result.trace, MATURITY_MESSAGES) == (
        "overall level 2 = lowest of 10 criteria (model 2020), decided by payment",
    )


def test_2025_model_has_levels_up_to_7_and_the_same_rule():
    scores = dict.fromkeys(RG_2025.criteria, 7) | {"e_file": 5, "data": 5}
    assert len(RG_2025.criteria) == 13
    assert overall_level(RG_2025, scores).level == 5
    with pytest.raises(MaturityError):
        overall_level(RG_2020, dict.fromkeys(RG_2020.criteria, 5))  # 5 is beyond the 2020 scale


def test_partial_scores_give_no_overall_level_and_unknown_criteria_are_refused():
    assert overall_level(RG_2020, {"information": 3}).level is None
    with pytest.raises(MaturityError):
        overall_level(RG_2020, {"mailbox": 1})  # a 2025 criterion
    with pytest.raises(MaturityError):
        overall_level(RG_2020, {"information": -1})


def _facts(ident, cases=None, level=None, available=False, mandatory=False, effort="1", top=4):
    return ServiceFacts(ident, cases, level, top, available, mandatory, Decimal(effort))


def test_priority_score_is_the_sum_of_its_explained_terms():
    weights = Weights(Decimal(2), Decimal(1), Decimal(1), Decimal("0.5"), Decimal(1))
    scores = score_services(
        [_facts("a", cases=1000, level=1, available=True, effort="0"), _facts("b", cases=10, mandatory=True)],
        weights,
    )
    first, second = scores
    assert first.ident == "a"
    # a: demand 2 × ln(1001)/ln(1001) = 2; gap (4 − 1)/4 = 0.75; available 1; effort 0 → 3.75
    assert first.score == Decimal("3.7500")
    lines = render_plain(first.trace, MESSAGES)
    assert lines[0].startswith("demand: 2 × ln(1 + 1,000) / 6.9088 = 2")
    assert "maturity gap: 1 × (4 − 1) / 4 = 0.75" in lines
    assert lines[-1] == "score = 3.75"
    # b: demand 2 × ln(11)/ln(1001) = 0.6942; gap 1 (no level: counted as 0); mandatory 0.5; effort −1
    assert second.score == Decimal("1.1942")
    assert "no maturity level recorded: counted as level 0" in render_plain(second.trace, MESSAGES)


def test_user_weights_change_the_order():
    services = [_facts("cheap", available=True, effort="0"), _facts("demanded", cases=50000)]
    assert score_services(services, Weights())[0].ident == "cheap"
    heavy = Weights(demand=Decimal(10), effort=Decimal(0), available=Decimal(0))
    assert score_services(services, heavy)[0].ident == "demanded"


def test_weights_out_of_range_are_refused():
    with pytest.raises(WeightError) as exc:
        score_services([_facts("a")], Weights(gap=Decimal(-1)))
    assert exc.value.name == "gap"


def test_potential_on_a_small_case():
    data = PotentialInput(
        in_scope=frozenset({"a", "b", "c", "d", "e"}),
        online_here=frozenset({"a"}),
        products={"a": (1,), "b": (2, 1)},
        efa=frozenset({"c"}),
        others_online={"c": 1, "d": 3},
    )
    rows = potential(data)
    # a is online here already; e has no solution anywhere
    assert [(r.ident, r.kind, r.products, r.others_online) for r in rows] == [
        ("b", "catalogue", (1, 2), 0),
        ("c", "efa", (), 1),
        ("d", "others", (), 3),
    ]


def test_name_matching():
    officials = [
        Official("1", "Gronau (Westf.), Stadt"),
        Official("2", "Halle (Westf.), Stadt"),
        Official("3", "Bergkamen, Stadt"),
        Official("4", "Neustadt"),
        Official("5", "Neustadt"),
    ]
    result = {m.name: (m.how, m.ags) for m in match_names(["Gronau", "Berglamen", "Neustadt", "Xyz"], officials)}
    assert result == {
        "Gronau": ("prefix", "1"),
        "Berglamen": ("similar", "3"),
        "Neustadt": ("ambiguous", ""),
        "Xyz": ("none", ""),
    }
