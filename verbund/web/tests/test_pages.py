from django.test import Client


def test_login_page_is_german_by_default_and_english_on_request(db):
    page = Client().get("/accounts/anmelden/").content.decode()
    assert '<html lang="de">' in page
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/anmelden/"})
    page = client.get("/accounts/anmelden/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_dashboard_for_member_and_admin(alice, admin_user, registry):
    client = Client()
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "Telgte, Stadt" in page
    assert "Ahlen" not in page
    client.force_login(admin_user)
    assert client.get("/").status_code == 200


def test_about_page_and_footer_carry_the_data_attribution(db):
    page = Client().get("/ueber/").content.decode()
    assert "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD, Stand 30.11.2023, dl-de/by-2-0" in page


def test_healthz(db):
    body = Client().get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["jobs"] == {"status": "ok", "queued": 0, "running": 0, "stale": 0, "oldest_queued_seconds": 0}


def test_healthz_answers_503_when_a_job_waits_too_long(db, settings):
    import datetime as dt

    from django.utils import timezone

    from verbund.jobs.models import Job

    job = Job.objects.create(kind="costing.calculate")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    settings.JOBS_MAX_QUEUE_AGE_SECONDS = 900
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy" and body["jobs"]["status"] == "stalled" and body["jobs"]["queued"] == 1
    assert body["jobs"]["oldest_queued_seconds"] >= 3600


def test_healthz_answers_503_when_the_database_is_unreachable(db, monkeypatch):
    from django.db import OperationalError

    from verbund.web import views

    class Broken:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    with monkeypatch.context() as patch:
        patch.setattr(views.connection, "cursor", lambda: Broken())
        response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"


def test_static_files_are_served_by_the_app(db):
    from django.test import override_settings

    with override_settings(DEBUG=False):
        response = Client().get("/static/verbund/verbund.css")
    assert response.status_code == 200
