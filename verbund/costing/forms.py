"""Forms of plan costing. They parse and validate input (localised numbers); the services decide."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.core.forms import SpreadsheetUploadForm
from verbund.core.params import YEAR_MAX, YEAR_MIN
from verbund.costing.choices import Method
from verbund.costing.models import CostCentre, CostType, PlanVersion


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    name = forms.CharField(label=_("Name"), max_length=200)
    method = forms.ChoiceField(label=_("Allocation method"), choices=Method.choices, initial=Method.RECIPROCAL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class PlanCopyForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Copy from"), coerce=int)
    year = forms.IntegerField(label=_("For the year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Plan costing <year>”."),
    )

    def __init__(self, *args: Any, plans: Iterable[PlanVersion], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "copy")
        super().__init__(*args, **kwargs)
        source: forms.TypedChoiceField = self.fields["source"]  # type: ignore[assignment]
        source.choices = [(p.pk, f"{p.year} – {p.name} ({p.get_status_display()})") for p in plans]


class CompareForm(forms.Form):
    other = forms.TypedChoiceField(label=_("Compare with"), coerce=int)

    def __init__(self, *args: Any, plans: Iterable[PlanVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other: forms.TypedChoiceField = self.fields["other"]  # type: ignore[assignment]
        other.choices = [(p.pk, f"{p.year} – {p.name} ({p.get_status_display()})") for p in plans]


@dataclass(frozen=True)
class Cell:
    centre: CostCentre
    cost_type: CostType
    field: forms.BoundField
    amount: Decimal | None  # the stored amount


@dataclass(frozen=True)
class Row:
    centre: CostCentre
    cells: list[Cell]
    total: Decimal


def cell_name(centre: CostCentre, cost_type: CostType) -> str:
    return f"cost_{centre.pk}_{cost_type.pk}"


class PlannedCostGridForm(forms.Form):
    """The entry grid: one localised amount per cost centre (row) and cost type (column).

    Only cells whose value differs from the stored amount are saved; emptying a stored amount sets it to 0, a cell
    missing from the submitted data is left as it is.
    Negative amounts are refused by the service, so its message stands next to the cell.
    """

    def __init__(
        self,
        *args: Any,
        centres: list[CostCentre],
        types: list[CostType],
        amounts: dict[tuple[int, int], Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.centres, self.types, self.amounts = centres, types, amounts
        for centre in centres:
            for cost_type in types:
                field = forms.DecimalField(
                    label=_("%(centre)s / %(type)s") % {"centre": centre.name, "type": cost_type.name},
                    max_digits=14,
                    decimal_places=2,
                    required=False,
                    localize=True,
                    initial=amounts.get((centre.pk, cost_type.pk)),
                )
                field.widget.attrs.update({"inputmode": "decimal", "size": 12, "autocomplete": "off"})
                self.fields[cell_name(centre, cost_type)] = field

    def rows(self) -> Iterator[Row]:
        for centre in self.centres:
            cells = [
                Cell(
                    centre=centre,
                    cost_type=cost_type,
                    field=self[cell_name(centre, cost_type)],
                    amount=self.amounts.get((centre.pk, cost_type.pk)),
                )
                for cost_type in self.types
            ]
            yield Row(centre=centre, cells=cells, total=sum((c.amount or Decimal(0) for c in cells), Decimal(0)))

    def column_totals(self) -> list[Decimal]:
        return [
            sum((self.amounts.get((c.pk, t.pk)) or Decimal(0) for c in self.centres), Decimal(0)) for t in self.types
        ]

    def grand_total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))

    def changes(self) -> list[tuple[CostCentre, CostType, Decimal]]:
        """Cells whose value differs from the stored amount, after `is_valid()`."""
        changed = set(self.changed_data)
        result = []
        for centre in self.centres:
            for cost_type in self.types:
                name = cell_name(centre, cost_type)
                if name not in changed or name not in self.data:  # a cell missing from the POST stays as it is
                    continue
                value = self.cleaned_data.get(name)
                if value is None and (centre.pk, cost_type.pk) not in self.amounts:
                    continue
                result.append((centre, cost_type, value if value is not None else Decimal(0)))
        return result

    def errors_by_cell(self) -> list[tuple[forms.BoundField, str]]:
        return [
            (self[name], str(error)) for name, errors in self.errors.items() for error in errors if name in self.fields
        ]


class PlanImportForm(SpreadsheetUploadForm):
    """A plan spreadsheet (CSV or Excel, the columns of the plan export)."""
