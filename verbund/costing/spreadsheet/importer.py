"""Checking every line of a plan file, then replacing the plan's figures in one transaction (or nothing)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.catalog.models import Product
from verbund.core.spreadsheet import Cells
from verbund.costing.choices import CentreKind, Charging, KeyBasis, PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.services import (
    CentreFigure,
    CostFigure,
    CostTypeFigure,
    FlowFigure,
    MappingFigure,
    PlanFigures,
    ProductFigure,
    plan_figures_of,
    plan_figures_replace,
)
from verbund.costing.spreadsheet.columns import (
    COLUMNS,
    KEY_SEPARATORS,
    RECORD_COLUMNS,
    ImportResult,
    PlanImportError,
    RowError,
)

ZERO = Decimal(0)


class _Cells(Cells):
    """The shared cell parsers; a text cell is required unless said otherwise and None when bad, and the key."""

    def text(self, column: str, *, max_length: int, required: bool = True) -> str | None:  # type: ignore[override]
        before = len(self.errors)
        value = super().text(column, max_length=max_length, required=required)
        return None if len(self.errors) > before else value

    def key(self, column: str) -> tuple[tuple[str, Decimal], ...] | None:
        """ "inhabitants=0.5;workstations=0.5" (also with | or line breaks between the parts, decimal comma)."""
        text = self.get(column)
        for separator in KEY_SEPARATORS[1:]:
            text = text.replace(separator, KEY_SEPARATORS[0])
        parts = [part.strip() for part in text.split(KEY_SEPARATORS[0]) if part.strip()]
        example = "inhabitants=0.5;workstations=0.5"
        bases = ", ".join(str(v) for v in KeyBasis.values)
        key: list[tuple[str, Decimal]] = []
        for part in parts:
            basis, equals, weight_text = part.partition("=")
            basis = basis.strip().lower()
            if basis not in KeyBasis.values:
                self.error(
                    column,
                    _('Unknown key basis "%(basis)s"; allowed: %(allowed)s (e.g. %(example)s).')
                    % {"basis": basis, "allowed": bases, "example": example},
                )
                return None
            if any(basis == seen for seen, _weight in key):
                self.error(column, _('The basis "%(basis)s" appears twice.') % {"basis": basis})
                return None
            if not equals:
                weight_text = "1" if len(parts) == 1 else ""
            if not weight_text.strip():
                self.error(column, _("Give every basis its weight, e.g. %(example)s.") % {"example": example})
                return None
            weight = self.number(column, weight_text.strip(), places=4, max_digits=5, minimum=None, maximum=None)
            if weight is None:
                return None
            if weight <= 0:
                self.error(column, _("Weights must be positive."))
                return None
            key.append((basis, weight))
        if key and sum((w for _b, w in key), ZERO) != 1:
            self.error(
                column,
                _("The weights must sum to exactly 1, not %(sum)s.") % {"sum": sum((w for _b, w in key), ZERO)},
            )
            return None
        return tuple(key)


class _Parsed:
    """The lines that passed the first check, by record type, with their line numbers."""

    def __init__(self) -> None:
        self.centres: list[tuple[int, CentreFigure | None, str]] = []  # (line, figure or None, code)
        self.cost_types: list[tuple[int, CostTypeFigure | None, str]] = []
        self.costs: list[tuple[int, CostFigure | None, str, str]] = []
        self.flows: list[tuple[int, FlowFigure | None, str, str]] = []
        self.products: list[tuple[int, ProductFigure | None, str]] = []
        self.mappings: list[tuple[int, MappingFigure | None, str, str]] = []


def _parse_line(line: int, raw: Mapping[str, Any], plan: PlanVersion, parsed: _Parsed, errors: list[RowError]) -> None:
    cells = _Cells(line, raw, errors)
    record = cells.get("record").lower()
    if record not in RECORD_COLUMNS:
        cells.error(
            "record",
            _('Unknown record type "%(value)s"; allowed: %(allowed)s')
            % {"value": cells.get("record"), "allowed": ", ".join(RECORD_COLUMNS)},
        )
        return
    used = RECORD_COLUMNS[record]
    for column in COLUMNS:
        if column != "record" and column not in used and cells.get(column):
            cells.error(
                column,
                _("A %(record)s line does not use this column; leave it empty (it uses %(used)s).")
                % {"record": record, "used": ", ".join(used)},
            )
    if record in ("centre", "cost_type"):
        code = cells.text("code", max_length=20)
        name = cells.text("name", max_length=200)
        if record == "centre":
            kind = cells.choice("kind", CentreKind)
            figure = CentreFigure(code, name, kind) if code and name and kind else None
            parsed.centres.append((line, figure, code or ""))
        else:
            share = cells.decimal("variable_share", places=4, max_digits=5, maximum=Decimal(1))
            bad = cells.get("variable_share") and share is None
            figure_t = CostTypeFigure(code, name, share or ZERO) if code and name and not bad else None
            parsed.cost_types.append((line, figure_t, code or ""))
    elif record == "cost":
        centre = cells.text("centre", max_length=20)
        cost_type = cells.text("cost_type", max_length=20)
        amount = cells.decimal("amount", places=2, max_digits=14, required=True)
        figure_c = CostFigure(centre, cost_type, amount) if centre and cost_type and amount is not None else None
        parsed.costs.append((line, figure_c, centre or "", cost_type or ""))
    elif record == "flow":
        provider = cells.text("provider", max_length=20)
        receiver = cells.text("receiver", max_length=20)
        quantity = cells.decimal("quantity", places=4, max_digits=16, required=True)
        figure_f = FlowFigure(provider, receiver, quantity) if provider and receiver and quantity is not None else None
        parsed.flows.append((line, figure_f, provider or "", receiver or ""))
    elif record == "product":
        parsed.products.append((line, _parse_product(cells, plan), cells.get("product")))
    else:  # mapping
        centre = cells.text("centre", max_length=20)
        product = cells.text("product", max_length=20)
        share = cells.decimal("quantity", places=4, max_digits=16)
        bad = cells.get("quantity") and share is None
        figure_m = (
            MappingFigure(centre, product, Decimal(1) if share is None else share) if centre and product else None
        )
        parsed.mappings.append((line, None if bad else figure_m, centre or "", product or ""))


def _parse_product(cells: _Cells, plan: PlanVersion) -> ProductFigure | None:
    errors_before = len(cells.errors)
    number = cells.text("product", max_length=20)
    charging = cells.choice("charging", Charging, default=Charging.METERED)
    planned = cells.decimal("planned_quantity", places=4, max_digits=16)
    key = cells.key("key")
    carry = cells.decimal("carry_forward", places=2, max_digits=14, minimum=None)
    from_year = cells.integer("carry_forward_from_year", minimum=2000, maximum=2100)
    years = cells.integer("carry_forward_years", minimum=1, maximum=20)
    if charging == Charging.METERED and planned is None and not cells.get("planned_quantity"):
        cells.error("planned_quantity", _("A metered product needs a planned quantity."))
    if charging == Charging.METERED and key:
        cells.error("key", _("A metered product is charged by quantity × rate; leave the key empty."))
    if charging == Charging.SHARED and key == () and not cells.get("key"):
        cells.error("key", _("A shared product needs its key, e.g. inhabitants=0.5;workstations=0.5."))
    if carry:
        if from_year is None and not cells.get("carry_forward_from_year"):
            cells.error("carry_forward_from_year", _("Required for a carry-forward: the year it comes from."))
        elif from_year is not None and from_year >= plan.year:
            cells.error(
                "carry_forward_from_year",
                _("A carry-forward comes from a year before the plan year %(year)s.") % {"year": plan.year},
            )
    if len(cells.errors) > errors_before or number is None or charging is None:
        return None
    return ProductFigure(
        product=number,
        charging=charging,
        planned_quantity=planned,
        key=key or (),
        carry_forward=carry or ZERO,
        carry_forward_from_year=from_year if carry else None,
        carry_forward_years=(years or 1) if carry else 1,
    )


def _check_references(parsed: _Parsed, errors: list[RowError]) -> None:
    """Duplicates and references between the lines and to the catalogue (second pass, after every line)."""

    def first_lines(entries: Sequence[tuple[Any, ...]], what: str, key_of: Any, column: str) -> None:
        seen: dict[Any, int] = {}
        for entry in entries:
            line, key = entry[0], key_of(entry)
            if not all(key if isinstance(key, tuple) else (key,)):
                continue
            if key in seen:
                shown = " / ".join(key) if isinstance(key, tuple) else key
                errors.append(
                    RowError(
                        line,
                        column,
                        _("%(what)s %(key)s is already given in line %(line)s.")
                        % {"what": what, "key": shown, "line": seen[key]},
                    )
                )
            else:
                seen[key] = line

    first_lines(parsed.centres, _("Cost centre"), lambda e: e[2], "code")
    first_lines(parsed.cost_types, _("Cost type"), lambda e: e[2], "code")
    first_lines(parsed.costs, _("The planned cost of"), lambda e: (e[2], e[3]), "cost_type")
    first_lines(parsed.flows, _("The service quantity"), lambda e: (e[2], e[3]), "receiver")
    first_lines(parsed.products, _("Product"), lambda e: e[2], "product")
    first_lines(parsed.mappings, _("The mapping"), lambda e: (e[2], e[3]), "product")

    kinds = {code: (figure.kind if figure else None) for _line, figure, code in parsed.centres if code}
    types = {code for _line, _figure, code in parsed.cost_types if code}
    in_plan = {number for _line, _figure, number in parsed.products if number}
    catalogue = set(Product.objects.filter(number__in=in_plan).values_list("number", flat=True))

    def unknown(line: int, column: str, what: str, code: str, known: Any) -> None:
        listed = ", ".join(sorted(known)) or "–"
        errors.append(
            RowError(
                line,
                column,
                _('Unknown %(what)s "%(code)s"; this file defines: %(known)s')
                % {"what": what, "code": code, "known": listed},
            )
        )

    for line, _cost, centre, cost_type in parsed.costs:
        if centre and centre not in kinds:
            unknown(line, "centre", _("cost centre"), centre, kinds)
        if cost_type and cost_type not in types:
            unknown(line, "cost_type", _("cost type"), cost_type, types)
    for line, _flow, provider, receiver in parsed.flows:
        if provider and provider not in kinds:
            unknown(line, "provider", _("cost centre"), provider, kinds)
        elif provider and kinds[provider] == CentreKind.END:
            errors.append(
                RowError(
                    line,
                    "provider",
                    _("%(code)s is an end cost centre; only support centres serve others.") % {"code": provider},
                )
            )
        if receiver and receiver not in kinds:
            unknown(line, "receiver", _("cost centre"), receiver, kinds)
    for line, _product, number in parsed.products:
        if number and number not in catalogue:
            errors.append(
                RowError(line, "product", _('No product "%(number)s" in the catalogue.') % {"number": number})
            )
    for line, _mapping, centre, number in parsed.mappings:
        if centre and centre not in kinds:
            unknown(line, "centre", _("cost centre"), centre, kinds)
        elif centre and kinds[centre] == CentreKind.SUPPORT:
            errors.append(
                RowError(
                    line,
                    "centre",
                    _("%(code)s is a support cost centre; only end centres pass their cost to products.")
                    % {"code": centre},
                )
            )
        if number and number not in in_plan:
            errors.append(
                RowError(
                    line,
                    "product",
                    _('Product "%(number)s" has no product line in this file; add one before mapping to it.')
                    % {"number": number},
                )
            )


def parse_rows(
    *, plan: PlanVersion, rows: Sequence[tuple[int, Mapping[str, Any]]]
) -> tuple[PlanFigures, list[RowError]]:
    """Check every (line, {column: value}) row; the figures (complete only when there are no errors) and every
    error found. Reads the catalogue (one query) but writes nothing."""
    errors: list[RowError] = []
    status = PlanVersion.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
    if status != PlanStatus.DRAFT:
        errors.append(
            RowError(
                1,
                "",
                _("The plan %(plan)s is %(status)s; only a draft plan can be changed (copy it to a new version).")
                % {"plan": plan, "status": PlanStatus(status).label if status else "?"},
            )
        )
    parsed = _Parsed()
    for line, raw in rows:
        _parse_line(line, raw, plan, parsed, errors)
    _check_references(parsed, errors)
    figures = PlanFigures(
        centres=tuple(f for _l, f, _c in parsed.centres if f),
        cost_types=tuple(f for _l, f, _c in parsed.cost_types if f),
        costs=tuple(f for _l, f, _a, _b in parsed.costs if f),
        flows=tuple(f for _l, f, _a, _b in parsed.flows if f),
        products=tuple(f for _l, f, _n in parsed.products if f),
        mappings=tuple(f for _l, f, _a, _b in parsed.mappings if f),
    )
    return figures, errors


def import_rows(
    *, actor: Any, plan: PlanVersion, rows: Sequence[tuple[int, Mapping[str, Any]]], dry_run: bool = False
) -> ImportResult:
    """Check every row, then replace the plan's figures by the file's in one transaction, or write nothing.

    Raises PlanImportError with every error found. With `dry_run` the file is checked completely and the result
    says whether it would change the plan; nothing is written."""
    figures, errors = parse_rows(plan=plan, rows=rows)
    if errors:
        raise PlanImportError(errors)
    result = ImportResult(counts=figures.counts(), dry_run=dry_run)
    if dry_run:
        result.changed = plan_figures_of(plan).canonical() != figures.canonical()
        return result
    try:
        with transaction.atomic():
            result.changed = plan_figures_replace(actor=actor, plan=plan, figures=figures)
    except ValidationError as exc:
        raise PlanImportError([RowError(1, "", message) for message in exc.messages]) from exc
    return result
