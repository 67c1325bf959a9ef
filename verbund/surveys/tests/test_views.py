"""The answer page without a login (unknown token 404, second submission and closed wave refused, errors linked
to their fields, drafts) and the results pages (a member sees its own and the overall results only)."""

import pytest
from django.test import Client
from django.urls import reverse

from verbund.surveys import services
from verbund.surveys.models import Response
from verbund.surveys.tests.conftest import TODAY


def _url(token):
    return reverse("surveys:answer", args=[token])


def test_the_answer_page_works_without_login_and_in_english(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    client = Client()
    page = client.get(_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    assert "How satisfied are you overall?" in text and "<legend>" in text and 'lang="en"' in text
    german = Client().get(_url(token), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wie zufrieden sind Sie insgesamt?" in german


def test_an_unknown_token_is_404(open_wave):
    assert Client().get(_url("nicht-geraten-123")).status_code == 404
    assert Client().post(_url("nicht-geraten-123"), {"action": "submit"}).status_code == 404


def test_errors_are_linked_to_their_fields(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    page = Client().post(_url(token), {"action": "submit", "q_recommend": "12"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'href="#q_overall"' in text and 'id="q_overall-error"' in text
    assert 'aria-describedby="q_recommend-error"' in text
    assert not Response.objects.filter(wave=open_wave).exists()


def test_draft_then_submit_then_a_second_submission_is_refused(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    client = Client()
    assert client.post(_url(token), {"action": "draft", "q_overall": "4"}).status_code == 302
    assert 'value="4" checked' in client.get(_url(token)).content.decode().replace('id="q_overall-4"', "").replace(
        "  ", " "
    )
    done = client.post(_url(token), {"action": "submit", "q_overall": "4", "q_recommend": "10"})
    assert done.status_code == 200
    again = client.post(_url(token), {"action": "submit", "q_overall": "1", "q_recommend": "0"})
    assert again.status_code == 409
    assert Response.objects.filter(wave=open_wave).count() == 1


def test_a_closed_wave_refuses_the_page(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    services.wave_close(actor=None, wave=open_wave)
    assert Client().get(_url(token)).status_code == 410
    assert Client().post(_url(token), {"action": "submit", "q_overall": "4"}).status_code == 410


@pytest.mark.parametrize("path", ["surveys:wave_results", "surveys:wave_csv"])
def test_a_member_sees_its_own_results_never_anothers(closed_wave, registry, alice, path):
    client = Client()
    client.force_login(alice)
    ahlen = registry["ahlen"]
    page = client.get(reverse(path, args=[closed_wave.pk]), {"member": ahlen.pk})
    text = page.content.decode("utf-8-sig")
    assert page.status_code == 200
    assert registry["telgte"].name in text and ahlen.name not in text


def test_staff_choose_a_member_and_see_the_trend_and_charts(closed_wave, open_wave, admin_user, registry):
    services.response_submit(token=open_wave.tokens[(registry["ahlen"].pk, "Bürgeramt")], answers={"overall": 5})
    services.wave_close(actor=None, wave=open_wave)
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("surveys:wave_results", args=[open_wave.pk]), {"member": registry["ahlen"].pk})
    text = page.content.decode()
    assert 'id="survey-results-chart"' in text and 'id="survey-trend-chart"' in text
    assert 'id="survey-member-chart"' in text and "Befragung 2025" in text


def test_a_changed_question_is_marked_not_compared(closed_wave, registry, admin_user):
    copy = services.questionnaire_new_version(actor=None, questionnaire=closed_wave.questionnaire)
    services.question_change(actor=None, question=copy.questions.get(series_key="overall"), text="Anders gefragt?")
    wave = services.wave_create(
        actor=None,
        provider=registry["citeq"],
        questionnaire=copy,
        year=2026,
        opens_on=TODAY,
        closes_on=TODAY,
    )
    services.targets_replace(
        actor=None, wave=wave, rows=[services.TargetRow(member=registry["telgte"], office="Bauamt", staff=3)]
    )
    services.wave_open(actor=None, wave=wave)
    (token,) = services.invitations_issue(actor=None, wave=wave, target=wave.targets.get(), count=1)
    services.response_submit(token=token, answers={"overall": 4, "workplace": 4})
    services.wave_close(actor=None, wave=wave)
    client = Client()
    client.force_login(admin_user)
    text = client.get(reverse("surveys:wave_results", args=[wave.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    overall_row = text.split('id="q-overall"')[1].split("</tr>")[0]
    workplace_row = text.split('id="q-workplace"')[1].split("</tr>")[0]
    assert "not comparable" in overall_row
    assert "not comparable" not in workplace_row


def test_the_pdf_report(closed_wave, admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get(reverse("surveys:wave_pdf", args=[closed_wave.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_member_sees_its_offices(closed_wave, registry, alice):
    client = Client()
    client.force_login(alice)
    text = client.get(reverse("surveys:wave_results", args=[closed_wave.pk])).content.decode()
    table = text.split('id="office-table"')[1].split("</table>")[0]
    assert "Bauamt" in table and "Bürgeramt" in table
    # Telgte's Bauamt: answers 3 and 2 → top-2-box 0 %; Bürgeramt: 5 and 4 → 100 %
    assert "0,0 %" in table.split("Bauamt")[1].split("</tr>")[0]


def test_closing_a_big_wave_analyses_in_a_background_job(open_wave, registry, admin_user, settings, monkeypatch):
    from verbund.jobs.models import Job
    from verbund.surveys import views

    monkeypatch.setattr(views, "ANALYSE_INLINE_MAX", 0)
    services.response_submit(token=open_wave.tokens[(registry["ahlen"].pk, "Bürgeramt")], answers={"overall": 5})
    client = Client()
    client.force_login(admin_user)
    response = client.post(reverse("surveys:wave_close", args=[open_wave.pk]))
    assert response.status_code == 302
    job = Job.objects.get(kind="surveys.analyse")
    open_wave.refresh_from_db()
    assert open_wave.status == "closed" and job.subject_id == open_wave.pk
    assert open_wave.analysis is not None  # the job ran (the tests run jobs inline)
