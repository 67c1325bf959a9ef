"""Writing the catalogue to CSV/Excel and reading such files back into (line, cells) rows."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models

from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.spreadsheet.columns import COLUMNS, CatalogueImportError
from verbund.core.spreadsheet import Sheet
from verbund.registry.models import Organization

# ---------------------------------------------------------------- export


def _revision_for_year(revisions: Sequence[PriceRevision], year: int) -> PriceRevision | None:
    """The newest revision (draft or approved) in force on 1 January of `year`, else the first starting in it."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_force = [r for r in revisions if r.valid_from <= start]
    if in_force:
        return max(in_force, key=lambda r: (r.valid_from, r.pk))
    starting = [r for r in revisions if start < r.valid_from <= end]
    if starting:
        return min(starting, key=lambda r: (r.valid_from, -r.pk))
    return None


def _provider_key(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return organization.short_name or organization.ags or organization.name


def export_rows(
    products_queryset: "models.QuerySet[Product]",
    year: int,
    revisions_queryset: "models.QuerySet[PriceRevision] | None" = None,
) -> list[dict[str, Any]]:
    """One row per product with the price of `year`; values are str, bool, int, Decimal, date or None.

    `revisions_queryset` limits the prices considered (the web export passes what the user may see, so a
    member never gets draft prices); by default every revision counts (the command-line export for staff)."""
    revisions = revisions_queryset if revisions_queryset is not None else PriceRevision.objects.all()
    products = products_queryset.select_related("family", "origin_provider").prefetch_related(
        models.Prefetch("price_revisions", queryset=revisions)
    )
    rows = []
    for product in products:
        revision = _revision_for_year(list(product.price_revisions.all()), year)
        rows.append(
            {
                "number": product.number,
                "family_code": product.family.code,
                "family_name": product.family.name,
                "name": product.name,
                "name_en": product.name_en,
                "description": product.description,
                "description_en": product.description_en,
                "category": product.category,
                "unit": product.unit,
                "in_standard_package": product.in_standard_package,
                "origin_provider": _provider_key(product.origin_provider),
                "notice_period_months": product.notice_period_months,
                "sla_service_hours": product.sla_service_hours,
                "sla_target_availability": product.sla_target_availability,
                "sla_support_hours": product.sla_support_hours,
                "price_valid_from": revision.valid_from if revision else None,
                "unit_price": revision.unit_price if revision else None,
                "vat_treatment": revision.vat_treatment if revision else "",
                "vat_rate": revision.vat_rate if revision else None,
                "vat_exemption_reason": revision.vat_exemption_reason if revision else "",
            }
        )
    return rows


NUMBER_FORMATS = {
    "unit_price": "#,##0.00##",
    "vat_rate": "0.00",
    "sla_target_availability": "0.00",
    "price_valid_from": "DD.MM.YYYY",
    "notice_period_months": "0",
}
SHEET = Sheet(columns=COLUMNS, error=CatalogueImportError, title="Produktkatalog", number_formats=NUMBER_FORMATS)

# CSV for German Excel (`;`, decimal comma, UTF-8 with BOM, text protected against formula injection) and Excel
# (bold, frozen header row; numbers and dates as real cells); the readers take either back.
write_csv = SHEET.write_csv
write_xlsx = SHEET.write_xlsx
read_csv = SHEET.read_csv
read_xlsx = SHEET.read_xlsx
