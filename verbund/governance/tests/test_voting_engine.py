from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbund.governance.engine.voting import Ballot, Rule, VotingError, outcome, tally

D = Decimal


def b(member, weight, choice, present=True):
    return Ballot(member=member, weight=D(weight), present=present, choice=choice)


def test_weighted_simple_majority_counts_weights_not_heads():
    ballots = [b("Münster", 10, "yes"), b("Telgte", 1, "no"), b("Ahlen", 2, "no"), b("Olfen", 1, "no")]
    result = tally(ballots, Rule("simple", weighted=True))
    assert (result.yes, result.no, result.adopted) == (D(10), D(4), True)
    assert not tally(ballots, Rule("simple", weighted=False)).adopted  # 1 : 3 by heads


def test_simple_majority_tie_is_rejected_and_abstentions_do_not_count():
    tie = [b("a", 1, "yes"), b("b", 1, "no"), b("c", 1, "abstain"), b("d", 1, "abstain")]
    assert tally(tie, Rule("simple")).result == "rejected"
    one_more = [b("a", 1, "yes"), b("b", 1, "abstain"), b("c", 1, "abstain")]
    assert tally(one_more, Rule("simple")).adopted


def test_absolute_majority_needs_more_than_half_of_all_weights():
    ballots = [b("a", 3, "yes"), b("b", 2, "no"), b("c", 2, None, present=False), b("d", 2, "abstain")]
    assert not tally(ballots, Rule("absolute", quorum_share=D("0.5"))).adopted  # 3 of 9 is not > 4.5
    ballots[1] = b("b", 2, "yes")
    assert tally(ballots, Rule("absolute", quorum_share=D("0.5"))).adopted  # 5 > 4.5


def test_two_thirds_of_votes_cast_exactly():
    assert tally([b("a", 2, "yes"), b("b", 1, "no")], Rule("two_thirds")).adopted  # 2/3 exactly
    assert not tally([b("a", D("1.999"), "yes"), b("b", 1, "no")], Rule("two_thirds")).adopted
    assert not tally([b("a", 1, "abstain")], Rule("two_thirds")).adopted  # no yes at all


def test_unanimity_fails_on_one_abstention_or_missing_vote():
    assert tally([b("a", 1, "yes"), b("b", 1, "yes")], Rule("unanimous")).adopted
    assert not tally([b("a", 1, "yes"), b("b", 1, "abstain")], Rule("unanimous")).adopted
    assert not tally([b("a", 1, "yes"), b("b", 1, None)], Rule("unanimous")).adopted
    absent = [b("a", 1, "yes"), b("b", 1, "yes"), b("c", 1, None, present=False)]
    assert tally(absent, Rule("unanimous", quorum_share=D("0.5"))).adopted  # unanimity of those present


def test_quorum_failure_adopts_nothing():
    ballots = [b("a", 4, "yes"), b("b", 3, None, present=False), b("c", 3, None, present=False)]
    result = tally(ballots, Rule("simple", quorum_share=D("0.5")))
    assert (result.quorate, result.result, result.adopted) == (False, "no_quorum", False)
    assert "NOT quorate" in result.trace[1]


@pytest.mark.parametrize(
    ("ballots", "rule", "path"),
    [
        ([b("a", 1, "yes"), b("a", 1, "no")], Rule(), "ballots[a]"),
        ([b("a", -1, "yes")], Rule(), "ballots[a]"),
        ([b("a", 1, "maybe")], Rule(), "ballots[a]"),
        ([b("a", 1, "yes", present=False)], Rule(), "ballots[a]"),
        ([b("a", 1, "yes")], Rule("plurality"), "rule.majority"),
        ([b("a", 1, "yes")], Rule(quorum_share=D("1.5")), "rule.quorum_share"),
    ],
)
def test_bad_input_names_the_ballot_or_rule(ballots, rule, path):
    with pytest.raises(VotingError) as info:
        tally(ballots, rule)
    assert info.value.path == path


ballot_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=50), st.sampled_from(["yes", "no", "abstain", None]), st.booleans()),
    min_size=1,
    max_size=30,
)


@given(ballot_lists, st.sampled_from(["simple", "absolute", "two_thirds", "unanimous"]))
def test_properties(raw, majority):
    ballots = [
        Ballot(member=str(i), weight=D(w), present=p or c is not None, choice=c) for i, (w, c, p) in enumerate(raw)
    ]
    result = tally(ballots, Rule(majority, quorum_share=D(0)))
    assert result.yes + result.no + result.abstain + result.not_voted == result.present <= result.total
    # order of members does not matter
    assert tally(list(reversed(ballots)), Rule(majority, quorum_share=D(0))).adopted == result.adopted
    # turning one no into a yes never turns an adopted vote into a rejected one
    flipped = [Ballot(x.member, x.weight, x.present, "yes" if x.choice == "no" else x.choice) for x in ballots]
    if result.adopted:
        assert tally(flipped, Rule(majority, quorum_share=D(0))).adopted


def test_a_few_yes_votes_do_not_settle_a_two_thirds_majority():
    """6 yes of 46 present weights: 'reached so far' was claimed; the outstanding 40 can still defeat it."""
    ballots = [b("a", 6, "yes")] + [b(f"s{i}", 1, None) for i in range(40)]
    rule = Rule("two_thirds")
    assert tally(ballots, rule).adopted  # what a tally of the votes cast alone says
    assert outcome(ballots, rule) == "open"
    settled = [b("a", 30, "yes"), b("b", 6, None), b("c", 4, "no")]  # 30 ≥ ⅔ × (30 + 4 + 6)
    assert outcome(settled, rule) == "adopted"
    assert outcome([b("a", 1, "no"), b("b", 1, None)], Rule("unanimous")) == "rejected"
    everyone = [b("a", 2, "yes"), b("b", 1, "no")]
    assert outcome(everyone, rule) == "adopted"  # nothing outstanding: the tally is the outcome


_choices = st.sampled_from(["yes", "no", "abstain", None])


@given(
    cast=st.lists(st.tuples(st.integers(0, 9), _choices, st.booleans()), min_size=1, max_size=8),
    rule_name=st.sampled_from(["simple", "absolute", "two_thirds", "unanimous"]),
    fill=st.lists(st.sampled_from(["yes", "no", "abstain"]), min_size=8, max_size=8),
)
def test_a_settled_outcome_holds_whatever_the_outstanding_votes(cast, rule_name, fill):
    ballots = [
        b(f"m{i}", w, choice if present else None, present=present) for i, (w, choice, present) in enumerate(cast)
    ]
    rule = Rule(rule_name, quorum_share=D("0.5"))
    settled = outcome(ballots, rule)
    completed = [
        b(x.member, x.weight, fill[i], present=True) if x.present and x.choice is None else x
        for i, x in enumerate(ballots)
    ]
    final = tally(completed, rule).adopted
    if settled != "open":
        assert final == (settled == "adopted")
