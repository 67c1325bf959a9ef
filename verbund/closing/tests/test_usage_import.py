"""The fast paths of the usage import (issue #18: 2 million lines): the clean-line parse path, the diff that labels
only differing keys, and the partial rewrite (COPY on PostgreSQL, bulk_create elsewhere). Run these on both
backends: `scripts/with-postgres.sh .venv/bin/python -m pytest -q verbund/closing`."""

import io
from decimal import Decimal as D

import pytest

from verbund.closing import imports, services
from verbund.closing.models import ActualImport, ActualUsage
from verbund.closing.services import actuals
from verbund.closing.tests.conftest import read_csv
from verbund.core.models import AuditEvent
from verbund.core.spreadsheet import SpreadsheetError

pytestmark = pytest.mark.django_db

HEADER = "ags;product;period;quantity\n"
MONTHS = [f"2026-{month:02d}" for month in range(1, 13)]


def usage_file(quantities: dict[tuple[str, str], str]) -> str:
    return HEADER + "".join(f"{ags};AP-100;{period};{quantity}\n" for (ags, period), quantity in quantities.items())


def monthly(offset: int = 0) -> dict[tuple[str, str], str]:
    return {(ags, period): str(10 + i + offset) for ags in ("05570044", "05570004") for i, period in enumerate(MONTHS)}


def test_clean_and_unusual_notations_give_the_same_figures(closing, registry):
    text = HEADER + (
        "05570044;AP-100;2026-01;12\n"  # the fast path
        " 05570044 ; AP-100 ; 2026-02 ; 12.5 \n"  # spaces around the cells: the fast path too
        "05570044;AP-100;2026-03;1.234,5\n"  # German notation: the full checks
        "05570044;AP-100;2026-04;7 €\n"  # a unit: the full checks
        "05570004;AP-100;2026-Q1;000000000000003\n"  # leading zeros past 12 digits: the full checks
    )
    figures = imports.parse_usage(closing, read_csv(text, imports.USAGE))
    product = next(iter(figures))[1]
    telgte, ahlen = registry["telgte"].pk, registry["ahlen"].pk
    assert figures == {
        (telgte, product, "2026-01"): D(12),
        (telgte, product, "2026-02"): D("12.5"),
        (telgte, product, "2026-03"): D("1234.5"),
        (telgte, product, "2026-04"): D(7),
        (ahlen, product, "2026-Q1"): D(3),
    }


def test_every_problem_is_reported_with_line_and_column_whichever_path_a_line_takes(closing):
    text = HEADER + (
        "05570044;AP-100;2026-01;12\n"  # line 2, clean
        "05570044;AP-100;2026-01;13\n"  # line 3, a duplicate of a clean line
        "05570044;AP-100;2026-02;12,5\n"  # line 4, clean in German notation
        "05570044;AP-100;2026-02;12\n"  # line 5, a duplicate of it
        "99999999;AP-100;2026-03;1\n"  # line 6, unknown AGS
        "05570044;AP-100;2026-04;1.00001\n"  # line 7, too many places
        "05570044;AP-100;2025-05;1\n"  # line 8, another year
        "05570044;OZ-200;2026-06;1\n"  # line 9, shared by a key
        "05570044;AP-100;2026-07;\n"  # line 10, empty quantity
    )
    with pytest.raises(SpreadsheetError) as info:
        imports.parse_usage(closing, read_csv(text, imports.USAGE))
    assert [(e.line, e.column) for e in info.value.errors] == [
        (3, "period"),
        (5, "period"),
        (6, "ags"),
        (7, "quantity"),
        (8, "period"),
        (9, "product"),
        (10, "quantity"),
    ]
    assert info.value.errors[0].message.endswith(" 2).") and info.value.errors[1].message.endswith(" 4).")  # first line
    assert not ActualUsage.objects.exists()


def reference_diff(before, after, label):
    """The diff as it was computed before issue #18's speed-up: every key sorted by its label."""
    lines, counts = [], [0, 0, 0]
    for key in sorted(set(before) | set(after), key=label):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old == new:
            continue
        counts[0 if old is None else 2 if new is None else 1] += 1
        if len(lines) < actuals.MAX_DIFF_LINES:
            lines.append(
                {"key": label(key), "before": "" if old is None else str(old), "after": "" if new is None else str(new)}
            )
    return (*counts, lines)


@pytest.mark.parametrize("limit", [3, 500])
def test_the_diff_keeps_the_first_lines_in_label_order(monkeypatch, limit):
    monkeypatch.setattr(actuals, "MAX_DIFF_LINES", limit)
    before = {(m, 7, f"2026-{p:02d}"): D(m + p) for m in (30, 4, 200) for p in range(1, 13)}
    after = dict(before)
    del after[(4, 7, "2026-03")]  # removed
    after[(200, 7, "2026-01")] = D(1)  # changed
    after[(30, 7, "2026-11")] = D("0.5")  # changed
    after[(5, 7, "2026")] = D(2)  # added
    expected = reference_diff(before, after, actuals._usage_label)
    assert actuals.figures_diff(before, after, actuals._usage_label) == expected
    assert expected[:3] == (1, 2, 1) and len(expected[3]) == min(limit, 4)


