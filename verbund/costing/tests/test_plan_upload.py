"""The plan import by web upload on the `plan` fixture: the file is checked at once (line and column of every
error on the page, nothing written, no job), then stored with a background job that replaces the figures."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from verbund.costing import spreadsheet
from verbund.costing.models import PlannedCost
from verbund.costing.services import plan_figures_of
from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job

OLD_AMOUNT = "100000,00"  # RZ / PERS in the fixture
NEW_AMOUNT = "123456,78"


def _file(plan, amount=NEW_AMOUNT) -> bytes:
    stream = io.BytesIO()
    spreadsheet.write_csv(spreadsheet.export_rows(plan), stream)
    text = stream.getvalue().decode("utf-8-sig")
    assert f"cost;;;;;RZ;PERS;{OLD_AMOUNT};" in text
    return text.replace(f"cost;;;;;RZ;PERS;{OLD_AMOUNT};", f"cost;;;;;RZ;PERS;{amount};").encode("utf-8-sig")


def _line_of(data: bytes, amount: str) -> int:
    """The spreadsheet line (header = 1) of the RZ / PERS cost in `data`."""
    lines = data.decode("utf-8-sig").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.startswith(f"cost;;;;;RZ;PERS;{amount};"))


def _upload(client, plan, data, *, dry_run=False):
    url = reverse("costing:plan_import", args=[plan.pk])
    form = {"file": SimpleUploadedFile("plan.csv", data)}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(url, form)


def _rz_personnel(plan) -> Decimal:
    return PlannedCost.objects.get(plan=plan, centre__code="RZ", cost_type__code="PERS").amount


def test_upload_stores_the_file_with_a_job_that_replaces_the_figures(client, admin_user, plan):
    client.force_login(admin_user)
    data = _file(plan)
    response = _upload(client, plan, data)
    job = Job.objects.get()
    assert job.kind == "costing.import_plan" and job.subject_id == plan.pk and bytes(job.input_data) == data
    assert job.status == JobStatus.SUCCEEDED, job.error  # the test settings run jobs at once
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert _rz_personnel(plan) == Decimal("123456.78")


def test_a_dry_run_checks_and_writes_nothing(client, admin_user, plan):
    client.force_login(admin_user)
    response = _upload(client, plan, _file(plan), dry_run=True)
    assert response.status_code == 200 and response.context["result"].changed is True
    assert "Kostenstellen: 3" in response.content.decode()
    assert _rz_personnel(plan) == Decimal("100000.00") and not Job.objects.exists()


def test_a_bad_line_is_shown_with_its_line_and_column_and_nothing_is_written(client, admin_user, plan):
    client.force_login(admin_user)
    before = plan_figures_of(plan)
    data = _file(plan, amount="zwölf")
    response = _upload(client, plan, data)
    assert response.status_code == 200
    errors = response.context["import_errors"]
    assert [(e.line, e.column) for e in errors] == [(_line_of(data, "zwölf"), "amount")]
    assert 'data-testid="import-errors"' in response.content.decode()
    assert plan_figures_of(plan) == before and not Job.objects.exists()


def test_the_job_refuses_a_stored_bad_file_with_line_errors_and_changes_nothing(admin_user, plan):
    from verbund.costing.tasks import PLAN_IMPORT
    from verbund.jobs.services import job_start

    before = plan_figures_of(plan)
    data = _file(plan, amount="-5,00")
    job = job_start(actor=admin_user, kind=PLAN_IMPORT, subject=plan, input_name="plan.csv", input_data=data)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith(f"Zeile {_line_of(data, '-5,00')}, Spalte amount:")
    assert plan_figures_of(plan) == before


def test_member_contacts_may_not_import(client, alice, plan):
    client.force_login(alice)
    assert _upload(client, plan, _file(plan)).status_code in (403, 404)
    assert _rz_personnel(plan) == Decimal("100000.00") and not Job.objects.exists()


def test_an_approved_plan_is_refused_at_line_1(client, admin_user, plan):
    from verbund.costing.choices import PlanStatus
    from verbund.costing.models import PlanVersion

    PlanVersion.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
    client.force_login(admin_user)
    response = _upload(client, plan, _file(plan))
    assert [e.line for e in response.context["import_errors"]] == [1]
    assert not Job.objects.exists()
