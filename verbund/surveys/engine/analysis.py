"""Analysis of one survey wave and the comparison of two waves (methods.md §3.1). Pure Python, no Django.

Input: the questions (`QuestionSpec`: kind, series key, a fingerprint of the wording, product), the target
population per member and office (`PopulationCell`: staff, invitations) and the responses (`ResponseRow`: member,
office and the numeric answers by question key). Output: per question the overall figure, the member-weighted
figure, and the figures per member, per office and per product, with intervals and a trace.

Definitions (frozen; the report states them):
- *top-2-box*: share of answers 4 or 5 on the 1–5 scale; *mean*: arithmetic mean of the 1–5 answers.
- *NPS*: promoters (9–10) minus detractors (0–6) on the 0–10 item, as a fraction in [−1, 1] (×100 = points).
- *Response rate*: responses ÷ invitations (÷ staff where nobody was invited, e.g. an imported wave).
- *Member weighting*: every member counts equally — the weighted figure is the mean of the members' figures
  (members with at least one answer), so that a city's many offices do not drown a small town. Its interval uses
  SE = √(Σ SE_m²)/M. The unweighted figure (every answer counts once) is always reported next to it.
- *Finite-population correction*: the population of an overall figure is the staff of all members, of a member
  figure that member's staff, of an office figure the office's staff.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from math import sqrt

from verbund.core.steps import Kind, Message, Step, gettext_noop
from verbund.surveys.engine import stats
from verbund.surveys.engine.stats import Interval, Test

LIKERT = "likert"
NPS = "nps"
NUMERIC_KINDS = frozenset({LIKERT, NPS})

MESSAGES: dict[str, Message] = {
    "rate": Message(
        gettext_noop("Response rate: %(responses)s responses of %(invited)s invited = %(rate)s"),
        {"responses": Kind.COUNT, "invited": Kind.COUNT, "rate": Kind.SHARE},
    ),
    "top2": Message(
        gettext_noop(
            "Top-2-box: %(top)s of %(n)s answers 4 or 5 = %(share)s; Wilson 95%% interval %(low)s … %(high)s"
            " (population %(population)s)"
        ),
        {
            "top": Kind.COUNT,
            "n": Kind.COUNT,
            "share": Kind.SHARE,
            "low": Kind.SHARE,
            "high": Kind.SHARE,
            "population": Kind.COUNT,
        },
    ),
    "mean": Message(
        gettext_noop("Mean: %(sum)s ÷ %(n)s = %(mean)s; 95%% interval %(low)s … %(high)s"),
        {"sum": Kind.COUNT, "n": Kind.COUNT, "mean": Kind.NUMBER, "low": Kind.NUMBER, "high": Kind.NUMBER},
    ),
    "nps": Message(
        gettext_noop(
            "NPS: (%(promoters)s promoters − %(detractors)s detractors) ÷ %(n)s = %(nps)s;"
            " adjusted-Wald 95%% interval %(low)s … %(high)s"
        ),
        {
            "promoters": Kind.COUNT,
            "detractors": Kind.COUNT,
            "n": Kind.COUNT,
            "nps": Kind.NUMBER,
            "low": Kind.NUMBER,
            "high": Kind.NUMBER,
        },
    ),
    "weighted": Message(
        gettext_noop("Each member counts equally: mean of %(members)s member figures = %(value)s"),
        {"members": Kind.COUNT, "value": Kind.NUMBER},
    ),
}


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    key: str  # the question's id
    series_key: str  # stable across questionnaire versions
    kind: str  # likert, nps (other kinds are not analysed numerically)
    wording: str = ""  # a fingerprint of the wording and scale; a change breaks the series
    product_id: int | None = None
    category: str = ""


@dataclass(frozen=True, slots=True)
class PopulationCell:
    member_id: int
    office: str
    staff: int
    invited: int = 0


@dataclass(frozen=True, slots=True)
class ResponseRow:
    member_id: int
    office: str
    values: Mapping[str, int]  # question key → answer (1–5 or 0–10)


@dataclass(frozen=True)
class WaveInput:
    questions: Sequence[QuestionSpec]
    population: Sequence[PopulationCell]
    responses: Iterable[ResponseRow]


class Stat:
    """The figures of one question (or pool of questions) in one group of answers, from the count per answer
    value (index = value) and the population size (for the FPC). The intervals are computed when first read, so
    that a national wave's hundreds of thousands of office and member cells cost only their counts."""

    __slots__ = ("__dict__", "distribution", "kind", "population")

    def __init__(self, kind: str, distribution: Sequence[int], population: int | None = None) -> None:
        self.kind = kind
        self.distribution = tuple(distribution)
        self.population = population

    def __repr__(self) -> str:
        return f"Stat({self.kind!r}, {self.distribution!r}, {self.population!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stat) and (self.kind, self.distribution, self.population) == (
            other.kind,
            other.distribution,
            other.population,
        )

    __hash__ = None  # type: ignore[assignment]

    @cached_property
    def n(self) -> int:
        return sum(self.distribution)

    @cached_property
    def total(self) -> int:
        return sum(value * count for value, count in enumerate(self.distribution))

    @cached_property
    def variance(self) -> float:
        n = self.n
        if n < 2:
            return 0.0
        squares = sum(value * value * count for value, count in enumerate(self.distribution))
        return max(0.0, (squares - self.total * self.total / n) / (n - 1))

    @cached_property
    def mean(self) -> Interval | None:
        squares = sum(value * value * count for value, count in enumerate(self.distribution))
        return stats.mean_interval(self.total, squares, self.n, population=self.population)

    @cached_property
    def top2(self) -> Interval | None:
        return stats.wilson(self.top2_count, self.n, population=self.population) if self.kind == LIKERT else None

    @cached_property
    def nps(self) -> Interval | None:
        if self.kind != NPS:
            return None
        return stats.nps(self.promoters, self.passives, self.detractors, population=self.population)

    @property
    def top2_count(self) -> int:
        return sum(self.distribution[4:6]) if self.kind == LIKERT else 0

    @property
    def promoters(self) -> int:
        return sum(self.distribution[9:11]) if self.kind == NPS else 0

    @property
    def detractors(self) -> int:
        return sum(self.distribution[0:7]) if self.kind == NPS else 0

    @property
    def passives(self) -> int:
        return sum(self.distribution[7:9]) if self.kind == NPS else 0

    @property
    def headline(self) -> Interval | None:
        """The figure a chart shows: top-2-box for Likert, NPS for the recommendation item."""
        return self.top2 if self.kind == LIKERT else self.nps


