"""The job mechanism under the immediate backend of the tests: a job runs inline when it is enqueued."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from verbund.jobs import selectors, services
from verbund.jobs.choices import JobStatus
from verbund.jobs.kinds import KINDS, Outcome, job_kind
from verbund.jobs.models import Job
from verbund.jobs.tasks import SELFTEST
from verbund.registry.models import Organization

SEEN: list[tuple[int, int, str]] = []


@job_kind("tests.writes_then_fails", label="test")
def _writes_then_fails(job, progress):
    """Writes an organisation in an atomic service, then fails in a second step of the same transaction."""
    from django.db import transaction

    from verbund.registry.choices import OrganizationKind
    from verbund.registry.services import organization_create

    with transaction.atomic():
        organization_create(actor=None, name="Half-written GmbH", kind=OrganizationKind.PROVIDER)
        progress(1, 2, "Writing %(name)s", name="Half-written GmbH")
        if job.params.get("fail", True):
            raise ValidationError("The second step was refused.")
    progress(2, 2, "Done")
    return Outcome(summary="written")


@job_kind("tests.records_progress", label="test")
def _records_progress(job, progress):
    for step in range(3):
        progress(step, 3, "Step %(step)s", step=step + 1)
        row = Job.objects.get(pk=job.pk)
        SEEN.append((row.progress_done, row.progress_total, row.progress_text))
    return Outcome(summary="fine", url="/somewhere/")


@pytest.fixture
def controller(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password="x",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture(autouse=True)
def _test_kinds():
    yield
    SEEN.clear()


def test_a_job_runs_with_progress_and_records_its_outcome(admin_user):
    job = services.job_start(actor=admin_user, kind="tests.records_progress", subject=admin_user.organization)
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert job.result_text == "fine" and job.result_url == "/somewhere/" and job.percent == 100
    assert SEEN[-1][1] == 3 and SEEN[-1][2] == "Step 3"  # written to the row while it ran
    assert job.started_by == admin_user and job.subject_label == str(admin_user.organization)
    assert job.finished_at is not None and job.heartbeat_at is not None


def test_a_failed_job_leaves_the_database_as_it_was_and_can_be_retried(admin_user):
    count = Organization.objects.count()
    job = services.job_start(actor=admin_user, kind="tests.writes_then_fails", params={"fail": True})
    assert job.status == JobStatus.FAILED and job.error == "The second step was refused."
    assert Organization.objects.count() == count  # the first write was rolled back
    assert not Organization.objects.filter(name="Half-written GmbH").exists()
    Job.objects.filter(pk=job.pk).update(params={"fail": False})  # the cause is fixed
    job = services.job_retry(actor=admin_user, job=job)
    assert job.status == JobStatus.SUCCEEDED and job.error == "" and job.attempts == 2
    assert Organization.objects.filter(name="Half-written GmbH").count() == 1


def test_an_unexpected_error_gets_plain_words_not_a_traceback(admin_user, monkeypatch, english):
    def crash(job, progress):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(KINDS, "tests.crash", KINDS["tests.records_progress"].__class__("tests.crash", "x", crash))
    job = services.job_start(actor=admin_user, kind="tests.crash")
    assert job.status == JobStatus.FAILED
    assert "unexpected error" in job.error and "ZeroDivision" not in job.error and str(job.pk) in job.error


def test_only_failed_jobs_are_retried_and_only_by_the_starter_or_an_administrator(admin_user, controller, alice):
    job = services.job_start(actor=controller, kind="tests.writes_then_fails")
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=alice, job=job)
    assert services.job_may_retry(user=controller, job=job) and services.job_may_retry(user=admin_user, job=job)
    done = services.job_start(actor=controller, kind=SELFTEST, params={"steps": 1})
    with pytest.raises(ValidationError):
        services.job_retry(actor=controller, job=done)


def test_a_superseded_task_does_nothing(admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    job = services.job_start(actor=admin_user, kind=SELFTEST, params={"steps": 1})
    assert job.status == JobStatus.QUEUED  # the dummy backend runs nothing
    services.job_execute(job_id=job.pk, token=str(uuid.uuid4()))  # an old task of this job
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0
    services.job_execute(job_id=job.pk, token=str(job.token))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    services.job_execute(job_id=job.pk, token=str(job.token))  # delivered twice: runs once
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_job_whose_worker_stopped_beating_is_requeued_then_given_up(admin_user, settings, english):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.JOBS_LEASE_SECONDS = 60
    settings.JOBS_MAX_ATTEMPTS = 2
    job = services.job_start(actor=admin_user, kind=SELFTEST, params={"steps": 1})
    old_token = job.token
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert services.job_requeue_stale() == []  # still beating
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.job_requeue_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.token != old_token
    services.job_execute(job_id=job.pk, token=str(old_token))  # the dead worker's task, should it come back
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=2, heartbeat_at=timezone.now())
    assert services.job_requeue_stale(now=later) == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "interrupted 2 times" in job.error


def test_staff_see_every_job_others_only_their_own(admin_user, controller, alice, bob):
    mine = services.job_start(actor=alice, kind=SELFTEST, params={"steps": 1})
    theirs = services.job_start(actor=controller, kind=SELFTEST, params={"steps": 1})
    assert set(selectors.job_list(user=alice)) == {mine}
    assert set(selectors.job_list(user=bob)) == set()
    assert {mine, theirs} <= set(selectors.job_list(user=admin_user))
    assert {mine, theirs} <= set(selectors.job_list(user=controller))


def test_job_pages_poll_while_running_and_offer_a_retry_when_failed(admin_user, controller, alice, settings):
    client = Client()
    client.force_login(controller)
    failed = services.job_start(actor=controller, kind="tests.writes_then_fails")
    page = client.get(f"/vorgaenge/{failed.pk}/").content.decode()
    assert 'id="job-retry"' in page and "The second step was refused." in page and "every 1s" not in page
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    waiting = services.job_start(actor=controller, kind=SELFTEST, params={"steps": 1})
    fragment = client.get(f"/vorgaenge/{waiting.pk}/fortschritt/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    response = client.post(f"/vorgaenge/{failed.pk}/wiederholen/")
    assert response.status_code == 302 and response["Location"] == f"/vorgaenge/{failed.pk}/"
    failed.refresh_from_db()
    assert failed.status == JobStatus.QUEUED  # the dummy backend keeps it waiting
    other = Client()
    other.force_login(alice)
    assert other.get(f"/vorgaenge/{failed.pk}/").status_code == 404
    assert other.get(f"/vorgaenge/{failed.pk}/fortschritt/").status_code == 404
    assert other.post(f"/vorgaenge/{failed.pk}/wiederholen/").status_code == 404
    assert client.get("/vorgaenge/").status_code == 200


def test_the_queue_state_counts_waiting_running_and_stale_jobs(admin_user, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    settings.JOBS_LEASE_SECONDS = 60
    waiting = services.job_start(actor=admin_user, kind=SELFTEST)
    running = services.job_start(actor=admin_user, kind=SELFTEST)
    old = timezone.now() - dt.timedelta(minutes=5)
    Job.objects.filter(pk=waiting.pk).update(created_at=old)
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING, heartbeat_at=old)
    state = selectors.queue_state()
    assert state["queued"] == 1 and state["running"] == 1 and state["stale"] == 1
    assert state["oldest_queued_seconds"] >= 300


def test_the_cli_progress_bar_is_the_same_progress_callable(capsys, english):
    from verbund.jobs.progress import cli_progress

    with cli_progress("Import", enabled=True) as progress:
        progress(1, 4, "%(kind)s written: %(n)s", kind="state", n=16)
    err = capsys.readouterr().err
    assert "state written: 16" in err and "1/4" in err


def test_the_directory_import_job_reports_each_level(admin_user):
    from verbund.registry.tasks import DIRECTORY_IMPORT
    from verbund.registry.tests.test_import import SAMPLE

    job = services.job_start(actor=admin_user, kind=DIRECTORY_IMPORT, input_name="gv.txt", input_data=SAMPLE.encode())
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_done == job.progress_total == 4 and "394516" in job.result_text


def test_staff_who_did_not_start_a_job_may_see_but_not_retry_it(registry, controller):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    auditor = user_create(
        actor=None,
        username="udo",
        password="x",
        role=Role.AUDITOR,
        organization=registry["citeq"],
        validate_password=False,
    )
    failed = services.job_start(actor=controller, kind="tests.writes_then_fails")
    client = Client()
    client.force_login(auditor)
    page = client.get(f"/vorgaenge/{failed.pk}/").content.decode()
    assert 'id="job-error"' in page and 'id="job-retry"' not in page
    assert client.post(f"/vorgaenge/{failed.pk}/wiederholen/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED and failed.attempts == 1
