"""The JSON model format (docs/costing-model-format.md): `load_model` reads it, `result_to_json` writes results.

`load_model` checks the shape first and reports JSON paths (``$.cost_centres[2].kind``); then the engine's own
validation runs and reports object paths (``cost_centres[RZ]``). Both raise `CostingError`. Numbers are best
given as strings ("1234.56"); JSON numbers are accepted if they are integers or were parsed as Decimal
(`json.load(..., parse_float=Decimal)`), never as binary floats.
"""

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from verbund.core.money import MoneyError, to_decimal

from .calculate import prepare
from .errors import CostingError
from .inputs import (
    ActualQuantity,
    Actuals,
    AllocationKey,
    AllocationSettings,
    CarryForward,
    CentreKind,
    Charging,
    CostCentre,
    CostingModel,
    CostType,
    KeyBasis,
    KeyComponent,
    KeyValue,
    Member,
    Method,
    PriceIndex,
    PrimaryCost,
    Product,
    ProductMapping,
    ServiceQuantity,
    Subscription,
)
from .result_json import result_to_json

__all__ = ["FORMAT", "load_model", "result_to_json"]

FORMAT = "verbund-costing/1"
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def obj(value: object, path: str, allowed: set[str] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CostingError(path, f"expected an object, got {type(value).__name__}")
    for key in value:
        if allowed is not None and key not in allowed:
            raise CostingError(f"{path}.{key}", f"unknown field (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in value:
            raise CostingError(f"{path}.{key}", "this field is required")
    return value


def items(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise CostingError(path, f"expected a list, got {type(value).__name__}")
    return value


def text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise CostingError(path, f"expected a string, got {type(value).__name__}")
    return value


def number(value: object, path: str) -> Decimal:
    try:
        return to_decimal(value)
    except MoneyError as exc:
        raise CostingError(path, f'{exc} (write numbers as strings, e.g. "1234.56")') from exc


def integer(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CostingError(path, f"expected a whole number, got {value!r}")
    return value


def choice(value: object, kind: type[E], path: str) -> E:
    try:
        return kind(text(value, path))
    except ValueError as exc:
        raise CostingError(path, f"{value!r} is not one of {', '.join(m.value for m in kind)}") from exc


def each(value: object, path: str, read: Callable[[Any, str], T]) -> tuple[T, ...]:
    return tuple(read(item, f"{path}[{n}]") for n, item in enumerate(items(value, path)))


def cost(value: object, path: str) -> PrimaryCost:
    data = obj(value, path, {"centre", "cost_type", "amount"}, ("centre", "cost_type", "amount"))
    return PrimaryCost(
        text(data["centre"], f"{path}.centre"),
        text(data["cost_type"], f"{path}.cost_type"),
        number(data["amount"], f"{path}.amount"),
    )


def service(value: object, path: str) -> ServiceQuantity:
    data = obj(value, path, {"provider", "receiver", "quantity"}, ("provider", "receiver", "quantity"))
    return ServiceQuantity(
        text(data["provider"], f"{path}.provider"),
        text(data["receiver"], f"{path}.receiver"),
        number(data["quantity"], f"{path}.quantity"),
    )


def cost_type(value: object, path: str) -> CostType:
    data = obj(value, path, {"id", "name", "variable_share"}, ("id",))
    share = number(data.get("variable_share", "0"), f"{path}.variable_share")
    return CostType(text(data["id"], f"{path}.id"), text(data.get("name", ""), f"{path}.name"), share)


def product(value: object, path: str) -> Product:
    data = obj(value, path, {"id", "name", "charging", "planned_quantity", "unit"}, ("id", "charging"))
    planned = data.get("planned_quantity")
    return Product(
        text(data["id"], f"{path}.id"),
        text(data.get("name", ""), f"{path}.name"),
        choice(data["charging"], Charging, f"{path}.charging"),
        None if planned is None else number(planned, f"{path}.planned_quantity"),
        text(data.get("unit", ""), f"{path}.unit"),
    )


def carry_forward(value: object, path: str) -> CarryForward:
    data = obj(
        value, path, {"product", "amount", "from_year", "years", "first_year"}, ("product", "amount", "from_year")
    )
    first = data.get("first_year")
    return CarryForward(
        text(data["product"], f"{path}.product"),
        number(data["amount"], f"{path}.amount"),
        integer(data["from_year"], f"{path}.from_year"),
        integer(data.get("years", 1), f"{path}.years"),
        None if first is None else integer(first, f"{path}.first_year"),
    )


def quantities(value: object, path: str) -> dict[str, Decimal]:
    return {key: number(item, f"{path}.{key}") for key, item in obj(value, path).items()}


def load_centres(value: object, path: str) -> tuple[tuple[CostCentre, ...], tuple[ProductMapping, ...]]:
    centres, mappings = [], []
    for n, item in enumerate(items(value, path)):
        item_path = f"{path}[{n}]"
        data = obj(item, item_path, {"id", "name", "kind", "products"}, ("id", "kind"))
        centre = CostCentre(
            text(data["id"], f"{item_path}.id"),
            text(data.get("name", ""), f"{item_path}.name"),
            choice(data["kind"], CentreKind, f"{item_path}.kind"),
        )
        centres.append(centre)
        for product_id, quantity in quantities(data.get("products", {}), f"{item_path}.products").items():
            mappings.append(ProductMapping(centre.id, product_id, quantity))
    return tuple(centres), tuple(mappings)


def load_members(value: object, path: str) -> tuple[tuple[Member, ...], tuple[Subscription, ...]]:
    members, subscriptions = [], []
    for n, item in enumerate(items(value, path)):
        item_path = f"{path}[{n}]"
        data = obj(item, item_path, {"id", "name", "quantities", "shared"}, ("id",))
        member = Member(text(data["id"], f"{item_path}.id"), text(data.get("name", ""), f"{item_path}.name"))
        members.append(member)
        for product_id, quantity in quantities(data.get("quantities", {}), f"{item_path}.quantities").items():
            subscriptions.append(Subscription(member.id, product_id, quantity))
        for m, product_id in enumerate(items(data.get("shared", []), f"{item_path}.shared")):
            subscriptions.append(Subscription(member.id, text(product_id, f"{item_path}.shared[{m}]")))
    return tuple(members), tuple(subscriptions)


def load_keys(value: object, path: str) -> tuple[AllocationKey, ...]:
    keys = []
    for product_id, components in obj(value, path).items():
        key_path = f"{path}.{product_id}"
        parts = []
        for n, item in enumerate(items(components, key_path)):
            item_path = f"{key_path}[{n}]"
            data = obj(item, item_path, {"basis", "weight", "values"}, ("basis", "values"))
            values = quantities(data["values"], f"{item_path}.values")
            parts.append(
                KeyComponent(
                    choice(data["basis"], KeyBasis, f"{item_path}.basis"),
                    number(data.get("weight", "1"), f"{item_path}.weight"),
                    tuple(KeyValue(member, amount) for member, amount in values.items()),
                )
            )
        keys.append(AllocationKey(product_id, tuple(parts)))
    return tuple(keys)


def load_actuals(value: object, path: str) -> Actuals:
    fields = {"primary_costs", "price_indices", "quantities", "member_quantities", "service_quantities"}
    data = obj(value, path, fields, ("primary_costs",))
    usage = []
    for member, products in obj(data.get("member_quantities", {}), f"{path}.member_quantities").items():
        for product_id, quantity in quantities(products, f"{path}.member_quantities.{member}").items():
            usage.append(Subscription(member, product_id, quantity))
    services = data.get("service_quantities")
    return Actuals(
        each(data["primary_costs"], f"{path}.primary_costs", cost),
        tuple(ActualQuantity(p, q) for p, q in quantities(data.get("quantities", {}), f"{path}.quantities").items()),
        tuple(usage),
        tuple(PriceIndex(t, i) for t, i in quantities(data.get("price_indices", {}), f"{path}.price_indices").items()),
        None if services is None else each(services, f"{path}.service_quantities", service),
    )


MODEL_FIELDS = {
    "format",
    "year",
    "return_window_years",
    "allocation",
    "cost_types",
    "cost_centres",
    "primary_costs",
    "service_quantities",
    "products",
    "carry_forwards",
    "members",
    "keys",
    "actuals",
}


def load_model(data: object, *, validate: bool = True) -> CostingModel:
    """Read (and unless `validate` is False, validate) a model in the JSON format; raises `CostingError`."""
    root = obj(data, "$", MODEL_FIELDS, ("year", "cost_types", "cost_centres", "primary_costs", "products"))
    if "format" in root and root["format"] != FORMAT:
        raise CostingError("$.format", f"expected {FORMAT!r}, got {root['format']!r}")
    allocation = obj(root.get("allocation", {}), "$.allocation", {"method", "order"})
    order = items(allocation.get("order", []), "$.allocation.order")
    centres, mappings = load_centres(root["cost_centres"], "$.cost_centres")
    members, subscriptions = load_members(root.get("members", []), "$.members")
    model = CostingModel(
        year=integer(root["year"], "$.year"),
        cost_centres=centres,
        cost_types=each(root["cost_types"], "$.cost_types", cost_type),
        primary_costs=each(root["primary_costs"], "$.primary_costs", cost),
        service_quantities=each(root.get("service_quantities", []), "$.service_quantities", service),
        products=each(root["products"], "$.products", product),
        product_mappings=mappings,
        allocation=AllocationSettings(
            choice(allocation.get("method", Method.RECIPROCAL.value), Method, "$.allocation.method"),
            tuple(text(c, f"$.allocation.order[{n}]") for n, c in enumerate(order)),
        ),
        carry_forwards=each(root.get("carry_forwards", []), "$.carry_forwards", carry_forward),
        members=members,
        subscriptions=subscriptions,
        keys=load_keys(root.get("keys", {}), "$.keys"),
        actuals=None if root.get("actuals") is None else load_actuals(root["actuals"], "$.actuals"),
        return_window_years=integer(root.get("return_window_years", 3), "$.return_window_years"),
    )
    if validate:
        prepare(model)
    return model
