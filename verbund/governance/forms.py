"""Forms of the governance pages. They parse and validate input; the services decide."""

from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from verbund.governance.choices import Choice, MajorityRule, PaperType, SubjectKind
from verbund.governance.models import Attendance, Membership, Paper, Person

PRESENT, ABSENT, PROXY_PREFIX = "present", "absent", "proxy:"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgendaItemForm(forms.Form):
    name = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("Empty: the title of the paper."),
    )
    paper = forms.TypedChoiceField(label=_("Paper"), coerce=int, required=False, empty_value=None)
    public = forms.BooleanField(label=_("Public item"), required=False, initial=True)
    decides = forms.BooleanField(label=_("Vote and decision on this item"), required=False, initial=True)

    def __init__(self, *args: Any, papers: Sequence[Paper], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.papers = {paper.pk: paper for paper in papers}
        paper_field: forms.TypedChoiceField = self.fields["paper"]  # type: ignore[assignment]
        paper_field.choices = [("", _("– no paper –"))] + [(p.pk, str(p)) for p in papers]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        paper = self.papers.get(data["paper"]) if data.get("paper") else None
        data["paper"] = paper
        if not data.get("name"):
            if paper is None:
                self.add_error("name", _("Enter a title or choose a paper."))
            else:
                data["name"] = paper.name
        return data


class AttendanceForm(forms.Form):
    """One select per seat: present in person, absent, or represented by a person holding a seat."""

    def __init__(
        self,
        *args: Any,
        seats: Sequence[Membership],
        proxies: Sequence[Person],
        attendance: dict[int, Attendance],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.seats = list(seats)
        self.proxies = {person.pk: person for person in proxies}
        self.attendance = attendance
        for seat in self.seats:
            represented_by = [(f"{PROXY_PREFIX}{p.pk}", p.name) for p in proxies if p.pk != seat.person_id]
            choices: list[Any] = [
                ("", _("– not recorded –")),
                (PRESENT, _("present in person")),
                (ABSENT, _("absent")),
            ]
            if represented_by:
                choices.append((_("represented by"), represented_by))
            self.fields[self.field_name(seat)] = forms.ChoiceField(
                label=seat.person.name, choices=choices, required=False, initial=self._current(seat)
            )

    @staticmethod
    def field_name(seat: Membership) -> str:
        return f"seat_{seat.pk}"

    def _current(self, seat: Membership) -> str:
        record = self.attendance.get(seat.pk)
        if record is None:
            return ""
        if record.present:
            return PRESENT
        return f"{PROXY_PREFIX}{record.proxy_id}" if record.proxy_id else ABSENT

    def rows(self) -> Iterator[tuple[Membership, forms.BoundField]]:
        for seat in self.seats:
            yield seat, self[self.field_name(seat)]

    def changes(self, *, all_present: bool = False) -> Iterator[tuple[Membership, bool, Person | None]]:
        """(seat, present, proxy) for every seat whose entry differs from what is recorded. With `all_present`
        ("all present" button), every seat left at "not recorded" counts as present in person; the entries
        chosen in the form (absent, represented) are kept."""
        for seat in self.seats:
            value = self.cleaned_data.get(self.field_name(seat)) or ""
            if not value and all_present and self._current(seat) == "":
                value = PRESENT
            if not value or value == self._current(seat):
                continue
            if value.startswith(PROXY_PREFIX):
                yield seat, False, self.proxies[int(value.removeprefix(PROXY_PREFIX))]
            else:
                yield seat, value == PRESENT, None


class VoteForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput())
    choice = forms.ChoiceField(label=_("vote"), choices=Choice.choices)


class DecisionForm(forms.Form):
    resolution_text = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: the proposed resolution of the paper."),
    )


class PaperForm(forms.Form):
    body = forms.TypedChoiceField(label=_("Body"), coerce=int)
    reference = forms.CharField(label=_("Reference"), max_length=40)
    name = forms.CharField(label=_("Title"), max_length=255)
    paper_type = forms.ChoiceField(label=_("Type"), choices=PaperType.choices, initial=PaperType.RESOLUTION)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    proposed_resolution = forms.CharField(
        label=_("Proposed resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject = forms.ChoiceField(
        label=_("Subject to approve"),
        required=False,
        help_text=_("What the decision makes effective: a proposed catalogue, accession or agreement change."),
    )
    majority_rule = forms.ChoiceField(label=_("Majority needed"), required=False)
    public = forms.BooleanField(label=_("Public"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        bodies: Sequence[Any],
        subjects: Sequence[tuple[str, Sequence[tuple[str, str]]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        body_field: forms.TypedChoiceField = self.fields["body"]  # type: ignore[assignment]
        body_field.choices = [(body.pk, body.name) for body in bodies]
        subject_field: forms.ChoiceField = self.fields["subject"]  # type: ignore[assignment]
        subject_field.choices = [
            ("", SubjectKind.NONE.label),
            *[(group, list(opts)) for group, opts in subjects if opts],
        ]
        majority_field: forms.ChoiceField = self.fields["majority_rule"]  # type: ignore[assignment]
        majority_field.choices = [("", _("the committee's default rule")), *MajorityRule.choices]

    def clean_subject(self) -> tuple[str, int | None]:
        value = self.cleaned_data.get("subject") or ""
        if not value:
            return SubjectKind.NONE, None
        kind, _sep, pk = value.partition(":")
        return kind, int(pk)

    @staticmethod
    def subject_value(kind: str, pk: int) -> str:
        return f"{kind}:{pk}"
