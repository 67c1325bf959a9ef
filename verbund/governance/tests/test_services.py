import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from verbund.catalog.models import CatalogueVersion
from verbund.core.models import AppendOnlyError
from verbund.governance import services
from verbund.governance.models import Decision, Vote
from verbund.registry.models import AgreementParty


def _attend_all(setup, **overrides):
    for key in ("telgte", "ahlen", "kreis"):
        present, proxy = overrides.get(key, (True, None))
        services.attendance_record(
            actor=None, meeting=setup["meeting"], membership=setup["seats"][key], present=present, proxy=proxy
        )


def _catalogue_paper(setup, registry, catalogue):
    from verbund.catalog.services import catalogue_version_compose, catalogue_version_create, catalogue_version_propose

    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2027, name="Katalog 2027")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    paper = services.paper_create(
        actor=None,
        body=registry["citeq"],
        reference="ZA-V-2026/07",
        name="Produktkatalog 2027",
        date=dt.date(2026, 11, 1),
        subject_kind="catalogue_version",
        subject_id=version.pk,
        proposed_resolution="Der Zentralausschuss beschließt den Produktkatalog 2027.",
    )
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Produktkatalog 2027", paper=paper)
    return version, item


def test_weighted_vote_approves_the_catalogue_exactly_once(committee_setup, registry, catalogue, alice, bob):
    setup = committee_setup
    version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="no")
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    services.vote_cast(actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="yes")
    decision = services.decision_record(actor=None, agenda_item=item)
    assert (decision.result, decision.yes_weight, decision.no_weight) == ("adopted", 5, 1)
    version.refresh_from_db()
    assert version.status == "approved"
    assert version.decision_reference == decision.number
    assert decision.subject_effect == "approved" and decision.number in decision.effect_display
    with pytest.raises(ValidationError):  # a vote after the decision
        services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    with pytest.raises(ValidationError):  # recording twice
        services.decision_record(actor=None, agenda_item=item)
    assert Decision.objects.count() == 1


def test_rejected_decision_leaves_the_subject_unchanged(committee_setup, registry, catalogue, alice, bob):
    setup = committee_setup
    version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    services.vote_cast(actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="no")
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    decision = services.decision_record(actor=None, agenda_item=item)
    assert decision.result == "rejected"
    version.refresh_from_db()
    assert version.status == "proposed"


def test_a_subject_cannot_be_approved_twice(committee_setup, registry, catalogue, alice, bob):
    setup = committee_setup
    version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    second = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Nochmals", paper=item.paper)
    for it in (item, second):
        services.vote_cast(actor=setup["kreis_user"], agenda_item=it, membership=setup["seats"]["kreis"], choice="yes")
    services.decision_record(actor=None, agenda_item=item)
    with pytest.raises(ValidationError, match=r"twice|zweimal"):
        services.decision_record(actor=None, agenda_item=second)
    assert Decision.objects.count() == 1
    assert CatalogueVersion.objects.get(pk=version.pk).status == "approved"


def test_quorum_failure_is_recorded_without_effect(committee_setup, registry, catalogue, alice):
    setup = committee_setup
    version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup, ahlen=(False, None), kreis=(False, None))  # 1 of 6 weight present
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    decision = services.decision_record(actor=None, agenda_item=item)
    assert decision.result == "no_quorum"
    version.refresh_from_db()
    assert version.status == "proposed"


def test_proxy_votes_for_the_absent_member_and_nobody_else_can(committee_setup, registry, catalogue, alice):
    setup = committee_setup
    _version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup, kreis=(False, setup["people"]["deputy"]))
    from verbund.accounts.services import user_create

    deputy_user = user_create(
        actor=None, username="vertretung", password=None, role="committee_member", organization=registry["kreis"]
    )
    setup["people"]["deputy"].user = deputy_user
    setup["people"]["deputy"].save(update_fields=["user"])
    with pytest.raises(ValidationError):  # the absent member itself cannot vote
        services.vote_cast(
            actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="yes"
        )
    with pytest.raises(ValidationError):  # alice cannot vote for another seat
        services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["kreis"], choice="yes")
    vote = services.vote_cast(actor=deputy_user, agenda_item=item, membership=setup["seats"]["kreis"], choice="yes")
    assert vote.cast_by == setup["people"]["deputy"]
    assert vote.weight == 3


