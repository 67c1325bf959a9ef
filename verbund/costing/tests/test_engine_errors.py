"""Bad input: every refusal is a CostingError whose path names the offending object."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from verbund.costing.engine import CostingError, Method, calculate, load_model

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def data():
    with (FIXTURES / "verbund-small.json").open(encoding="utf-8") as stream:
        return json.load(stream, parse_float=Decimal)


def refused(data, method=None, *, at_load=True) -> CostingError:
    """The error of `calculate`; unless it depends on computed costs (`at_load=False`), `load_model` finds it too."""
    with pytest.raises(CostingError) as caught:
        calculate(load_model(copy.deepcopy(data), validate=False), method=method)
    if at_load:
        with pytest.raises(CostingError) as loaded:
            load_model(copy.deepcopy(data))
        assert loaded.value.path == caught.value.path
    else:
        load_model(copy.deepcopy(data))
    return caught.value


def centre(data, centre_id):
    return next(c for c in data["cost_centres"] if c["id"] == centre_id)


def member(data, member_id):
    return next(m for m in data["members"] if m["id"] == member_id)


def test_the_fixture_itself_is_fine(data):
    assert calculate(load_model(data)).fees.lines


def test_negative_primary_cost(data):
    data["primary_costs"][0]["amount"] = "-1.00"
    error = refused(data)
    assert error.path == "primary_costs[RZ/PERS]"
    assert "negative" in error.message


def test_sub_cent_primary_cost(data):
    data["primary_costs"][0]["amount"] = "1.005"
    assert refused(data).path == "primary_costs[RZ/PERS]"


def test_negative_service_quantity(data):
    data["service_quantities"][1]["quantity"] = "-300"
    assert refused(data).path == "service_quantities[RZ→AP]"


def test_negative_member_quantity(data):
    member(data, "05570044")["quantities"]["AP-100"] = "-1"
    error = refused(data)
    assert error.path == "members[05570044].products[AP-100]"
    assert "negative" in error.message


def test_negative_planned_quantity(data):
    data["products"][0]["planned_quantity"] = "-1500"
    assert refused(data).path == "products[AP-100]"


def test_negative_key_value(data):
    data["keys"]["FV-210"][0]["values"]["05570044"] = "-5"
    assert refused(data).path == "keys[FV-210].members[05570044]"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (
            lambda d: d["primary_costs"].append({"centre": "XX", "cost_type": "PERS", "amount": "1"}),
            "primary_costs[XX/PERS]",
        ),
        (
            lambda d: d["primary_costs"].append({"centre": "AP", "cost_type": "ZZ", "amount": "1"}),
            "primary_costs[AP/ZZ]",
        ),
        (
            lambda d: d["service_quantities"].append({"provider": "RZ", "receiver": "XX", "quantity": "1"}),
            "service_quantities[RZ→XX]",
        ),
        (
            lambda d: d["service_quantities"].append({"provider": "AP", "receiver": "FV", "quantity": "1"}),
            "service_quantities[AP→FV]",
        ),
        (lambda d: centre(d, "TK")["products"].update({"XX-1": "1"}), "cost_centres[TK].products[XX-1]"),
        (lambda d: member(d, "05570044")["quantities"].update({"XX-1": "1"}), "members[05570044].products[XX-1]"),
        (lambda d: d["keys"].update({"XX-1": [{"basis": "cases", "values": {}}]}), "keys[XX-1]"),
        (lambda d: d["keys"]["FV-210"][0]["values"].update({"99999999": "1"}), "keys[FV-210].members[99999999]"),
        (
            lambda d: d["carry_forwards"].append({"product": "XX-1", "amount": "1", "from_year": 2023}),
            "carry_forwards[XX-1/2023]",
        ),
        (lambda d: d["cost_centres"].append({"id": "RZ", "kind": "end"}), "cost_centres[RZ]"),
    ],
)
def test_unknown_or_duplicate_ids(data, change, path):
    change(data)
    assert refused(data).path == path


def test_step_down_order_listing_a_centre_twice_is_a_cycle(data):
    data["allocation"] = {"method": "step_down", "order": ["RZ", "NETZ", "RZ"]}
    error = refused(data)
    assert error.path == "allocation.order[RZ]"
    assert "cycle" in error.message


def test_step_down_order_must_be_complete(data):
    data["allocation"] = {"method": "step_down", "order": ["RZ"]}
    error = refused(data)
    assert error.path == "allocation.order"
    assert "NETZ" in error.message


def test_step_down_order_lists_only_known_support_centres(data):
    data["allocation"] = {"method": "step_down", "order": ["RZ", "NETZ", "AP"]}
    assert refused(data).path == "allocation.order[AP]"
    data["allocation"] = {"method": "step_down", "order": ["RZ", "NETZ", "XX"]}
    assert refused(data).path == "allocation.order[XX]"


def test_step_down_order_where_the_last_centre_serves_only_earlier_ones(data):
    data["cost_centres"].insert(0, {"id": "HD", "name": "Helpdesk", "kind": "support"})
    data["primary_costs"].append({"centre": "HD", "cost_type": "PERS", "amount": "1000.00"})
    data["service_quantities"].append({"provider": "HD", "receiver": "RZ", "quantity": "1"})
    data["allocation"] = {"method": "step_down", "order": ["RZ", "NETZ", "HD"]}
    assert refused(data, at_load=False).path == "cost_centres[HD]"
    data["allocation"]["order"] = ["HD", "RZ", "NETZ"]
    assert calculate(load_model(data)).allocation.total == Decimal("1096000.00")


def test_singular_reciprocal_system_a_support_centre_serving_only_itself(data):
    data["cost_centres"].append({"id": "LOOP", "name": "Eigenverbrauch", "kind": "support"})
    data["service_quantities"].append({"provider": "LOOP", "receiver": "LOOP", "quantity": "10"})
    error = refused(data)
    assert error.path == "cost_centres[LOOP]"
    assert "serves only itself" in error.message
    assert "singular" in error.message


def test_singular_reciprocal_system_a_closed_ring_of_support_centres(data):
    data["cost_centres"] += [{"id": "A", "kind": "support"}, {"id": "B", "kind": "support"}]
    data["service_quantities"] += [
        {"provider": "A", "receiver": "B", "quantity": "1"},
        {"provider": "B", "receiver": "A", "quantity": "1"},
        {"provider": "RZ", "receiver": "A", "quantity": "5"},
    ]
    error = refused(data)
    assert error.path == "cost_centres[A]"
    assert "A, B" in error.message


def test_numerically_singular_reciprocal_system(data):
    data["cost_centres"] += [{"id": "A", "kind": "support"}, {"id": "B", "kind": "support"}]
    data["service_quantities"] += [
        {"provider": "A", "receiver": "B", "quantity": "10000000000000"},
        {"provider": "A", "receiver": "AP", "quantity": "1"},
        {"provider": "B", "receiver": "A", "quantity": "10000000000000"},
        {"provider": "B", "receiver": "AP", "quantity": "1"},
    ]
    error = refused(data, at_load=False)
    assert error.path == "service_quantities"
    assert "numerically singular" in error.message


def test_support_centre_without_any_service_quantities(data):
    data["cost_centres"].append({"id": "IDLE", "kind": "support"})
    assert refused(data).path == "cost_centres[IDLE]"


def test_direct_method_refuses_a_support_centre_that_serves_only_support_centres(data):
    data["cost_centres"].insert(0, {"id": "HD", "kind": "support"})
    data["primary_costs"].append({"centre": "HD", "cost_type": "PERS", "amount": "1000.00"})
    data["service_quantities"].append({"provider": "HD", "receiver": "RZ", "quantity": "1"})
    assert refused(data, method=Method.DIRECT, at_load=False).path == "cost_centres[HD]"


def test_missing_key_value_names_product_and_member(data):
    del data["keys"]["FV-200"][1]["values"]["05570044"]
    error = refused(data)
    assert error.path == "keys[FV-200].members[05570044]"
    assert "FV-200" in error.message and "cases" in error.message


def test_key_summing_to_zero(data):
    data["keys"]["FV-210"][0]["values"] = dict.fromkeys(data["keys"]["FV-210"][0]["values"], "0")
    error = refused(data)
    assert error.path == "keys[FV-210].inhabitants"
    assert "FV-210" in error.message and "zero" in error.message


def test_key_weights_must_sum_to_one(data):
    data["keys"]["FV-200"][0]["weight"] = "0.6"
    assert refused(data).path == "keys[FV-200]"


def test_shared_product_with_members_needs_a_key(data):
    del data["keys"]["FV-210"]
    assert refused(data).path == "keys[FV-210]"


def test_shared_product_with_cost_but_no_members(data):
    del data["keys"]["FV-210"]
    for item in data["members"]:
        item["shared"].remove("FV-210")
    error = refused(data, at_load=False)
    assert error.path == "products[FV-210]"
    assert "no members" in error.message


def test_planned_quantity_zero_for_a_product_with_cost(data):
    data["products"][0]["planned_quantity"] = "0"
    error = refused(data, at_load=False)
    assert error.path == "products[AP-100]"
    assert "planned quantity is 0" in error.message


def test_metered_product_needs_member_quantity_and_shared_product_refuses_one(data):
    data["members"][0]["shared"].append("AP-100")
    assert refused(data).path == "members[05515000].products[AP-100]"


def test_over_recovery_must_be_returned_within_the_window(data):
    data["carry_forwards"][0]["years"] = 3  # 2025–2027 > 2023 + 3
    error = refused(data)
    assert error.path == "carry_forwards[AP-100/2023]"
    assert "2026" in error.message


def test_returned_over_recovery_cannot_exceed_the_plan_cost(data):
    data["carry_forwards"][0]["amount"] = "999999999.00"
    data["carry_forwards"][0]["years"] = 1
    assert refused(data, at_load=False).path == "carry_forwards[AP-100]"


def test_actuals_need_a_quantity_per_product_with_a_planned_quantity(data):
    del data["actuals"]["quantities"]["FV-210"]
    assert refused(data).path == "actuals.quantities[FV-210]"


def test_actuals_refuse_negative_costs_and_missing_member_quantities(data):
    bad = copy.deepcopy(data)
    bad["actuals"]["primary_costs"][0]["amount"] = "-5.00"
    assert refused(bad).path == "actuals.costs[RZ/PERS]"
    del data["actuals"]["member_quantities"]["05570044"]["TK-300"]
    assert refused(data).path == "actuals.members[05570044].products[TK-300]"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["primary_costs"][0].update({"amount": 1.5}), "$.primary_costs[0].amount"),
        (lambda d: d["cost_centres"][0].update({"colour": "red"}), "$.cost_centres[0].colour"),
        (lambda d: d["cost_centres"][0].update({"kind": "auxiliary"}), "$.cost_centres[0].kind"),
        (lambda d: d["products"][1].update({"charging": "flat"}), "$.products[1].charging"),
        (lambda d: d.update({"year": "2025"}), "$.year"),
        (lambda d: d.pop("cost_centres"), "$.cost_centres"),
        (lambda d: d["keys"]["FV-200"][0].update({"basis": "population"}), "$.keys.FV-200[0].basis"),
        (lambda d: d.update({"allocation": {"method": "magic"}}), "$.allocation.method"),
    ],
)
def test_json_shape_errors_carry_json_paths(data, change, path):
    change(data)
    with pytest.raises(CostingError) as caught:
        load_model(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(path)
