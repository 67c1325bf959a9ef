"""The municipality directory import by web upload, in a real browser with a real `jobs-worker` process.

A provider administrator opens the import from the organisation list, uploads a GV100AD file with a bad line:
the page names the line and the field and nothing is written. The corrected file is stored with a job; its page
shows the progress until the import is done, and the result links back to the organisations.
"""

import pytest
from playwright.sync_api import expect

from verbund.jobs.tests.test_worker import DB_BACKEND, _worker
from verbund.registry.tests.test_directory_upload import BROKEN, MUENSTER
from verbund.registry.tests.test_import import SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


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


def _file(text):
    return {"name": "GV100AD_3112.txt", "mimeType": "text/plain", "buffer": text.encode("utf-8")}


def test_directory_upload_refuses_a_bad_line_then_imports_as_a_job(
    live_server, page, login, password, admin_user, start_worker
):
    from verbund.jobs.models import Job
    from verbund.registry.models import Organization

    page.set_default_timeout(30_000)  # a worker process shares the machine with the browser and the server
    login(page, "anna", password)
    start_worker()
    before = Organization.objects.count()

    page.goto(f"{live_server.url}/organisationen/")
    with page.expect_navigation():
        page.click("#directory-import-link")

    # (1) A bad line: named with its line and field, in German; nothing written, no job.
    page.set_input_files("#id_file", _file(BROKEN))
    with page.expect_navigation():
        page.click("#upload-button")
    errors = page.locator("[data-testid=import-errors] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("7")
    expect(errors.first).to_contain_text("Bevölkerung")
    expect(errors.first).to_contain_text("Ziffern erwartet")
    assert Organization.objects.count() == before and not Job.objects.exists()

    # (2) The corrected file: stored with a job; the job page shows the progress until the import is done.
    page.set_input_files("#id_file", _file(SAMPLE))
    with page.expect_navigation():
        page.click("#upload-button")
    job = Job.objects.get()
    assert page.url == f"{live_server.url}/vorgaenge/{job.pk}/"
    expect(page.locator("#job-status")).to_have_text("Erledigt", timeout=60_000)
    expect(page.locator("#job-result")).to_contain_text("Gemeinden: 3")
    with page.expect_navigation():
        page.click("#job-result-link")
    assert page.url == f"{live_server.url}/organisationen/"
    assert Organization.objects.get(ags=MUENSTER).population == 320946
