"""Import of responses from a LimeSurvey response export (CSV, question codes as headers).

The export is read with `verbund.core.spreadsheet` (UTF-8 or Windows-1252, `;`/`,`/tab). Columns:

- `id` (LimeSurvey's response id: a response already imported is skipped, so a re-import adds nothing),
  `submitdate` (an incomplete response without it is skipped), `member` (the member's AGS), `office` (as in the
  wave's target population);
- one column per question, named by its series key (LimeSurvey's question code): 1–5 or 0–10 for scales, the
  option code for a single choice, the text for free text; a multiple choice has one column per option,
  `code[option]`, with `Y` when chosen;
- LimeSurvey's other meta columns (`lastpage`, `startlanguage`, `seed`, `startdate`, `datestamp`, `token`,
  `refurl`) are accepted and ignored. The `token` column is never stored.

Every row is checked first; the errors name line and column, and nothing is written when there is one.
"""

import datetime as dt

from django.utils.translation import gettext as _

from verbund.core.spreadsheet import Cells, Row, RowError, Sheet, SpreadsheetError
from verbund.registry.models import Organization
from verbund.surveys.choices import QuestionKind
from verbund.surveys.models import Question, Target, Wave
from verbund.surveys.services import ImportedResponse

META = (
    "id",
    "submitdate",
    "member",
    "office",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "token",
    "refurl",
)


class LimeSurveyImportError(SpreadsheetError):
    columns = META


def _question_columns(question: Question) -> list[str]:
    if question.kind == QuestionKind.MULTIPLE:
        return [f"{question.series_key}[{o['code'].lower()}]" for o in question.option_list()]
    return [question.series_key]


def sheet_for(wave: Wave) -> Sheet:
    questions = list(Question.objects.filter(questionnaire_id=wave.questionnaire_id))
    columns = [*META]
    for q in questions:
        columns.extend(_question_columns(q))
    return Sheet(
        columns=tuple(columns),
        error=LimeSurveyImportError,
        required=("id", "submitdate", "member", "office"),
        max_columns=max(100, len(columns) + 5),
    )


def _submitted(cells: Cells) -> dt.date | None:
    text = cells.get("submitdate").strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        cells.error("submitdate", _("Not a date (YYYY-MM-DD hh:mm:ss): %(value)s") % {"value": text})
        return None


def parse_responses(wave: Wave, rows: list[Row]) -> tuple[list[ImportedResponse], int]:
    """The complete responses of the export and the number of incomplete ones skipped; every error at once."""
    questions = list(Question.objects.filter(questionnaire_id=wave.questionnaire_id))
    targets = {(t.member.ags, t.office): t for t in Target.objects.filter(wave=wave).select_related("member")}
    members = {t.member.ags: t.member for t in targets.values()}
    errors: list[RowError] = []
    parsed: list[ImportedResponse] = []
    seen: set[str] = set()
    skipped = 0
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        if not cells.get("submitdate").strip():
            skipped += 1
            continue
        external_id = cells.text("id", max_length=40, required=True)
        if external_id in seen:
            cells.error("id", _("This response id appears twice in the file."))
        seen.add(external_id)
        submitted = _submitted(cells)
        ags = cells.text("member", max_length=12, required=True)
        office = cells.text("office", max_length=120, required=True)
        member: Organization | None = members.get(ags)
        if ags and member is None:
            cells.error("member", _("Not a member of this wave's target population: %(value)s") % {"value": ags})
        elif member is not None and office and (ags, office) not in targets:
            cells.error("office", _("Not an office of this member in the wave: %(value)s") % {"value": office})
        answers: dict[str, object] = {}
        for q in questions:
            if q.kind in (QuestionKind.LIKERT, QuestionKind.NPS):
                low, high = (1, 5) if q.kind == QuestionKind.LIKERT else (0, 10)
                if cells.get(q.series_key).strip():
                    value = cells.integer(q.series_key, minimum=low, maximum=high)
                    if value is not None:
                        answers[q.series_key] = value
            elif q.kind == QuestionKind.SINGLE:
                code = cells.get(q.series_key).strip()
                if code:
                    codes = {o["code"] for o in q.option_list()}
                    if code not in codes:
                        cells.error(q.series_key, _("Not an option: %(value)s") % {"value": code})
                    else:
                        answers[q.series_key] = [code]
            elif q.kind == QuestionKind.MULTIPLE:
                chosen = []
                for option, column in zip(q.option_list(), _question_columns(q), strict=True):
                    mark = cells.get(column).strip().upper()
                    if mark in ("Y", "1", "JA"):
                        chosen.append(option["code"])
                    elif mark not in ("", "N", "0"):
                        cells.error(column, _("Y or empty, not %(value)s") % {"value": mark})
                if chosen:
                    answers[q.series_key] = chosen
            else:
                text = cells.text(q.series_key, max_length=4000)
                if text:
                    answers[q.series_key] = text
        if member is not None and submitted is not None and external_id:
            parsed.append(ImportedResponse(external_id, member, office, submitted, answers))
    if errors:
        raise LimeSurveyImportError(errors)
    return parsed, skipped
