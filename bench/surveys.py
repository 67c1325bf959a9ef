"""Benchmark of the survey analysis (issue #16), without a database: `python -m bench.surveys`.

A wave of 50,000 responses from 10,981 members (1–4 offices each, staff from a seeded log-normal size, so that
a few cities have many offices' staff and most towns few), a questionnaire of 12 numeric items (10 Likert 1–5,
4 of them tied to products, 2 NPS 0–10). Timed (wall time): `engine.analyse` (every figure per question overall,
member-weighted, per member, per office and per product, with Wilson/FPC and adjusted-Wald intervals) and
`result_json` (the JSON stored with the wave). Goal: under 10 s together (wall time; the CPU time is
given too, because on a shared machine the wall time mostly measures the other processes). JSON on stdout;
`bench/run.py` stores it in bench/results/latest.json under `surveys`. Taken on a shared, busy 2-core machine:
upper bounds.
"""

import json
import random
import sys
import time

from bench.common import figure, machine_note
from verbund.surveys.engine import PopulationCell, QuestionSpec, ResponseRow, WaveInput, analyse
from verbund.surveys.engine.analysis import result_json

MEMBERS = 10_981
RESPONSES = 50_000
SEED = 16
GOAL_S = 10.0


def build() -> WaveInput:
    rng = random.Random(SEED)
    questions = [
        QuestionSpec(str(i), f"q{i}", "likert", f"w{i}", product_id=100 + i if i < 4 else None) for i in range(10)
    ] + [QuestionSpec(str(i), f"q{i}", "nps", f"w{i}") for i in (10, 11)]
    population = []
    weights = []
    for member in range(1, MEMBERS + 1):
        size = rng.lognormvariate(3.5, 1.0)
        for office in range(rng.randint(1, 4)):
            staff = max(1, int(size * rng.uniform(0.5, 1.5)))
            population.append(PopulationCell(member, f"Amt {office}", staff, invited=staff))
            weights.append(staff)
    cells = rng.choices(population, weights=weights, k=RESPONSES)
    responses = []
    for cell in cells:
        base = 3.0 + (cell.member_id % 7) / 6
        values = {
            q.key: (
                max(1, min(5, round(rng.gauss(base, 1.0))))
                if q.kind == "likert"
                else max(0, min(10, round(rng.gauss(base * 2, 2.2))))
            )
            for q in questions
            if rng.random() < 0.95
        }
        responses.append(ResponseRow(cell.member_id, cell.office, values))
    return WaveInput(questions=questions, population=population, responses=responses)


def main() -> int:
    print("Surveys: 50,000 responses × 12 items, 10,981 members, analysed per member and office", file=sys.stderr)
    data = build()
    start, cpu = time.perf_counter(), time.process_time()
    result = analyse(data)
    analysed, analysed_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    stored = json.dumps(result_json(result))
    serialised, serialised_cpu = time.perf_counter() - start, time.process_time() - cpu
    total = analysed + serialised
    members = len(result.rate_by_member)
    print(
        json.dumps(
            {
                "responses": figure(RESPONSES, "count"),
                "members": figure(MEMBERS, "count"),
                "members_with_responses": figure(members, "count"),
                "offices": figure(len(data.population), "count"),
                "items": figure(len(data.questions), "count"),
                "analyse_s": figure(analysed, "s"),
                "result_json_s": figure(serialised, "s"),
                "total_s": figure(total, "s"),
                "cpu_s": figure(analysed_cpu + serialised_cpu, "s"),
                "stored_json_bytes": figure(len(stored), "bytes"),
                "goal_s": figure(GOAL_S, "s"),
                "within_goal": total < GOAL_S,
                "note": machine_note() + "; no database (the engine and its JSON)",
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
