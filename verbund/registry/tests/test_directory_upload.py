"""The GV100AD directory import by web upload: the file is checked at once (line and field of every error on the
page, nothing written, no job), then stored with a background job that imports it (ADR 0026)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job
from verbund.registry.models import Organization
from verbund.registry.tests.test_import import SAMPLE

MUENSTER = "05515000"
# Münster's population with a letter in it: field "Bevölkerung" of line 7 is not a number
BROKEN = SAMPLE.replace("000000303280000032094600000153927", "000000303280000032X94600000153927")
URL = reverse("registry:directory_import")


def _upload(client, text, **extra):
    data = {"file": SimpleUploadedFile("GV100AD_3112.txt", text.encode("utf-8")), **extra}
    return client.post(URL, data)


def test_upload_starts_a_job_that_imports_the_stored_file(client, admin_user):
    client.force_login(admin_user)
    response = _upload(client, SAMPLE)
    job = Job.objects.get()
    assert job.kind == "registry.import_gv100ad" and job.input_name == "GV100AD_3112.txt"
    assert bytes(job.input_data) == SAMPLE.encode("utf-8")  # the file is stored with the job
    assert job.status == JobStatus.SUCCEEDED, job.error  # the test settings run jobs at once
    assert response.status_code == 302 and response.url == reverse("registry:organization_list")
    assert Organization.objects.get(ags=MUENSTER).population == 320946


def test_a_bad_line_is_shown_with_its_line_and_field_and_nothing_is_written(client, admin_user):
    client.force_login(admin_user)
    before = Organization.objects.count()
    response = _upload(client, BROKEN)
    assert response.status_code == 200
    rows = response.context["import_errors"]
    assert [(row["line"], row["column"]) for row in rows] == [(7, "Bevölkerung")]
    assert "Ziffern erwartet" in rows[0]["message"]  # translated (German is the default language)
    assert "Bevölkerung" in response.content.decode()
    assert Organization.objects.count() == before and not Job.objects.exists()


def test_the_job_refuses_a_stored_bad_file_with_line_errors_and_changes_nothing(admin_user):
    from verbund.jobs.services import job_start
    from verbund.registry.tasks import DIRECTORY_IMPORT

    before = Organization.objects.count()
    job = job_start(actor=admin_user, kind=DIRECTORY_IMPORT, input_name="gv.txt", input_data=BROKEN.encode())
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Zeile 7, Feld Bevölkerung:")
    assert Organization.objects.count() == before


def test_member_contacts_may_not_import_the_directory(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert _upload(client, SAMPLE).status_code == 403
    assert not Job.objects.exists()


def test_the_organisation_list_links_to_the_import_only_for_those_who_may(client, admin_user, alice):
    client.force_login(admin_user)
    assert URL in client.get(reverse("registry:organization_list")).content.decode()
    client.force_login(alice)
    assert URL not in client.get(reverse("registry:organization_list")).content.decode()


def test_a_file_that_is_not_a_directory_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = _upload(client, "")
    assert response.status_code == 200 and not Job.objects.exists()
    assert response.context["form"].errors or response.context["import_errors"]