@dataclass(frozen=True)
class Weighted:
    """The member-weighted figure: every member with answers counts equally."""

    members: int
    mean: Interval | None
    headline: Interval | None  # top-2-box or NPS


def _weighted(kind: str, by_member: Mapping[int, Stat]) -> Weighted:
    """Each member with answers counts equally: the mean of the member figures, SE = √(Σ SE_m²)/M."""
    z = stats.Z95
    m = 0
    mean_sum = mean_var = head_sum = head_var = 0.0
    for stat in by_member.values():
        d = stat.distribution
        n = sum(d)
        if not n:
            continue
        m += 1
        f = stats.fpc_factor(n, stat.population)
        total = 0
        squares = 0
        for value, c in enumerate(d):
            total += value * c
            squares += value * value * c
        mean = total / n
        variance = max(0.0, (squares - total * mean) / (n - 1)) if n > 1 else 0.0
        mean_sum += mean
        mean_var += variance / n * f
        if kind == LIKERT:
            p = (d[4] + d[5]) / n
            head_sum += p
            head_var += p * (1 - p) / n * f
        else:
            promoters, detractors = d[9] + d[10], sum(d[0:7])
            head_sum += (promoters - detractors) / n
            head_var += stats.nps_se(promoters, n - promoters - detractors, detractors) ** 2 * f
    if not m:
        return Weighted(0, None, None)
    mean_point, mean_se = mean_sum / m, sqrt(mean_var) / m
    head_point, head_se = head_sum / m, sqrt(head_var) / m
    low_bound = 0.0 if kind == LIKERT else -1.0
    return Weighted(
        m,
        Interval(mean_point, mean_point - z * mean_se, mean_point + z * mean_se),
        Interval(head_point, max(low_bound, head_point - z * head_se), min(1.0, head_point + z * head_se)),
    )