def stored(closing):
    return {
        (u.member_id, u.product_plan_id, u.period): (u.pk, u.quantity)
        for u in ActualUsage.objects.filter(closing=closing)
    }


def test_a_corrected_file_rewrites_only_the_differing_rows(closing, admin_user):
    first = imports.parse_usage(closing, read_csv(usage_file(monthly()), imports.USAGE))
    services.actual_usage_replace(actor=admin_user, closing=closing, figures=first, file_name="a.csv")
    rows = stored(closing)
    assert {key: quantity for key, (_pk, quantity) in rows.items()} == first
    events = AuditEvent.objects.count()
    assert services.actual_usage_replace(actor=admin_user, closing=closing, figures=first) is None
    assert stored(closing) == rows and AuditEvent.objects.count() == events  # nothing written

    quantities = monthly()
    quantities[("05570044", "2026-03")] = "99"  # changed
    del quantities[("05570004", "2026-12")]  # removed
    quantities[("05570004", "2026-Q4")] = "5"  # added
    corrected = imports.parse_usage(closing, read_csv(usage_file(quantities), imports.USAGE))
    record = services.actual_usage_replace(actor=admin_user, closing=closing, figures=corrected, file_name="b.csv")
    assert record is not None and (record.added, record.changed, record.removed) == (1, 1, 1)
    before = {key: quantity for key, (_pk, quantity) in rows.items()}  # as stored: 12.0000
    assert record.diff == reference_diff(before, corrected, actuals._usage_label)[3]
    after = stored(closing)
    assert {key: quantity for key, (_pk, quantity) in after.items()} == corrected
    unchanged = [key for key in corrected if first.get(key) == corrected[key]]
    assert len(unchanged) == len(first) - 2
    assert all(after[key][0] == rows[key][0] for key in unchanged)  # the same rows, not rewritten
    assert AuditEvent.objects.count() == events + 1 and ActualImport.objects.count() == 2


def test_a_file_that_changes_most_lines_replaces_all_of_them(closing, admin_user):
    first = imports.parse_usage(closing, read_csv(usage_file(monthly()), imports.USAGE))
    services.actual_usage_replace(actor=admin_user, closing=closing, figures=first)
    changed = imports.parse_usage(closing, read_csv(usage_file(monthly(offset=1)), imports.USAGE))
    record = services.actual_usage_replace(actor=admin_user, closing=closing, figures=changed)
    assert record is not None and (record.added, record.changed, record.removed) == (0, len(first), 0)
    assert {key: quantity for key, (_pk, quantity) in stored(closing).items()} == changed


def test_the_insert_keeps_every_value_exactly(closing, registry):
    """The COPY text format on PostgreSQL (bulk_create elsewhere): escaped text, decimals as written."""
    product = closing.plan.products.first()
    figures = {
        (registry["telgte"].pk, product.pk, "a\\b\tc"): D("1234.5678"),
        (registry["ahlen"].pk, product.pk, "2026"): D("0"),
    }
    actuals._usage_insert(closing, figures)
    assert {key: quantity for key, (_pk, quantity) in stored(closing).items()} == figures


@pytest.mark.parametrize(
    "data",
    [
        b"ags;product;period;quantity\n05570044;AP-100;2026;1\n\n  \n ; ; ;\n05570004;AP-100;2026-Q1;2",  # blank lines
        "\ufeffAGS, Product ,period,quantity\r\n1,2,3,4\n".encode(),  # BOM, CRLF, header case and spaces
        b"quantity,period,product,ags\n4,3,2,1\n",  # another column order
        b"ags;product;period\n1;2;3\n",  # a missing column
        b"ags;product;period;quantity\n1;2;3\n",  # too few cells
        b"ags;product;period;quantity\n1;2;3;4;5\n",  # a cell without a column
        b"ags;product;period;quantity;x\n1;2;3;4;5\n",  # an unknown column
        b"",  # empty
        b"\n\n",  # only blank lines
        "ags\tproduct\tperiod\tquantity\n\xe4\t2\t3\t4\n".encode("cp1252"),  # Windows-1252, tabs
        b'ags;product;period;quantity\n\'=1;2;3;4\n"5;6";7;8;9\n',  # a protected cell, quotes
    ],
)
def test_the_plain_usage_reader_reads_like_core_spreadsheet(data):
    def read(reader):
        try:
            return reader()
        except SpreadsheetError as error:
            return [(e.line, e.column, e.message) for e in error.errors]

    expected = read(lambda: imports.USAGE.read_csv(io.BytesIO(data)))
    assert read(lambda: imports.read_usage_csv(data)) == expected


