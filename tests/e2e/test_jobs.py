"""Background jobs in a real browser, with a real `jobs-worker` process on the database backend.

A controller follows a long job's progress bar (htmx polls every second), leaves the page and comes back;
calculates a plan through the job page; then calculates a broken plan: the job fails, the stored results are
as they were, and after the plan is fixed, "Erneut versuchen" (retry) calculates it.
"""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.costing.tests.conftest import plan  # noqa: F401
from verbund.jobs.tests.test_worker import DB_BACKEND, _worker

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


@pytest.fixture
def controller(registry, password):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password=password,
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture
def start_worker(settings):
    settings.TASKS = DB_BACKEND  # the live server (same process) enqueues into the database
    processes = []

    def start():
        processes.append(_worker())

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=60)


def test_progress_leave_and_return_failure_and_retry(
    live_server,
    page,
    login,
    password,
    controller,
    plan,  # noqa: F811
    start_worker,
):
    from verbund.costing.models import PlanVersion, ProductMapping, ProductRate
    from verbund.jobs.models import Job
    from verbund.jobs.services import job_start
    from verbund.jobs.tasks import SELFTEST

    page.set_default_timeout(30_000)  # a worker process shares the machine with the browser and the server
    login(page, "carla", password)
    start_worker()

    # (1) A long job: the bar moves while the worker reports, in German; the user leaves and comes back.
    long_job = job_start(actor=controller, kind=SELFTEST, params={"steps": 8, "delay": 0.6})
    page.goto(f"{live_server.url}/vorgaenge/{long_job.pk}/")
    expect(page.locator("#job-progress label")).to_contain_text("Schritt", timeout=30_000)
    expect(page.locator("#job-bar")).to_have_attribute("max", "8")
    page.goto(f"{live_server.url}/kostenrechnung/")  # leave: the work goes on
    page.goto(f"{live_server.url}/vorgaenge/")
    with page.expect_navigation():
        page.click(f"a[href='/vorgaenge/{long_job.pk}/']")
    expect(page.locator("#job-status")).to_have_text("Erledigt", timeout=60_000)
    expect(page.locator("#job-result")).to_contain_text("8 Schritte")
    assert page.locator("[hx-trigger]").count() == 0  # polling stopped

    # (2) Calculating a plan goes through its job page and links back to the plan.
    page.goto(f"{live_server.url}/kostenrechnung/{plan.pk}/")
    with page.expect_navigation():
        page.click("#calculate-button")
    expect(page.locator("#job-status")).to_have_text("Erledigt", timeout=60_000)
    expect(page.locator("#job-result")).to_contain_text("280.000,00 €")
    with page.expect_navigation():
        page.click("#job-result-link")
    assert page.url == f"{live_server.url}/kostenrechnung/{plan.pk}/"
    rates = sorted(ProductRate.objects.filter(plan=plan).values_list("product_plan_id", "rate"))

    # (3) A plan the engine refuses: the job fails, the results of the last calculation stay as they were.
    mapping = ProductMapping.objects.get(plan=plan, centre__code="FV")
    centre, product_plan = mapping.centre, mapping.product_plan
    mapping.delete()
    with page.expect_navigation():
        page.click("#calculate-button")
    expect(page.locator("#job-status")).to_have_text("Fehlgeschlagen", timeout=60_000)
    expect(page.locator("#job-error")).to_contain_text("Es wurde nichts geändert")
    assert sorted(ProductRate.objects.filter(plan=plan).values_list("product_plan_id", "rate")) == rates
    assert PlanVersion.objects.get(pk=plan.pk).result_total is not None

    # (4) The cause is fixed; "Erneut versuchen" runs the same job again.
    ProductMapping.objects.create(plan=plan, centre=centre, product_plan=product_plan)
    failed = Job.objects.filter(kind="costing.calculate").order_by("-id").first()
    with page.expect_navigation():
        page.click("#job-retry")
    assert page.url == f"{live_server.url}/vorgaenge/{failed.pk}/"
    expect(page.locator("#job-status")).to_have_text("Erledigt", timeout=60_000)
    failed.refresh_from_db()
    assert failed.attempts == 2 and failed.status == "succeeded"
