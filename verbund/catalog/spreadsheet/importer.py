"""Validating every row of a catalogue file, then writing it in one transaction through the services."""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from verbund.catalog.choices import Category, ChargeUnit, ProductStatus, RevisionStatus, VatTreatment
from verbund.catalog.models import PriceRevision, Product, ProductFamily
from verbund.catalog.services import (
    price_revision_create,
    price_revision_update,
    product_create,
    product_family_create,
    product_update,
)
from verbund.catalog.spreadsheet.columns import (
    COLUMNS,
    FAMILY_FIELD_COLUMNS,
    FIELD_COLUMNS,
    FROZEN_COLUMNS,
    PRICE_COLUMNS,
    CatalogueImportError,
    ImportResult,
    RowError,
    _column_order,
)
from verbund.core.spreadsheet import Cells
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization

# ---------------------------------------------------------------- validation


@dataclass(frozen=True, slots=True)
class PriceValues:
    valid_from: dt.date
    unit_price: Decimal
    vat_treatment: str
    vat_rate: Decimal
    vat_exemption_reason: str

    def matches(self, revision: PriceRevision) -> bool:
        return (
            revision.valid_from == self.valid_from
            and revision.unit_price == self.unit_price
            and revision.vat_treatment == self.vat_treatment
            and revision.vat_rate == self.vat_rate
            and revision.vat_exemption_reason == self.vat_exemption_reason
        )


@dataclass
class ParsedRow:
    line: int
    number: str
    family_code: str
    family_name: str
    values: dict[str, Any]  # product fields except number and family
    price: PriceValues | None


class _Providers:
    """Looks up an origin provider by short name, AGS or name, once per distinct value."""

    def __init__(self) -> None:
        self.cache: dict[str, Organization | str] = {}

    def find(self, value: str) -> Organization | str:
        """The organisation, or the error message."""
        if value not in self.cache:
            self.cache[value] = self._find(value)
        return self.cache[value]

    def _find(self, value: str) -> Organization | str:
        matches = list(Organization.objects.filter(Q(short_name__iexact=value) | Q(ags=value) | Q(name=value)))
        providers = [org for org in matches if org.kind in PROVIDER_KINDS]
        if len(providers) == 1:
            return providers[0]
        if len(providers) > 1:
            return _('"%(value)s" matches several providers (%(names)s); use a unique short name or the AGS.') % {
                "value": value,
                "names": ", ".join(org.name for org in providers),
            }
        if matches:
            return _('"%(value)s" is not an IT service provider.') % {"value": value}
        return _('No organisation has the short name or AGS "%(value)s".') % {"value": value}


def _parse_row(line: int, raw: Mapping[str, Any], providers: _Providers, errors: list[RowError]) -> ParsedRow:
    cells = Cells(line, raw, errors)
    number = cells.text("number", max_length=20, required=True)
    family_code = cells.text("family_code", max_length=20, required=True)
    family_name = cells.text("family_name", max_length=200)
    values: dict[str, Any] = {
        "name": cells.text("name", max_length=200, required=True),
        "name_en": cells.text("name_en", max_length=200),
        "description": cells.get("description"),
        "description_en": cells.get("description_en"),
        "category": cells.choice("category", Category),
        "unit": cells.choice("unit", ChargeUnit),
        "in_standard_package": cells.boolean("in_standard_package"),
        "origin_provider": None,
        "notice_period_months": cells.integer("notice_period_months", minimum=0, maximum=36, default=3),
        "sla_service_hours": cells.text("sla_service_hours", max_length=120),
        "sla_target_availability": cells.decimal(
            "sla_target_availability", minimum=Decimal(0), maximum=Decimal(100), places=2, max_digits=5
        ),
        "sla_support_hours": cells.text("sla_support_hours", max_length=120),
    }
    provider_key = cells.get("origin_provider")
    if provider_key:
        found = providers.find(provider_key)
        if isinstance(found, str):
            cells.error("origin_provider", found)
        else:
            values["origin_provider"] = found
    return ParsedRow(line, number, family_code, family_name, values, _parse_price(cells))


