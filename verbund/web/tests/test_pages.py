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
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_static_files_are_served_by_the_app(db):
    from django.test import override_settings

    with override_settings(DEBUG=False):
        response = Client().get("/static/verbund/verbund.css")
    assert response.status_code == 200
