"""Inventory, potential, demand, priorities, roadmap, comparison and permissions (member sees and edits only its
own municipality's strategy)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (fixture)
from verbund.strategy import selectors
from verbund.strategy.choices import SolutionKind
from verbund.strategy.engine.maturity import RG_2020
from verbund.strategy.models import CaseVolume, CoverageFigure, InventoryEntry, MaturityScore, RoadmapItem
from verbund.strategy.services import (
    EntryData,
    case_volume_save,
    inventory_entry_save,
    product_tag_add,
    roadmap_item_save,
)

GEBURT, EHE, KFZ_AB = "99027002012000", "99059001104000", "99036008070000"


@pytest.fixture
def setup(small_catalogue, registry, catalogue, alice, bob, admin_user):  # noqa: F811
    services = small_catalogue["services"]
    product_tag_add(actor=None, product=catalogue["ozg"], leika=services[EHE])
    return {"services": services, **registry, "product": catalogue["ozg"]}


def _entry(org, service, **kwargs):
    return inventory_entry_save(actor=None, organization=org, leika=service, data=EntryData(**kwargs))


def test_maturity_scores_are_stored_per_criterion_with_model_version(setup):
    scores = dict.fromkeys(RG_2020.criteria, 3) | {"payment": 1}
    entry = _entry(
        setup["telgte"], setup["services"][GEBURT], online=True, solution_kind=SolutionKind.OWN, scores={"2020": scores}
    )
    assert entry.level_2020 == 1 and entry.level_2025 is None
    assert MaturityScore.objects.filter(entry=entry, model_version="2020").count() == 10
    with pytest.raises(ValidationError) as exc:
        _entry(
            setup["telgte"],
            setup["services"][GEBURT],
            online=True,
            solution_kind=SolutionKind.OWN,
            scores={"2020": {**scores, "payment": 9}},
        )
    assert "scores" in exc.value.message_dict
    assert InventoryEntry.objects.get(pk=entry.pk).level_2020 == 1  # unchanged


def test_entry_rules(setup):
    service = setup["services"][GEBURT]
    with pytest.raises(ValidationError) as exc:
        _entry(setup["telgte"], service, online=True)
    assert "solution_kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _entry(setup["telgte"], service, online=False, solution_kind=SolutionKind.CATALOGUE)
    assert "product" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _entry(
            setup["telgte"],
            service,
            online=True,
            solution_kind=SolutionKind.OWN,
            online_since=timezone.localdate() + dt.timedelta(days=3),
        )
    assert not InventoryEntry.objects.exists()


def test_potential_on_a_small_case(setup):
    services = setup["services"]
    # Ahlen offers Kfz-Abmeldung online; Telgte has Geburtsurkunde online; Eheschließung has a catalogue product.
    _entry(setup["ahlen"], services[KFZ_AB], online=True, solution_kind=SolutionKind.EFA)
    _entry(setup["telgte"], services[GEBURT], online=True, solution_kind=SolutionKind.OWN)
    lines = selectors.potential_lines(setup["telgte"], as_of=dt.date(2026, 3, 1))
    assert [(line.service.key, line.row.kind) for line in lines] == [(EHE, "catalogue"), (KFZ_AB, "efa")]
    assert lines[0].offers[0].product == setup["product"]
    assert lines[0].offers[0].price.unit_price == Decimal("0.35")
    # the type-1 service (federal execution) and the services without a solution are not potential
    ahlen = [line.service.key for line in selectors.potential_lines(setup["ahlen"], as_of=dt.date(2026, 3, 1))]
    assert ahlen == [EHE, GEBURT]


def test_coverage_figures_and_the_controlling_kpi(setup):
    services = setup["services"]
    _entry(setup["ahlen"], services[KFZ_AB], online=True, solution_kind=SolutionKind.EFA)
    _entry(setup["telgte"], services[GEBURT], online=True, solution_kind=SolutionKind.OWN)
    _entry(setup["telgte"], services[EHE], online=False)
    assert CoverageFigure.objects.filter(organization=setup["telgte"]).count() == 1  # Familie & Kind only
    kpi = selectors.ozg_coverage_of_members(organization_ids=[setup["telgte"].pk, setup["ahlen"].pk])
    # in scope: Geburt, Ehe, Kfz-Abmeldung, "Kfz Sonderfall" (type 5) = 4 per member; 2 online of 8
    assert (kpi.members, kpi.in_scope, kpi.online, kpi.share) == (2, 4, 2, Decimal("25.0"))
    funnel = selectors.funnel(setup["telgte"])
    assert (funnel.in_scope, funnel.described, funnel.online) == (4, 1, 1)


def test_demand_with_population_proxy(setup):
    services = setup["services"]
    case_volume_save(
        actor=None,
        organization=setup["ahlen"],
        leika=services[KFZ_AB],
        year=2025,
        cases=5334,
        source="Zulassungsstelle",
        is_estimate=False,
    )
    case_volume_save(
        actor=None,
        organization=setup["telgte"],
        leika=services[EHE],
        year=2025,
        cases=120,
        source="Standesamt",
        is_estimate=True,
    )
    lines = {line.service.key: line for line in selectors.demand_lines(setup["telgte"])}
    assert lines[EHE].cases == 120 and lines[EHE].is_estimate and not lines[EHE].is_proxy
    proxy = lines[KFZ_AB]
    # 5,334 cases / 53,348 inhabitants × 20,222 inhabitants = 2,021.9 → 2,022
    assert proxy.is_proxy and proxy.is_estimate and proxy.cases == 2022
    with pytest.raises(ValidationError) as exc:
        case_volume_save(
            actor=None,
            organization=setup["telgte"],
            leika=services[EHE],
            year=1999,
            cases=-1,
            source="",
            is_estimate=False,
        )
    assert set(exc.value.message_dict) == {"year", "cases", "source"}
    assert CaseVolume.objects.count() == 2


def test_priorities_explain_every_score(setup):
    services = setup["services"]
    case_volume_save(
        actor=None,
        organization=setup["telgte"],
        leika=services[KFZ_AB],
        year=2025,
        cases=900,
        source="Zulassungsstelle",
        is_estimate=False,
    )
    lines = selectors.priority_lines(setup["telgte"])
    assert {line.service.key for line in lines} == {GEBURT, EHE, KFZ_AB, ""}
    for line in lines:
        assert line.score.trace[-1].code == "priority.total"
    by_key = {line.service.key: line for line in lines}
    assert by_key[EHE].facts.available and by_key[EHE].facts.effort == 0  # catalogue product


def test_roadmap_rules(setup):
    service = setup["services"][EHE]
    item = roadmap_item_save(
        actor=None, organization=setup["telgte"], leika=service, milestone=dt.date(2026, 6, 30), office="Standesamt"
    )
    assert item.status == "planned"
    with pytest.raises(ValidationError) as exc:
        roadmap_item_save(
            actor=None,
            organization=setup["telgte"],
            leika=service,
            milestone=dt.date(2026, 6, 30),
            office=" ",
            status="done",
        )
    assert set(exc.value.message_dict) == {"office", "done_on"}
    assert RoadmapItem.objects.get().office == "Standesamt"
    roadmap_item_save(actor=None, organization=setup["telgte"], leika=setup["services"][GEBURT],
                      milestone=dt.date(2025, 3, 31), office="Standesamt", status="done",
                      done_on=dt.date(2025, 4, 2))  # fmt: skip
    items = list(selectors.roadmap(setup["telgte"]))
    assert selectors.roadmap_progress(items) == [(2025, 1, 1), (2026, 2, 1)]


# ------------------------------------------------------------------------------------------------ web


def test_member_sees_and_edits_only_its_own_strategy(client, setup, alice):
    telgte, ahlen = setup["telgte"], setup["ahlen"]
    client.force_login(alice)
    assert client.get(reverse("strategy:home")).url == reverse("strategy:overview", args=[telgte.pk])
    for name in ("overview", "inventory", "potential", "demand", "priority", "roadmap"):
        assert client.get(reverse(f"strategy:{name}", args=[telgte.pk])).status_code == 200
        assert client.get(reverse(f"strategy:{name}", args=[ahlen.pk])).status_code == 404
    data = {"new-leika": GEBURT, "new-online": "on", "new-solution_kind": "own"}
    response = client.post(reverse("strategy:inventory", args=[ahlen.pk]), data)
    assert response.status_code == 404
    assert not InventoryEntry.objects.exists()
    response = client.post(reverse("strategy:inventory", args=[telgte.pk]), data)
    assert response.status_code == 302
    assert InventoryEntry.objects.get().organization == telgte
    assert client.get(reverse("strategy:comparison")).status_code == 403
    assert client.get(reverse("strategy:strategy_pdf", args=[ahlen.pk])).status_code == 404


def test_auditor_reads_but_does_not_edit(client, setup, auditor):
    client.force_login(auditor)
    assert client.get(reverse("strategy:inventory", args=[setup["telgte"].pk])).status_code == 200
    data = {"new-leika": GEBURT, "new-online": "on", "new-solution_kind": "own"}
    assert client.post(reverse("strategy:inventory", args=[setup["telgte"].pk]), data).status_code == 403
    assert not InventoryEntry.objects.exists()


def test_bad_input_is_reported_and_changes_nothing(client, setup, alice):
    client.force_login(alice)
    url = reverse("strategy:inventory", args=[setup["telgte"].pk])
    response = client.post(url, {"new-leika": "12345678901234", "new-solution_kind": "own"})
    assert response.status_code == 200
    assert "12345678901234" in response.content.decode()
    response = client.post(url, {"new-leika": GEBURT, "new-online": "on", "new-solution_kind": "none"})
    assert response.status_code == 200
    partial = {"new-leika": GEBURT, "new-solution_kind": "none", "new-rg2020_information": "2"}
    assert client.post(url, partial).status_code == 200
    assert not InventoryEntry.objects.exists()
    bad = client.post(
        reverse("strategy:demand", args=[setup["telgte"].pk]),
        {"leika": GEBURT, "year": "20x5", "cases": "-3", "source": ""},
    )
    assert bad.status_code == 200 and not CaseVolume.objects.exists()
    bad = client.post(
        reverse("strategy:priority", args=[setup["telgte"].pk]),
        {"demand": "500", "gap": "1", "available": "1", "mandatory": "1", "effort": "abc"},
    )
    assert bad.status_code == 200


def _csv(text):
    upload = io.BytesIO(text.encode())
    upload.name = "export.csv"
    return upload


def test_dashboard_export_import(client, setup, alice):
    client.force_login(alice)
    url = reverse("strategy:inventory", args=[setup["telgte"].pk])
    header = "leika_key;ozgid;url;online_status;aktiv;art_flaechendeckung\n"
    broken = header + f"{GEBURT};10001;https://x.example;ok;ja;\n99999999999999;;;ok;ja;\n{EHE};10002;;vielleicht;ja;\n"
    response = client.post(url, {"upload": "1", "file": _csv(broken)})
    text = response.content.decode()
    assert response.status_code == 200
    assert "99999999999999" in text and "10002" in text
    assert not InventoryEntry.objects.exists()  # all or nothing
    good = header + f"{GEBURT};10001;https://x.example/geburt;ok;ja;EfA\n{EHE};;;nicht ok;ja;\n"
    assert client.post(url, {"upload": "1", "file": _csv(good)}).status_code == 302
    entries = {e.leika.key: e for e in InventoryEntry.objects.select_related("leika")}
    assert entries[GEBURT].online and entries[GEBURT].solution_kind == "efa" and entries[GEBURT].source == "dashboard"
    assert not entries[EHE].online and entries[EHE].described
    client.post(url, {"upload": "1", "file": _csv(good)})
    assert InventoryEntry.objects.count() == 2  # again: unchanged


def test_entry_edit_with_maturity_criteria(client, setup, alice):
    client.force_login(alice)
    service = setup["services"][GEBURT]
    url = reverse("strategy:entry_edit", args=[setup["telgte"].pk, service.pk])
    data = {"online": "on", "solution_kind": "own"} | {f"rg2020_{c}": "4" for c in RG_2020.criteria}
    data["rg2020_status"] = "2"
    assert client.post(url, data).status_code == 302
    assert InventoryEntry.objects.get().level_2020 == 2
    page = client.get(url).content.decode()
    assert "2020" in page


def test_staff_pages_comparison_pdf_and_tags(client, setup, admin_user, alice):
    services = setup["services"]
    _entry(setup["telgte"], services[GEBURT], online=True, solution_kind=SolutionKind.OWN)
    case_volume_save(
        actor=None,
        organization=setup["ahlen"],
        leika=services[GEBURT],
        year=2025,
        cases=300,
        source="Standesamt",
        is_estimate=False,
    )
    client.force_login(admin_user)
    response = client.get(reverse("strategy:comparison"), {"leika": GEBURT})
    text = response.content.decode()
    assert response.status_code == 200 and "<svg" in text and "Telgte" in text
    assert selectors.comparison(user=admin_user).missing[0][0] == services[GEBURT]
    assert client.get(reverse("strategy:comparison"), {"leika": "x" * 300}).status_code == 200
    pdf = client.get(reverse("strategy:strategy_pdf", args=[setup["telgte"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("strategy:catalogue")).status_code == 200
    response = client.post(reverse("strategy:tags"), {"product": setup["product"].pk, "service": KFZ_AB})
    assert response.status_code == 302
    assert setup["product"].strategy_tags.count() == 2
    # an OZG id tags the municipal services of that OZG service (10002: Kfz-Abmeldung and the type-5 case)
    response = client.post(reverse("strategy:tags"), {"product": setup["product"].pk, "service": "10002"})
    assert response.status_code == 302
    assert setup["product"].strategy_tags.count() == 3
    response = client.post(reverse("strategy:tags"), {"product": setup["product"].pk, "service": "abc"})
    assert response.status_code == 200 and setup["product"].strategy_tags.count() == 3
    client.force_login(alice)
    assert client.post(reverse("strategy:tags"), {"product": setup["product"].pk, "service": GEBURT}).status_code == 403


def test_malformed_input_is_answered_without_a_server_error(client, setup, admin_user):
    client.force_login(admin_user)
    tags = setup["product"].strategy_tags.count()
    for product in ("abc", "99999999999999999999999", "1\x00", ""):
        response = client.post(reverse("strategy:tags"), {"product": product, "service": KFZ_AB})
        assert response.status_code == 404, product  # no such product (a ValueError of the lookup answered 500)
    assert setup["product"].strategy_tags.count() == tags
    # A control character in the LeiKa key of the comparison (PostgreSQL refuses NUL in a query: 500 there).
    response = client.get(reverse("strategy:comparison"), {"leika": GEBURT[:6] + "\x00" + GEBURT[6:]})
    assert response.status_code == 200
    text = response.content.decode()
    assert "\x00" not in text and GEBURT[:6] + "\ufffd" + GEBURT[6:] in text  # not looked up, shown as refused


def test_catalogue_import_job_from_the_web(client, db, admin_user, tmp_path, settings):
    from verbund.strategy.models import CatalogueImport
    from verbund.strategy.tests.conftest import write_catalogue

    settings.STRATEGY_OZG_DATA_DIR = str(write_catalogue(tmp_path / "c"))
    client.force_login(admin_user)
    response = client.post(reverse("strategy:catalogue_import"))
    assert response.status_code == 302
    assert CatalogueImport.objects.get().leika_count == 5


def test_bulk_load_of_national_inventories(setup):
    from verbund.strategy.services.bulk import BulkRow, inventory_bulk_load

    services = setup["services"]
    orgs = (setup["telgte"].pk, setup["ahlen"].pk)
    rows = [BulkRow(o, services[k].pk, k == GEBURT, o == orgs[0]) for o in orgs for k in (GEBURT, EHE, KFZ_AB)]
    assert inventory_bulk_load(actor=None, rows=rows).rows == 6
    assert InventoryEntry.objects.filter(online=True).count() == 2
    assert InventoryEntry.objects.get(organization_id=orgs[0], leika=services[GEBURT]).solution_kind == "efa"
    kpi = selectors.ozg_coverage_of_members(organization_ids=list(orgs))
    assert (kpi.online, kpi.in_scope) == (2, 4)
    # Loading a row again is idempotent now (it used to be refused with an IntegrityError).
    assert inventory_bulk_load(actor=None, rows=rows[:1]).unchanged == 1
    assert InventoryEntry.objects.count() == 6


def test_case_volume_import(client, setup, alice):
    client.force_login(alice)
    url = reverse("strategy:demand", args=[setup["telgte"].pk])
    header = "leika_key;year;cases;source;estimate\n"
    broken = header + f"{GEBURT};2025;310;Standesamt;nein\n{EHE};1999;x;;vielleicht\n"
    response = client.post(url, {"upload": "1", "file": _csv(broken)})
    assert response.status_code == 200 and "Zeile 3" in response.content.decode()
    assert not CaseVolume.objects.exists()
    good = header + f"{GEBURT};2025;310;Standesamt;nein\n{EHE};2025;95;Schätzung Standesamt;ja\n"
    assert client.post(url, {"upload": "1", "file": _csv(good)}).status_code == 302
    assert sorted(CaseVolume.objects.values_list("cases", "is_estimate")) == [(95, True), (310, False)]
    assert client.post(reverse("strategy:demand", args=[setup["ahlen"].pk]),
                       {"upload": "1", "file": _csv(good)}).status_code == 404  # fmt: skip


def test_comparison_reads_a_fixed_number_of_queries(setup, admin_user, django_assert_max_num_queries):
    services = setup["services"]
    for org in (setup["telgte"], setup["ahlen"]):
        _entry(org, services[GEBURT], online=True, solution_kind=SolutionKind.OWN)
        case_volume_save(actor=None, organization=org, leika=services[EHE], year=2025, cases=10, source="x",
                         is_estimate=False)  # fmt: skip
    with django_assert_max_num_queries(12):
        result = selectors.comparison(user=admin_user)
    assert result.members == 2 and result.missing[0] == (services[EHE], 20, 2)


def test_dashboard_export_of_another_municipality_is_refused(client, setup, alice):
    client.force_login(alice)
    url = reverse("strategy:inventory", args=[setup["telgte"].pk])
    header = "leika_key;ozgid;url;online_status;aktiv;art_flaechendeckung;ars\n"
    other = header + f"{GEBURT};10001;;ok;ja;;{setup['ahlen'].ars}\n"
    response = client.post(url, {"upload": "1", "file": _csv(other)})
    assert response.status_code == 200
    assert setup["ahlen"].ars in response.content.decode()
    assert not InventoryEntry.objects.exists()
    own = header + f"{GEBURT};10001;;ok;ja;;{setup['telgte'].ars}\n"
    assert client.post(url, {"upload": "1", "file": _csv(own)}).status_code == 302
    assert InventoryEntry.objects.filter(organization=setup["telgte"], online=True).count() == 1