def test_the_import_job_streams_a_usage_csv(closing, admin_user, monkeypatch):
    from verbund.closing.tasks import closing_import

    calls = []
    parse = imports.parse_usage_csv
    monkeypatch.setattr(imports, "parse_usage_csv", lambda closing, data: calls.append(data) or parse(closing, data))
    data = usage_file(monthly()).encode()
    closing_import(
        actor=admin_user, closing=closing, kind="usage", name="u.csv", data=data, progress=lambda *a, **k: None
    )
    assert calls == [data] and ActualUsage.objects.filter(closing=closing).count() == len(monthly())


STREAMED = [
    HEADER + "05570044;AP-100;2026-01;12\n 05570044 ; AP-100 ; 2026-02 ; 12.5 \n05570044;AP-100;2026-03;1.234,5\n"
    "05570044;AP-100;2026-04;7 €\n05570004;AP-100;2026-Q1;000000000000003\n;;;\n\n   \n05570004;AP-100;2026;4",
    # every problem, on either path, and duplicates of a clean line and of a line in German notation
    HEADER + "05570044;AP-100;2026-01;12\n05570044;AP-100;2026-01;13\n05570044;AP-100;2026-02;12,5\n"
    "05570044;AP-100;2026-02;12\n99999999;AP-100;2026-03;1\n05570044;AP-100;2026-04;1.00001\n"
    "05570044;AP-100;2025-05;1\n05570044;OZ-200;2026-06;1\n05570044;AP-100;2026-07;\n"
    "05570044;AP-100;2026-01;14\n",
    "quantity,period,product,ags\n12,2026-01,AP-100,05570044\n3,2026-01,AP-100,05570004\n",  # another order
    HEADER + "05570044;AP-100;2026-01;12\n05570044;AP-100;2026-02\n",  # too few cells: core.spreadsheet
    HEADER + '05570044;AP-100;2026-01;"12"\n',  # quotes: core.spreadsheet
    "",
]


@pytest.mark.parametrize("text", STREAMED)
@pytest.mark.parametrize("chunk", [1, 30, 1 << 20])
def test_the_streamed_usage_import_gives_what_the_rows_give(closing, monkeypatch, text, chunk):
    """`parse_usage_csv` (split a chunk at a time, tuples of cells, duplicates named by a second pass) gives the
    same figures, or the same errors, as `parse_usage` on the rows of the file."""
    monkeypatch.setattr(imports, "SPLIT_CHUNK", chunk)

    def outcome(parse):
        try:
            return parse()
        except SpreadsheetError as error:
            return [(e.line, e.column, e.message) for e in error.errors]

    data = text.encode()
    expected = outcome(lambda: imports.parse_usage(closing, imports.USAGE.read_csv(io.BytesIO(data))))
    assert outcome(lambda: imports.parse_usage_csv(closing, data)) == expected
    assert outcome(lambda: imports.parse_usage(closing, imports.read_usage_csv(data))) == expected


def test_equal_periods_and_quantities_are_shared(closing):
    figures = imports.parse_usage_csv(closing, usage_file({("05570044", p): "7" for p in MONTHS[:2]}).encode())
    first, second = figures.values()
    assert first == D(7) and first is second


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_the_diff_labels_only_the_first_members(monkeypatch, limit):
    """Narrowed to the first members in label order, the diff keeps the same lines: ids that are prefixes of
    each other (1, 10, 100, 11, 2) sort by "id/", whatever period follows."""
    monkeypatch.setattr(actuals, "MAX_DIFF_LINES", limit)
    members = (100, 1, 10, 11, 2, 20, 9, 1000, 101)
    after = {(m, p, period): D(m) for m in members for p in (3, 12) for period in ("2026", "2026-01")}
    before = {key: D(0) for key in list(after)[::2]}
    expected = reference_diff(before, after, actuals._usage_label)
    narrowed = actuals.figures_diff(before, after, actuals._usage_label, actuals._usage_first_members)
    assert narrowed == expected and len(narrowed[3]) == limit


def test_the_stored_usage_shares_equal_values(closing, admin_user):
    first = imports.parse_usage(closing, read_csv(usage_file(monthly()), imports.USAGE))
    services.actual_usage_replace(actor=admin_user, closing=closing, figures=first)
    from verbund.closing.selectors import actual_usage_rows

    rows = actual_usage_rows(closing=closing)
    assert rows == first
    periods = {}
    for _member, _product, period in rows:
        assert periods.setdefault(period, period) is period


def test_the_member_ags_of_a_plan_are_its_members(closing):
    from verbund.costing.selectors import plan_member_ags, plan_members

    members = plan_members(plan=closing.plan)
    assert plan_member_ags(plan=closing.plan) == {m.ags: m.pk for m in members if m.ags} and members
