"""The satisfaction figures offered to the controlling app (verbund.core.kpi), from the latest closed wave of the
provider whose year is the year of the period's end.

- `surveys.satisfaction_mean` (score 1–5): the mean over the 1–5 questions of each question's member-weighted
  mean (each member counts equally); with a member, that member's means; with a product, the pooled answers of
  the questions tied to the product. The note gives the unweighted figure.
- `surveys.top2_share` (share): the same with the top-2-box share.
- `surveys.nps` (number, −100 … 100): the recommendation question's NPS in points (member-weighted overall).
- `surveys.response_rate` (share): responses ÷ invitations (÷ staff for a wave without invitations).

Records are the questions (label and the results page's URL).
"""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register
from verbund.core.money import round_money
from verbund.surveys.engine.analysis import LIKERT, NPS, stat_from_json
from verbund.surveys.models import Question, Wave
from verbund.surveys.selectors import latest_closed_wave

FOUR = Decimal("0.0001")


def _dec(value: float) -> Decimal:
    return round_money(Decimal(str(value)), FOUR)


def _wave(query: KpiQuery) -> Wave | None:
    return latest_closed_wave(provider_id=query.provider_id, year=query.period_end.year)


def _records(wave: Wave, keys: list[str], query: KpiQuery) -> tuple[tuple[KpiRecord, ...], int]:
    url = reverse("surveys:wave_results", args=[wave.pk])
    if query.member_id:
        url += f"?member={query.member_id}"
    questions = {str(q.pk): q for q in Question.objects.filter(pk__in=[int(k) for k in keys])}
    records = tuple(
        KpiRecord(label=f"{questions[k].series_key}: {questions[k].display_text}", url=url)
        for k in keys[: query.record_limit]
        if k in questions
    )
    return records, len(keys)


def _score(query: KpiQuery, *, share: bool) -> KpiFigure | None:
    wave = _wave(query)
    if wave is None or not wave.analysis:
        return None
    questions: dict[str, Any] = wave.analysis["questions"]
    likert = {k: d for k, d in questions.items() if d["kind"] == LIKERT}

    def point(data: dict[str, Any] | None) -> float | None:
        if not data:
            return None
        stat = stat_from_json(LIKERT, data)
        interval = stat.top2 if share else stat.mean
        return None if interval is None else interval.point

    if query.product_id is not None:
        if query.member_id is not None:
            data = next(
                (s for p, m, s in wave.analysis["product_members"] if p == query.product_id and m == query.member_id),
                None,
            )
        else:
            data = wave.analysis["products"].get(str(query.product_id))
        value = point(data)
        keys = [k for k, d in likert.items() if d["product_id"] == query.product_id]
        if value is None:
            return None
        records, count = _records(wave, keys, query)
        return KpiFigure(value=_dec(value), cut_off=wave.closes_on, records=records, record_count=count)
    values: list[float] = []
    unweighted: list[float] = []
    keys = []
    for k, d in likert.items():
        if query.member_id is not None:
            v = point(d["members"].get(str(query.member_id)))
        else:
            head = d["weighted"]["head" if share else "mean"]
            v = head[0] if head else None
            u = point(d["overall"])
            if u is not None:
                unweighted.append(u)
        if v is not None:
            values.append(v)
            keys.append(k)
    if not values:
        return None
    records, count = _records(wave, keys, query)
    note = ""
    if unweighted:
        note = _("Each member counts equally; unweighted %(value)s") % {
            "value": f"{_dec(sum(unweighted) / len(unweighted))}"
        }
    return KpiFigure(
        value=_dec(sum(values) / len(values)), cut_off=wave.closes_on, records=records, record_count=count, note=note
    )


def _product_keys(query: KpiQuery, dimension: str) -> list[int]:
    """The products the wave's questions are tied to (the product breakdown)."""
    wave = _wave(query)
    if wave is None or not wave.analysis:
        return []
    return [int(p) for p in wave.analysis.get("products", {})]


@register(
    "surveys.satisfaction_mean",
    unit="score",
    label=gettext_noop("Mean satisfaction (1-5)"),
    breakdowns=("member", "product"),
    keys=_product_keys,
)
def satisfaction_mean(query: KpiQuery) -> KpiFigure | None:
    return _score(query, share=False)


@register(
    "surveys.top2_share",
    unit="share",
    label=gettext_noop("Satisfied (top-2-box)"),
    breakdowns=("member", "product"),
    keys=_product_keys,
)
def top2_share(query: KpiQuery) -> KpiFigure | None:
    return _score(query, share=True)


@register("surveys.nps", unit="number", label=gettext_noop("Net promoter score"), breakdowns=("member",))
def nps(query: KpiQuery) -> KpiFigure | None:
    wave = _wave(query)
    if wave is None or not wave.analysis:
        return None
    for key, data in wave.analysis["questions"].items():
        if data["kind"] != NPS:
            continue
        if query.member_id is not None:
            source = data["members"].get(str(query.member_id))
            stat = stat_from_json(NPS, source) if source else None
            value = stat.nps.point if stat and stat.nps else None
            note = ""
        else:
            head = data["weighted"]["head"]
            value = head[0] if head else None
            overall = stat_from_json(NPS, data["overall"])
            note = (
                _("Each member counts equally; unweighted %(value)s") % {"value": f"{_dec(overall.nps.point * 100)}"}
                if overall.nps
                else ""
            )
        if value is None:
            return None
        records, count = _records(wave, [key], query)
        return KpiFigure(
            value=_dec(value * 100), cut_off=wave.closes_on, records=records, record_count=count, note=note
        )
    return None


@register("surveys.response_rate", unit="share", label=gettext_noop("Survey response rate"), breakdowns=("member",))
def response_rate(query: KpiQuery) -> KpiFigure | None:
    wave = _wave(query)
    if wave is None or not wave.analysis:
        return None
    if query.member_id is not None:
        responses, invited = wave.analysis["rate_by_member"].get(str(query.member_id), [0, 0])
    else:
        responses, invited = wave.analysis["rate"]
    if not invited:
        return None
    url = reverse("surveys:wave_results", args=[wave.pk])
    record = KpiRecord(label=str(wave), url=url, detail=f"{responses}/{invited}")
    return KpiFigure(value=_dec(responses / invited), cut_off=wave.closes_on, records=(record,), record_count=1)