def _parse_price(cells: Cells) -> PriceValues | None:
    if not any(cells.get(column) for column in PRICE_COLUMNS):
        return None  # no price in this line: the product's prices stay as they are
    valid_from = cells.date("price_valid_from")
    unit_price = cells.decimal("unit_price", minimum=Decimal(0), maximum=None, places=4, max_digits=14)
    for column, value in (("price_valid_from", valid_from), ("unit_price", unit_price)):
        if value is None and not cells.get(column):
            cells.error(column, _("Required for a price; give both price_valid_from and unit_price."))
    treatment = cells.choice("vat_treatment", VatTreatment, default=VatTreatment.TAXABLE)
    rate = cells.decimal("vat_rate", minimum=Decimal(0), maximum=Decimal(100), places=2, max_digits=5)
    reason = cells.text("vat_exemption_reason", max_length=200)
    if treatment is not None and not cells.get("vat_rate"):
        rate = Decimal("19.00") if treatment == VatTreatment.TAXABLE else Decimal("0.00")
    if treatment is not None and rate is not None:
        if treatment == VatTreatment.TAXABLE and rate <= 0:
            cells.error("vat_rate", _("A taxable price needs a VAT rate above 0 %."))
        if treatment != VatTreatment.TAXABLE:
            if rate != 0:
                cells.error("vat_rate", _("A price without VAT must have the rate 0 %."))
            if not reason:
                cells.error("vat_exemption_reason", _("Give the legal reason why no VAT is charged."))
    if valid_from is None or unit_price is None or treatment is None or rate is None:
        return None
    return PriceValues(valid_from, unit_price, treatment, rate, reason)


