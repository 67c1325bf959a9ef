"""The MCDA engine against the formulas computed by hand (methods §2.1), and its refusals."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.scenarios.engine.errors import ScenarioError
from verbund.scenarios.engine.mcda import Criterion, Direction, Problem, analyse, group_weights, normalise_weights

# Three alternatives, a benefit criterion (weight 0.6) and a cost criterion (weight 0.4).
PROBLEM = Problem(
    ("a", "b", "c"),
    (Criterion("quality", 0.6), Criterion("cost", 0.4, Direction.COST)),
    ((7.0, 300.0), (9.0, 500.0), (5.0, 200.0)),
)


def _by(method):
    return next(m for m in analyse(PROBLEM, draws=500).methods if m.method == method)


def test_weighted_sum_by_hand():
    # min–max: quality a 0.5, b 1, c 0; cost a (500−300)/300 = 2/3, b 0, c 1
    result = _by("weighted_sum")
    assert result.values["a"] == pytest.approx(0.6 * 0.5 + 0.4 * 2 / 3, abs=1e-6)
    assert result.values["b"] == pytest.approx(0.6, abs=1e-6)
    assert result.values["c"] == pytest.approx(0.4, abs=1e-6)
    assert result.ranks == {"b": 1, "a": 2, "c": 3}  # a: 0.5667


def test_topsis_by_hand():
    nq, nc = math.sqrt(49 + 81 + 25), math.sqrt(300**2 + 500**2 + 200**2)
    v = {k: (0.6 * q / nq, 0.4 * c / nc) for k, (q, c) in zip("abc", PROBLEM.scores, strict=True)}
    best = (max(x[0] for x in v.values()), min(x[1] for x in v.values()))
    worst = (min(x[0] for x in v.values()), max(x[1] for x in v.values()))
    expected = {}
    for k, (q, c) in v.items():
        plus = math.dist((q, c), best)
        minus = math.dist((q, c), worst)
        expected[k] = minus / (plus + minus)
    result = _by("topsis")
    for k in "abc":
        assert result.values[k] == pytest.approx(expected[k], abs=1e-6)


def test_promethee_ii_usual_criterion_by_hand():
    # usual preference: P = 1 if strictly better. quality: b > a > c; cost: c < a < b (less is better).
    # π(a,b) = 0.4, π(a,c) = 0.6, π(b,a) = 0.6, π(b,c) = 0.6, π(c,a) = 0.4, π(c,b) = 0.4
    # Φ(a) = (1.0 − 1.0)/2 = 0, Φ(b) = (1.2 − 0.8)/2 = 0.2, Φ(c) = (0.8 − 1.2)/2 = −0.2
    result = _by("promethee_ii")
    assert result.values == pytest.approx({"a": 0.0, "b": 0.2, "c": -0.2}, abs=1e-6)
    assert result.ranks == {"b": 1, "a": 2, "c": 3}


def test_smaa_acceptabilities_are_shares():
    result = analyse(PROBLEM, draws=2000, seed=3)
    for shares in result.acceptability.values():
        assert sum(shares) == pytest.approx(1.0, abs=1e-3)
    firsts = sum(shares[0] for shares in result.acceptability.values())
    assert firsts == pytest.approx(1.0, abs=1e-3)
    assert result == analyse(PROBLEM, draws=2000, seed=3)  # seeded


def test_weights_that_do_not_sum_are_refused():
    bad = Problem(PROBLEM.alternatives, (Criterion("quality", 0.6), Criterion("cost", 0.6)), PROBLEM.scores)
    with pytest.raises(ScenarioError, match=r"sum to 1\.2") as error:
        analyse(bad)
    assert error.value.path == "criteria"
    with pytest.raises(ScenarioError):
        normalise_weights({"a": 0.0, "b": 0.0})


def test_group_weights_are_the_mean_of_normalised_weights():
    group = group_weights([{"a": 1, "b": 1}, {"a": 3, "b": 1}])
    assert group == pytest.approx({"a": 0.625, "b": 0.375})


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=10), min_size=2, max_size=5))
def test_a_dominating_alternative_ranks_first_everywhere(weights):
    total = sum(weights)
    criteria = tuple(Criterion(f"c{k}", w / total) for k, w in enumerate(weights))
    scores = (tuple(5.0 for _ in weights), tuple(6.0 for _ in weights), tuple(4.0 for _ in weights))
    result = analyse(Problem(("x", "best", "y"), criteria, scores), draws=200)
    for method in result.methods:
        assert method.ranks["best"] == 1
    assert result.acceptability["best"][0] == 1.0