def test_a_member_of_one_committee_cannot_vote_in_another(committee_setup, registry, alice):
    setup = committee_setup
    other = services.meeting_schedule(actor=None, committee=setup["working"], name="AA", start=setup["meeting"].start)
    services.meeting_set_state(actor=None, meeting=other, state="invited")
    item = services.agenda_item_add(actor=None, meeting=other, name="Beratung")
    with pytest.raises(ValidationError) as info:
        services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    assert "membership" in info.value.message_dict
    assert Vote.objects.count() == 0


def test_vote_changes_until_decision_and_bad_choice(committee_setup, registry, catalogue, alice):
    setup = committee_setup
    _version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="no")
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    assert Vote.objects.get().choice == "yes"
    with pytest.raises(ValidationError) as info:
        services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="maybe")
    assert "choice" in info.value.message_dict


def test_accession_becomes_effective_through_the_decision(committee_setup, registry, alice, bob):
    from verbund.registry.services import agreement_accession_record

    setup = committee_setup
    party = agreement_accession_record(
        actor=None,
        agreement=registry["agreement"],
        organization=registry["kreis"],
        joined_on=dt.date(2027, 1, 1),
        status="proposed",
    )
    paper = services.paper_create(
        actor=None,
        body=registry["citeq"],
        reference="ZA-V-2026/08",
        name="Beitritt Kreis Warendorf",
        date=dt.date(2026, 11, 1),
        subject_kind="accession",
        subject_id=party.pk,
        majority_rule="two_thirds",
    )
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name=paper.name, paper=paper)
    _attend_all(setup)
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    services.vote_cast(
        actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="abstain"
    )
    decision = services.decision_record(actor=None, agenda_item=item)
    assert decision.result == "adopted" and decision.majority_rule == "two_thirds"
    party.refresh_from_db()
    assert (party.status, party.committee_decision_ref) == ("approved", decision.number)


def test_paper_for_an_already_approved_subject_is_refused(committee_setup, registry, catalogue):
    with pytest.raises(ValidationError) as info:
        services.paper_create(
            actor=None,
            body=registry["citeq"],
            reference="X-1",
            name="x",
            date=dt.date(2026, 1, 1),
            subject_kind="catalogue_version",
            subject_id=catalogue["version"].pk,
        )
    assert "subject_id" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.paper_create(
            actor=None,
            body=registry["citeq"],
            reference="X-2",
            name="x",
            date=dt.date(2026, 1, 1),
            subject_kind="no_such_subject",  # every kind of SubjectKind has a handler since issue #15
            subject_id=1,
        )
    assert "subject_kind" in info.value.message_dict


def test_decisions_are_append_only(committee_setup, registry, catalogue, alice):
    setup = committee_setup
    _version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    decision = services.decision_record(actor=None, agenda_item=item)
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        Decision.objects.all().update(result="adopted")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE governance_decision SET result = 'adopted' WHERE id = %s", [decision.pk])


def test_agenda_reordering_and_closed_meetings(committee_setup):
    setup = committee_setup
    first = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Eins")
    second = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Zwei")
    moved = services.agenda_item_move(actor=None, item=second, position=0)
    first.refresh_from_db()
    assert (moved.position, moved.number, first.position, first.number) == (0, "1", 1, "2")
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=None, item=second, position=5)
    services.meeting_set_state(actor=None, meeting=setup["meeting"], state="held")
    with pytest.raises(ValidationError):
        services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Drei")
    with pytest.raises(ValidationError):
        services.meeting_set_state(actor=None, meeting=setup["meeting"], state="invited")


def test_party_status_proposed_is_not_a_member_yet(committee_setup, registry, catalogue, admin_user):
    from verbund.orders.services import order_submit_new
    from verbund.registry.services import agreement_accession_record

    agreement_accession_record(
        actor=None,
        agreement=registry["agreement"],
        organization=registry["kreis"],
        joined_on=dt.date(2026, 1, 1),
        status="proposed",
    )
    with pytest.raises(ValidationError) as info:
        order_submit_new(
            actor=admin_user,
            member=registry["kreis"],
            product=catalogue["workplace"],
            quantity=1,
            start_date=dt.date(2026, 3, 1),
            as_of=dt.date(2026, 3, 1),
        )
    assert "accede" in info.value.message_dict  # not a party yet: the order must wait for the accession
    assert AgreementParty.objects.get(organization=registry["kreis"]).status == "proposed"