def _product_changes(product: Product, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value in the row differs from the product's (foreign keys compared by id)."""
    changes = {}
    for name, value in values.items():
        if name in ("family", "origin_provider"):
            current = getattr(product, f"{name}_id")
            differs = current != (value.pk if value is not None else None)
        elif isinstance(value, str):
            differs = (getattr(product, name) or "").strip() != value  # the row's text is stripped too
        else:
            differs = getattr(product, name) != value
        if differs:
            changes[name] = value
    return changes


def _price_plan(product: Product, price: PriceValues) -> tuple[str, PriceRevision | None]:
    """What the row's price means for the product: "unchanged", "create", "update" (a draft) or "correct"."""
    newest = PriceRevision.objects.filter(product=product, valid_from=price.valid_from).order_by("-id").first()
    if newest is None:
        return "create", None
    if price.matches(newest):
        return "unchanged", newest
    if newest.status == RevisionStatus.DRAFT:
        return "update", newest
    return "correct", newest


def _validate(rows: Sequence[tuple[int, Mapping[str, Any]]]) -> tuple[list[ParsedRow], list[RowError]]:
    errors: list[RowError] = []
    providers = _Providers()
    parsed = [_parse_row(line, raw, providers, errors) for line, raw in rows]

    first_line: dict[str, int] = {}
    for row in parsed:
        if row.number and row.number in first_line:
            errors.append(
                RowError(
                    row.line,
                    "number",
                    _("Product number %(number)s already appears in line %(line)s.")
                    % {"number": row.number, "line": first_line[row.number]},
                )
            )
        first_line.setdefault(row.number, row.line)

    families = {f.code: f for f in ProductFamily.objects.filter(code__in={row.family_code for row in parsed})}
    new_family_names: dict[str, tuple[str, int]] = {}
    for row in parsed:
        if not row.family_code:
            continue
        family = families.get(row.family_code)
        if family is not None:
            if row.family_name and row.family_name != family.name:
                errors.append(
                    RowError(
                        row.line,
                        "family_name",
                        _('The family %(code)s is named "%(name)s"; the import does not rename families.')
                        % {"code": family.code, "name": family.name},
                    )
                )
        elif not row.family_name:
            errors.append(
                RowError(
                    row.line,
                    "family_name",
                    _("The family %(code)s does not exist yet; give its name to create it.")
                    % {"code": row.family_code},
                )
            )
        elif row.family_code in new_family_names and new_family_names[row.family_code][0] != row.family_name:
            name, line = new_family_names[row.family_code]
            errors.append(
                RowError(
                    row.line,
                    "family_name",
                    _('The new family %(code)s is named "%(name)s" in line %(line)s.')
                    % {"code": row.family_code, "name": name, "line": line},
                )
            )
        else:
            new_family_names.setdefault(row.family_code, (row.family_name, row.line))

    existing = {p.number: p for p in Product.objects.filter(number__in=set(first_line)).select_related("family")}
    for row in parsed:
        product = existing.get(row.number)
        if product is None or first_line.get(row.number) != row.line:
            continue
        if product.status not in (ProductStatus.DRAFT, ProductStatus.PROPOSED):
            frozen = {"category": row.values["category"], "unit": row.values["unit"]}
            changed = [name for name in _product_changes(product, frozen) if frozen[name] is not None]
            if row.family_code and row.family_code != product.family.code:
                changed.append("family")
            for name in sorted(changed, key=lambda n: _column_order(FROZEN_COLUMNS[n])):
                current = product.family.code if name == "family" else getattr(product, name)
                errors.append(
                    RowError(
                        row.line,
                        FROZEN_COLUMNS[name],
                        _(
                            'Cannot be changed once the product is approved (it is "%(current)s"); '
                            "create a new product instead."
                        )
                        % {"current": current},
                    )
                )
        if row.price is not None and product.status == ProductStatus.RETIRED:
            plan, _revision = _price_plan(product, row.price)
            if plan in ("create", "correct"):
                errors.append(RowError(row.line, "unit_price", _("A retired product gets no new prices.")))
    return parsed, errors


# ---------------------------------------------------------------- import


def _errors_from(exc: ValidationError, line: int, columns: Mapping[str, str] = FIELD_COLUMNS) -> list[RowError]:
    """A service's ValidationError as row errors, each in the column that holds the field."""
    if hasattr(exc, "error_dict"):
        return [
            RowError(line, columns.get(name, name if name in COLUMNS else columns["__all__"]), message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(line, columns["__all__"], message) for message in exc.messages]


def _write_row(*, actor: Any, row: ParsedRow, family: ProductFamily, result: ImportResult) -> None:
    values = {**row.values, "family": family}
    product = Product.objects.filter(number=row.number).first()
    created = product is None
    notes: list[str] = []
    if product is None:
        product = product_create(actor=actor, number=row.number, **values)
    else:
        changes = _product_changes(product, values)
        if changes:
            product = product_update(actor=actor, product=product, **changes)
            columns = sorted((FIELD_COLUMNS.get(name, name) for name in changes), key=_column_order)
            notes.append(", ".join(columns))
    if row.price is not None:
        price = row.price
        plan, revision = _price_plan(product, price)
        if plan in ("create", "correct"):
            price_revision_create(
                actor=actor,
                product=product,
                valid_from=price.valid_from,
                unit_price=price.unit_price,
                vat_treatment=price.vat_treatment,
                vat_rate=price.vat_rate,
                vat_exemption_reason=price.vat_exemption_reason,
                supersedes=revision,  # the approved price it corrects, if any
            )
            result.prices_created += 1
            notes.append(_("new draft price from %(date)s") % {"date": price.valid_from.isoformat()})
        elif plan == "update" and revision is not None:
            price_revision_update(
                actor=actor,
                revision=revision,
                unit_price=price.unit_price,
                vat_treatment=price.vat_treatment,
                vat_rate=price.vat_rate,
                vat_exemption_reason=price.vat_exemption_reason,
            )
            result.prices_updated += 1
            notes.append(_("draft price from %(date)s changed") % {"date": price.valid_from.isoformat()})
    if created:
        result.created += 1
        result.changes.append(_("Line %(line)s: %(number)s created") % {"line": row.line, "number": row.number})
    elif notes:
        result.updated += 1
        result.changes.append(
            _("Line %(line)s: %(number)s changed (%(what)s)")
            % {"line": row.line, "number": row.number, "what": "; ".join(notes)}
        )
    else:
        result.unchanged += 1


def import_rows(*, actor: Any, rows: Sequence[tuple[int, Mapping[str, Any]]], dry_run: bool = False) -> ImportResult:
    """Validate every (line, {column: value}) row, then write them all in one transaction, or nothing.

    Raises CatalogueImportError with every error found; with `dry_run` everything is checked (the services'
    own validation included) and rolled back."""
    parsed, errors = _validate(rows)
    if errors:
        raise CatalogueImportError(errors)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        families = {f.code: f for f in ProductFamily.objects.filter(code__in={row.family_code for row in parsed})}
        refused: set[str] = set()
        for row in parsed:
            if row.family_code in families or row.family_code in refused:
                continue
            try:
                families[row.family_code] = product_family_create(
                    actor=actor, code=row.family_code, name=row.family_name
                )
                result.families_created += 1
            except ValidationError as exc:
                refused.add(row.family_code)
                errors.extend(_errors_from(exc, row.line, FAMILY_FIELD_COLUMNS))
        for row in parsed:
            family = families.get(row.family_code)
            if family is None:
                continue
            try:
                _write_row(actor=actor, row=row, family=family, result=result)
            except ValidationError as exc:
                errors.extend(_errors_from(exc, row.line))
        if errors:
            raise CatalogueImportError(errors)  # leaves the atomic block: everything is rolled back
        if dry_run:
            transaction.set_rollback(True)
    return result