@dataclass(frozen=True)
class QuestionResult:
    key: str
    series_key: str
    kind: str
    wording: str
    product_id: int | None
    overall: Stat
    weighted: Weighted
    by_member: Mapping[int, Stat]
    by_office: Mapping[tuple[int, str], Stat]
    trace: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Rate:
    responses: int
    invited: int

    @property
    def share(self) -> float | None:
        return self.responses / self.invited if self.invited else None


@dataclass(frozen=True)
class WaveResult:
    questions: tuple[QuestionResult, ...]
    rate: Rate
    rate_by_member: Mapping[int, Rate]
    rate_by_office: Mapping[tuple[int, str], Rate]
    by_product: Mapping[int, Stat]  # all Likert answers of the questions tied to a product, pooled
    by_product_member: Mapping[tuple[int, int], Stat]
    trace: tuple[Step, ...] = field(default=())

    def question(self, key: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.key == key), None)


def _size(kind: str) -> int:
    return 6 if kind == LIKERT else 11


def analyse(data: WaveInput) -> WaveResult:
    """Every figure of a wave in one pass over the responses."""
    specs = {q.key: q for q in data.questions if q.kind in NUMERIC_KINDS}
    staff_member: dict[int, int] = {}
    staff_office: dict[tuple[int, str], int] = {}
    invited_member: dict[int, int] = {}
    invited_office: dict[tuple[int, str], int] = {}
    for cell in data.population:
        staff_member[cell.member_id] = staff_member.get(cell.member_id, 0) + cell.staff
        staff_office[(cell.member_id, cell.office)] = staff_office.get((cell.member_id, cell.office), 0) + cell.staff
        invited_member[cell.member_id] = invited_member.get(cell.member_id, 0) + cell.invited
        invited_office[(cell.member_id, cell.office)] = (
            invited_office.get((cell.member_id, cell.office), 0) + cell.invited
        )
    overall = {key: [0] * _size(q.kind) for key, q in specs.items()}
    member_acc: dict[int, dict[str, list[int]]] = {}
    office_acc: dict[tuple[int, str], dict[str, list[int]]] = {}
    product_acc: dict[int, list[int]] = {}
    product_member_acc: dict[tuple[int, int], list[int]] = {}
    responses_member: dict[int, int] = {}
    responses_office: dict[tuple[int, str], int] = {}
    sizes = {key: _size(q.kind) for key, q in specs.items()}
    products = {key: q.product_id for key, q in specs.items() if q.product_id is not None and q.kind == LIKERT}
    count = 0
    for row in data.responses:
        count += 1
        member = row.member_id
        group = (member, row.office)
        responses_member[member] = responses_member.get(member, 0) + 1
        responses_office[group] = responses_office.get(group, 0) + 1
        m_acc = member_acc.get(member)
        if m_acc is None:
            m_acc = member_acc[member] = {}
        o_acc = office_acc.get(group)
        if o_acc is None:
            o_acc = office_acc[group] = {}
        for key, value in row.values.items():
            size = sizes.get(key)
            if size is None or value < (0 if size == 11 else 1) or value >= size:
                continue
            overall[key][value] += 1
            acc = m_acc.get(key)
            if acc is None:
                acc = m_acc[key] = [0] * size
            acc[value] += 1
            acc = o_acc.get(key)
            if acc is None:
                acc = o_acc[key] = [0] * size
            acc[value] += 1
            product = products.get(key)
            if product is not None:
                acc = product_acc.get(product)
                if acc is None:
                    acc = product_acc[product] = [0] * 6
                acc[value] += 1
                acc = product_member_acc.get((product, member))
                if acc is None:
                    acc = product_member_acc[(product, member)] = [0] * 6
                acc[value] += 1
    total_staff = sum(staff_member.values()) or None
    by_member_all: dict[str, dict[int, Stat]] = {key: {} for key in specs}
    for member, accs in member_acc.items():
        population = staff_member.get(member) or None
        for key, acc in accs.items():
            by_member_all[key][member] = Stat(specs[key].kind, acc, population)
    by_office_all: dict[str, dict[tuple[int, str], Stat]] = {key: {} for key in specs}
    for group, accs in office_acc.items():
        population = staff_office.get(group) or None
        for key, acc in accs.items():
            by_office_all[key][group] = Stat(specs[key].kind, acc, population)
    results = []
    for key, spec in specs.items():
        stat = Stat(spec.kind, overall[key], total_staff)
        weighted = _weighted(spec.kind, by_member_all[key])
        results.append(
            QuestionResult(
                key=key,
                series_key=spec.series_key,
                kind=spec.kind,
                wording=spec.wording,
                product_id=spec.product_id,
                overall=stat,
                weighted=weighted,
                by_member=by_member_all[key],
                by_office=by_office_all[key],
                trace=_question_trace(stat, weighted, total_staff),
            )
        )
    invited_total = sum(invited_member.values()) or sum(staff_member.values())

    def rate(responses: int, invited: int, staff: int) -> Rate:
        return Rate(responses, invited or staff)

    members = set(staff_member) | set(responses_member)
    offices = set(staff_office) | set(responses_office)
    rate_total = Rate(count, invited_total)
    return WaveResult(
        questions=tuple(results),
        rate=rate_total,
        rate_by_member={
            m: rate(responses_member.get(m, 0), invited_member.get(m, 0), staff_member.get(m, 0)) for m in members
        },
        rate_by_office={
            o: rate(responses_office.get(o, 0), invited_office.get(o, 0), staff_office.get(o, 0)) for o in offices
        },
        by_product={p: Stat(LIKERT, acc) for p, acc in product_acc.items()},
        by_product_member={k: Stat(LIKERT, acc) for k, acc in product_member_acc.items()},
        trace=(
            Step(
                "rate",
                {"responses": count, "invited": rate_total.invited, "rate": _d(rate_total.share or 0.0)},
            ),
        ),
    )