def test_plan_version_is_approved_through_the_decision(committee_setup, registry, catalogue, alice, bob, admin_user):
    from verbund.costing import services as costing

    plan = costing.plan_version_create(actor=None, provider=registry["citeq"], year=2027, name="Plan 2027")
    paper_kwargs = {
        "actor": None,
        "body": registry["citeq"],
        "reference": "ZA-V-2026/09",
        "name": "Plan 2027",
        "date": dt.date(2026, 11, 1),
        "subject_kind": "plan_version",
        "subject_id": plan.pk,
    }
    with pytest.raises(ValidationError):  # a draft plan cannot be put to the vote
        services.paper_create(**paper_kwargs)
    from verbund.costing.models import CostCentre, CostType, ProductMapping, ProductPlan

    centre = CostCentre.objects.create(plan=plan, code="AP", name="Arbeitsplatz", kind="end")
    cost_type = CostType.objects.create(plan=plan, code="PERS", name="Personal")
    costing.planned_cost_set(actor=None, plan=plan, centre=centre, cost_type=cost_type, amount=1000)
    product_plan = ProductPlan.objects.create(
        plan=plan, product=catalogue["workplace"], charging="metered", planned_quantity=10
    )
    ProductMapping.objects.create(plan=plan, centre=centre, product_plan=product_plan)
    costing.plan_version_calculate(actor=None, plan=plan)
    costing.plan_version_submit(actor=None, plan=plan)
    paper = services.paper_create(**paper_kwargs)
    item = services.agenda_item_add(actor=None, meeting=committee_setup["meeting"], name=paper.name, paper=paper)
    _attend_all(committee_setup)
    services.vote_cast(actor=bob, agenda_item=item, membership=committee_setup["seats"]["ahlen"], choice="yes")
    decision = services.decision_record(actor=None, agenda_item=item)
    plan.refresh_from_db()
    assert (decision.result, plan.status, plan.decision_reference) == ("adopted", "approved", decision.number)


def test_votes_and_decisions_are_refused_before_the_meeting_day(committee_setup, registry, catalogue, alice):
    setup = committee_setup
    _version, item = _catalogue_paper(setup, registry, catalogue)
    _attend_all(setup)
    day = services.meeting_day(setup["meeting"])
    seat = setup["seats"]["telgte"]
    with pytest.raises(ValidationError) as refused:
        services.vote_cast(
            actor=alice, agenda_item=item, membership=seat, choice="yes", as_of=day - dt.timedelta(days=7)
        )
    assert day.strftime("%d.%m.%Y") in str(refused.value)  # German default: the day the vote opens
    assert not Vote.objects.exists()
    with pytest.raises(ValidationError):
        services.decision_record(actor=None, agenda_item=item, as_of=day - dt.timedelta(days=1))
    assert not Decision.objects.exists()
    # on the meeting day itself (and after) the vote is taken
    services.vote_cast(actor=alice, agenda_item=item, membership=seat, choice="yes", as_of=day)
    assert Vote.objects.get().choice == "yes"


def test_a_meeting_ahead_refuses_votes_by_the_clock(committee_setup, registry, alice):
    from django.utils import timezone

    setup = committee_setup
    ahead = services.meeting_schedule(
        actor=None,
        committee=setup["committee"],
        name="Nächste Sitzung",
        start=timezone.now() + dt.timedelta(days=7),
    )
    services.meeting_set_state(actor=None, meeting=ahead, state="invited")
    item = services.agenda_item_add(actor=None, meeting=ahead, name="Punkt")
    services.attendance_record(actor=None, meeting=ahead, membership=setup["seats"]["telgte"], present=True)
    assert services.voting_opens_on(ahead) == services.meeting_day(ahead)
    with pytest.raises(ValidationError):
        services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="yes")
    assert not Vote.objects.exists()
