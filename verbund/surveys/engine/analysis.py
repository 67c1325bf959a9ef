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


class _Acc:
    __slots__ = ("dist", "n", "sq", "total")

    def __init__(self, size: int) -> None:
        self.n = 0
        self.total = 0
        self.sq = 0
        self.dist = [0] * size

    def add(self, value: int) -> None:
        self.n += 1
        self.total += value
        self.sq += value * value
        self.dist[value] += 1


@dataclass(frozen=True)
class Stat:
    """The figures of one question (or pool of questions) in one group of answers."""

    kind: str
    n: int
    distribution: tuple[int, ...]  # count per answer value (index = value)
    mean: Interval | None
    top2: Interval | None = None  # Likert
    nps: Interval | None = None  # NPS
    variance: float = 0.0
    population: int | None = None

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


def _stat(kind: str, acc: _Acc, population: int | None) -> Stat:
    n = acc.n
    variance = (acc.sq - acc.total * acc.total / n) / (n - 1) if n > 1 else 0.0
    mean = stats.mean_interval(acc.total, acc.sq, n, population=population)
    if kind == LIKERT:
        top = acc.dist[4] + acc.dist[5]
        return Stat(kind, n, tuple(acc.dist), mean, top2=stats.wilson(top, n, population=population),
                    variance=max(0.0, variance), population=population)
    promoters, detractors = acc.dist[9] + acc.dist[10], sum(acc.dist[0:7])
    return Stat(
        kind,
        n,
        tuple(acc.dist),
        mean,
        nps=stats.nps(promoters, n - promoters - detractors, detractors, population=population),
        variance=max(0.0, variance),
        population=population,
    )


@dataclass(frozen=True)
class Weighted:
    """The member-weighted figure: every member with answers counts equally."""

    members: int
    mean: Interval | None
    headline: Interval | None  # top-2-box or NPS


def _weighted(kind: str, by_member: Mapping[int, Stat]) -> Weighted:
    groups = [s for s in by_member.values() if s.n > 0]
    m = len(groups)
    if not m:
        return Weighted(0, None, None)
    z = stats.Z95

    def combine(points: list[float], ses: list[float]) -> Interval:
        point = sum(points) / m
        se = sqrt(sum(se * se for se in ses)) / m
        return Interval(point, point - z * se, point + z * se)

    mean_points = [s.mean.point for s in groups if s.mean]
    mean_ses = [sqrt(s.variance / s.n * stats.fpc_factor(s.n, s.population)) for s in groups]
    if kind == LIKERT:
        shares = [s.top2_count / s.n for s in groups]
        ses = [sqrt(p * (1 - p) / s.n * stats.fpc_factor(s.n, s.population)) for p, s in zip(shares, groups)]
        head = combine(shares, ses)
        head = Interval(head.point, max(0.0, head.low), min(1.0, head.high))
    else:
        points = [(s.promoters - s.detractors) / s.n for s in groups]
        ses = [stats.nps_se(s.promoters, s.passives, s.detractors) * sqrt(stats.fpc_factor(s.n, s.population))
               for s in groups]
        head = combine(points, ses)
        head = Interval(head.point, max(-1.0, head.low), min(1.0, head.high))
    return Weighted(m, combine(mean_points, mean_ses), head)


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