def _question_trace(stat: Stat, weighted: Weighted, population: int | None) -> tuple[Step, ...]:
    steps: list[Step] = []
    if stat.n == 0:
        return ()
    if stat.mean is not None:
        total = sum(value * count for value, count in enumerate(stat.distribution))
        steps.append(
            Step(
                "mean",
                {
                    "sum": total,
                    "n": stat.n,
                    "mean": _d(stat.mean.point),
                    "low": _d(stat.mean.low),
                    "high": _d(stat.mean.high),
                },
            )
        )
    if stat.top2 is not None:
        steps.append(
            Step(
                "top2",
                {
                    "top": stat.top2_count,
                    "n": stat.n,
                    "share": _d(stat.top2.point),
                    "low": _d(stat.top2.low),
                    "high": _d(stat.top2.high),
                    "population": population or 0,
                },
            )
        )
    if stat.nps is not None:
        steps.append(
            Step(
                "nps",
                {
                    "promoters": stat.promoters,
                    "detractors": stat.detractors,
                    "n": stat.n,
                    "nps": _d(stat.nps.point),
                    "low": _d(stat.nps.low),
                    "high": _d(stat.nps.high),
                },
            )
        )
    if weighted.headline is not None:
        steps.append(Step("weighted", {"members": weighted.members, "value": _d(weighted.headline.point)}))
    return tuple(steps)