def _valid(kind: str, value: int) -> bool:
    return 1 <= value <= 5 if kind == LIKERT else 0 <= value <= 10


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
    overall = {key: _Acc(_size(q.kind)) for key, q in specs.items()}
    member_acc: dict[tuple[str, int], _Acc] = {}
    office_acc: dict[tuple[str, int, str], _Acc] = {}
    product_acc: dict[int, _Acc] = {}
    product_member_acc: dict[tuple[int, int], _Acc] = {}
    responses_member: dict[int, int] = {}
    responses_office: dict[tuple[int, str], int] = {}
    count = 0
    for row in data.responses:
        count += 1
        member, office = row.member_id, row.office
        responses_member[member] = responses_member.get(member, 0) + 1
        responses_office[(member, office)] = responses_office.get((member, office), 0) + 1
        for key, value in row.values.items():
            spec = specs.get(key)
            if spec is None or not _valid(spec.kind, value):
                continue
            overall[key].add(value)
            acc = member_acc.get((key, member))
            if acc is None:
                acc = member_acc[(key, member)] = _Acc(_size(spec.kind))
            acc.add(value)
            acc = office_acc.get((key, member, office))
            if acc is None:
                acc = office_acc[(key, member, office)] = _Acc(_size(spec.kind))
            acc.add(value)
            if spec.product_id is not None and spec.kind == LIKERT:
                acc = product_acc.get(spec.product_id)
                if acc is None:
                    acc = product_acc[spec.product_id] = _Acc(6)
                acc.add(value)
                acc = product_member_acc.get((spec.product_id, member))
                if acc is None:
                    acc = product_member_acc[(spec.product_id, member)] = _Acc(6)
                acc.add(value)
    total_staff = sum(staff_member.values()) or None
    by_member_all: dict[str, dict[int, Stat]] = {key: {} for key in specs}
    for (key, member), acc in member_acc.items():
        by_member_all[key][member] = _stat(specs[key].kind, acc, staff_member.get(member) or None)
    by_office_all: dict[str, dict[tuple[int, str], Stat]] = {key: {} for key in specs}
    for (key, member, office), acc in office_acc.items():
        by_office_all[key][(member, office)] = _stat(specs[key].kind, acc, staff_office.get((member, office)) or None)
    results = []
    for key, spec in specs.items():
        acc = overall[key]
        stat = _stat(spec.kind, acc, total_staff) if acc.n else Stat(spec.kind, 0, tuple(acc.dist), None)
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
        by_product={p: _stat(LIKERT, acc, None) for p, acc in product_acc.items()},
        by_product_member={k: _stat(LIKERT, acc, None) for k, acc in product_member_acc.items()},
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
                {"sum": total, "n": stat.n, "mean": _d(stat.mean.point), "low": _d(stat.mean.low),
                 "high": _d(stat.mean.high)},
            )
        )
    if stat.top2 is not None:
        steps.append(
            Step(
                "top2",
                {"top": stat.top2_count, "n": stat.n, "share": _d(stat.top2.point), "low": _d(stat.top2.low),
                 "high": _d(stat.top2.high), "population": population or 0},
            )
        )
    if stat.nps is not None:
        steps.append(
            Step(
                "nps",
                {"promoters": stat.promoters, "detractors": stat.detractors, "n": stat.n, "nps": _d(stat.nps.point),
                 "low": _d(stat.nps.low), "high": _d(stat.nps.high)},
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
            (current.promoters - current.detractors) / current.n - (previous.promoters - previous.detractors) / previous.n,
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
    return {
        "n": stat.n,
        "dist": list(stat.distribution),
        "mean": _interval_json(stat.mean),
        "head": _interval_json(stat.headline),
        "var": round(stat.variance, 6),
        "pop": stat.population,
    }


def stat_from_json(kind: str, data: Mapping[str, object]) -> Stat:
    head = _interval(data.get("head"))  # type: ignore[arg-type]
    return Stat(
        kind=kind,
        n=int(data["n"]),  # type: ignore[call-overload]
        distribution=tuple(data["dist"]),  # type: ignore[arg-type]
        mean=_interval(data.get("mean")),  # type: ignore[arg-type]
        top2=head if kind == LIKERT else None,
        nps=head if kind == NPS else None,
        variance=float(data.get("var") or 0.0),  # type: ignore[arg-type]
        population=data.get("pop"),  # type: ignore[arg-type]
    )


def result_json(result: WaveResult) -> dict[str, object]:
    """The analysis as JSON data (stored with the wave; the pages, the API and the KPIs read it)."""
    from verbund.core.steps import steps_json

    return {
        "rate": [result.rate.responses, result.rate.invited],
        "rate_by_member": {str(m): [r.responses, r.invited] for m, r in result.rate_by_member.items()},
        "rate_by_office": [[m, o, r.responses, r.invited] for (m, o), r in sorted(result.rate_by_office.items())],
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
                "members": {str(m): stat_json(s) for m, s in q.by_member.items()},
                "offices": [[m, o, stat_json(s)] for (m, o), s in sorted(q.by_office.items())],
                "trace": steps_json(q.trace),
            }
            for q in result.questions
        },
        "products": {str(p): stat_json(s) for p, s in result.by_product.items()},
        "product_members": [[p, m, stat_json(s)] for (p, m), s in sorted(result.by_product_member.items())],
        "trace": steps_json(result.trace),
    }