@dataclass(frozen=True)
class Comparison:
    """A question of two waves: comparable only with the same series key and unchanged wording."""

    series_key: str
    comparable: bool  # False: the wording or scale changed — no comparison across it
    headline: Test | None = None  # top-2-box (two-proportion z-test) or NPS (difference of adjusted-Wald SEs)
    mean: Test | None = None  # Welch's test with the normal distribution

    @property
    def significant(self) -> bool:
        return self.headline is not None and self.headline.p_value < 0.05


def compare(previous: Stat, current: Stat, *, same_wording: bool, series_key: str = "") -> Comparison:
    """The difference current − previous with its test, or a mark that the question changed."""
    if not same_wording or previous.kind != current.kind:
        return Comparison(series_key, comparable=False)
    mean = None
    if previous.mean is not None and current.mean is not None:
        mean = stats.welch_test(
            previous.mean.point, previous.variance, previous.n, current.mean.point, current.variance, current.n
        )
    if current.kind == LIKERT:
        headline = stats.two_proportion_test(previous.top2_count, previous.n, current.top2_count, current.n)
    elif previous.n and current.n:
        headline = stats.difference_test(
            (current.promoters - current.detractors) / current.n
            - (previous.promoters - previous.detractors) / previous.n,
            stats.nps_se(previous.promoters, previous.passives, previous.detractors),
            stats.nps_se(current.promoters, current.passives, current.detractors),
        )
    else:
        headline = None
    return Comparison(series_key, comparable=True, headline=headline, mean=mean)


# ---------------------------------------------------------------- JSON form (stored with the wave)


def _interval_json(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval.point, 6), round(interval.low, 6), round(interval.high, 6)]


def _interval(data: Sequence[float] | None) -> Interval | None:
    return None if data is None else Interval(float(data[0]), float(data[1]), float(data[2]))


def stat_json(stat: Stat) -> dict[str, object]:
    """A stat with its figures (for the overall lines, which people and the API read)."""
    return {
        "n": stat.n,
        "dist": list(stat.distribution),
        "mean": _interval_json(stat.mean),
        "head": _interval_json(stat.headline),
        "var": round(stat.variance, 6),
        "pop": stat.population,
    }


def stat_compact(stat: Stat) -> list[int]:
    """A stat as [population or 0, count per value…]: everything else follows from it (a national wave has
    hundreds of thousands of member and office cells)."""
    return [stat.population or 0, *stat.distribution]


def stat_from_json(kind: str, data: Mapping[str, object] | Sequence[int]) -> Stat:
    """The inverse of `stat_json` and `stat_compact`."""
    if isinstance(data, Mapping):
        return Stat(kind, data["dist"], data.get("pop"))  # type: ignore[arg-type]
    return Stat(kind, data[1:], data[0] or None)


def result_json(result: WaveResult) -> dict[str, object]:
    """The analysis as JSON data (stored with the wave; the pages, the API and the KPIs read it)."""
    from verbund.core.steps import steps_json

    return {
        "rate": [result.rate.responses, result.rate.invited],
        "rate_by_member": {str(m): [r.responses, r.invited] for m, r in result.rate_by_member.items()},
        "rate_by_office": [[m, o, r.responses, r.invited] for (m, o), r in result.rate_by_office.items()],
        "questions": {
            q.key: {
                "series_key": q.series_key,
                "kind": q.kind,
                "wording": q.wording,
                "product_id": q.product_id,
                "overall": stat_json(q.overall),
                "weighted": {
                    "members": q.weighted.members,
                    "mean": _interval_json(q.weighted.mean),
                    "head": _interval_json(q.weighted.headline),
                },
                "members": {str(m): [s.population or 0, *s.distribution] for m, s in q.by_member.items()},
                "offices": [[m, o, [s.population or 0, *s.distribution]] for (m, o), s in q.by_office.items()],
                "trace": steps_json(q.trace),
            }
            for q in result.questions
        },
        "products": {str(p): stat_json(s) for p, s in result.by_product.items()},
        "product_members": [[p, m, stat_compact(s)] for (p, m), s in result.by_product_member.items()],
        "trace": steps_json(result.trace),
    }
