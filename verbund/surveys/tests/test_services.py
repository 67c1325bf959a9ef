"""Services against the database: versioning, anonymity, single submission, closed waves, import, KPIs."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.core.kpi import KpiQuery, breakdown_keys, figure
from verbund.surveys import imports, services
from verbund.surveys.models import Answer, Invitation, Response, Wave
from verbund.surveys.tests.conftest import answers


def test_a_used_questionnaire_is_not_edited_but_copied(closed_wave):
    questionnaire = closed_wave.questionnaire
    question = questionnaire.questions.get(series_key="overall")
    with pytest.raises(ValidationError):
        services.question_change(actor=None, question=question, text="Neu?")
    copy = services.questionnaire_new_version(actor=None, questionnaire=questionnaire)
    assert copy.version == 2 and copy.questions.count() == questionnaire.questions.count()
    changed = services.question_change(actor=None, question=copy.questions.get(series_key="overall"), text="Neu?")
    assert changed.wording != question.wording
    assert (
        copy.questions.get(series_key="recommend").wording
        == questionnaire.questions.get(series_key="recommend").wording
    )


def test_no_table_links_a_response_to_an_invitation_or_person(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bürgeramt")]
    invitation = Invitation.objects.get(token_hash=services.token_hash(token))
    response = services.response_submit(token=token, answers=answers(5, 10, "Gut"))
    invitation.refresh_from_db()
    assert invitation.used and invitation.email == "" and invitation.draft == {}
    # No column of a response or answer refers to an invitation, a user or a time of day.
    for model in (Response, Answer):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"invitation", "user", "email", "token", "created", "modified", "submitted_at"}
    assert not [f for f in Invitation._meta.get_fields() if f.is_relation and f.related_model in (Response, Answer)]
    assert isinstance(response.submitted_on, dt.date) and not isinstance(response.submitted_on, dt.datetime)
    # The token itself is stored nowhere.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith("surveys_"):
                cursor.execute(f"SELECT * FROM {table}")
                assert token not in repr(cursor.fetchall())


def test_a_second_submission_is_refused(open_wave, registry):
    token = open_wave.tokens[(registry["ahlen"].pk, "Bürgeramt")]
    services.response_submit(token=token, answers=answers(4, 8))
    with pytest.raises(ValidationError) as refused:
        services.response_submit(token=token, answers=answers(1, 0))
    assert "invitation" in refused.value.message_dict
    assert Response.objects.filter(wave=open_wave).count() == 1


def test_a_closed_wave_refuses_answers_and_drafts(open_wave, registry):
    token = open_wave.tokens[(registry["ahlen"].pk, "Bürgeramt")]
    services.wave_close(actor=None, wave=open_wave)
    for call in (services.response_submit, services.draft_save):
        with pytest.raises(ValidationError) as refused:
            call(token=token, answers=answers(4, 8))
        assert "wave" in refused.value.message_dict
    assert not Response.objects.filter(wave=open_wave).exists()


def test_an_unknown_token_is_not_found(open_wave):
    with pytest.raises(services.InvitationNotFound):
        services.response_submit(token="x" * 32, answers={})


def test_drafts_are_kept_and_checked(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    services.draft_save(token=token, answers={"overall": "4"})
    assert Invitation.objects.get(token_hash=services.token_hash(token)).draft == {"overall": 4}
    with pytest.raises(ValidationError) as refused:
        services.draft_save(token=token, answers={"overall": "9"})
    assert "q_overall" in refused.value.message_dict


def test_required_questions_and_bad_values_name_the_field(open_wave, registry):
    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    with pytest.raises(ValidationError) as refused:
        services.response_submit(token=token, answers={"recommend": "11", "channel": "A9"})
    assert set(refused.value.message_dict) == {"q_overall", "q_recommend", "q_channel"}


def test_reminders_replace_the_link_and_are_recorded(open_wave, registry):
    old = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    mail.outbox.clear()
    run = services.reminders_send(actor=None, wave=open_wave)
    assert run.recipients == 3
    with pytest.raises(services.InvitationNotFound):
        services.invitation_for_token(old)


def test_close_analyses_with_member_weighting(closed_wave, registry):
    analysis = closed_wave.analysis
    overall = next(q for q in analysis["questions"].values() if q["series_key"] == "overall")
    # Telgte 2 of 4 satisfied, Ahlen 4 of 6: unweighted 6/10, each member equal (0.5 + 0.6667)/2
    assert overall["overall"]["head"][0] == pytest.approx(0.6)
    assert overall["weighted"]["head"][0] == pytest.approx((0.5 + 4 / 6) / 2, abs=1e-6)
    assert analysis["rate"] == [10, 10]


LIMESURVEY = (
    "id;submitdate;lastpage;member;office;overall;workplace;recommend;channel;topics[sq001];topics[sq002];comment\n"
    "101;2026-03-01 10:00:00;1;05570044;Bauamt;5;4;9;A2;Y;;Alles gut\n"
    "102;2026-03-02 11:00:00;1;05570004;Bürgeramt;3;3;6;A1;;Y;\n"
    "103;;0;05570004;Bürgeramt;;;;;;;\n"
)


def test_limesurvey_import_is_idempotent(open_wave):
    rows = imports.sheet_for(open_wave).read_csv(io.BytesIO(LIMESURVEY.encode()))
    parsed, skipped = imports.parse_responses(open_wave, rows)
    assert (len(parsed), skipped) == (2, 1)
    assert services.responses_import(actor=None, wave=open_wave, rows=parsed) == 2
    assert services.responses_import(actor=None, wave=open_wave, rows=parsed) == 0
    response = Response.objects.get(wave=open_wave, external_id="101")
    assert Answer.objects.get(response=response, question__series_key="topics").choices == ["SQ001"]


def test_limesurvey_import_names_line_and_column_and_writes_nothing(open_wave):
    bad = LIMESURVEY.replace("05570044;Bauamt;5", "05570044;Kämmerei;7")
    rows = imports.sheet_for(open_wave).read_csv(io.BytesIO(bad.encode()))
    with pytest.raises(imports.LimeSurveyImportError) as refused:
        imports.parse_responses(open_wave, rows)
    assert {(e.line, e.column) for e in refused.value.errors} == {(2, "office"), (2, "overall")}
    assert not Response.objects.filter(wave=open_wave).exists()


def test_kpis_from_the_latest_closed_wave(closed_wave, registry, catalogue):
    citeq = registry["citeq"]
    query = KpiQuery(provider_id=citeq.pk, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    mean = figure("surveys.satisfaction_mean", query)
    assert mean is not None and mean.cut_off == closed_wave.closes_on
    assert mean.note  # names the weighting and gives the unweighted figure
    assert Decimal(1) <= mean.value <= Decimal(5) and mean.records and "/ergebnisse/" in mean.records[0].url
    top2 = figure("surveys.top2_share", query)
    assert top2.value == Decimal("0.5833")  # (0.5 + 0.6667)/2 for both 1–5 questions
    rate = figure("surveys.response_rate", query)
    assert rate.value == Decimal(1)
    telgte = figure("surveys.nps", KpiQuery(**{**query.__dict__, "member_id": registry["telgte"].pk}))
    assert telgte.value == Decimal("25.0000")  # 2 promoters, 1 passive, 1 detractor of 4
    product = figure("surveys.top2_share", KpiQuery(**{**query.__dict__, "product_id": catalogue["workplace"].pk}))
    assert product.value == Decimal("0.6000")
    assert figure("surveys.nps", KpiQuery(**{**query.__dict__, "product_id": 1})) is None  # no product breakdown
    listed = breakdown_keys("surveys.top2_share", query, "product")  # what the controlling app asks per product
    assert catalogue["workplace"].pk in listed and breakdown_keys("surveys.nps", query, "product") == []
    later = KpiQuery(provider_id=citeq.pk, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    assert figure("surveys.satisfaction_mean", later) is None
    assert Wave.objects.filter(year=2025).count() == 1


def test_invitations_by_mail_carry_the_link_once(open_wave, registry, django_capture_on_commit_callbacks):
    target = open_wave.targets.get(member=registry["ahlen"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        (token,) = services.invitations_issue(
            actor=None, wave=open_wave, target=target, emails=["amt@ahlen.example"], link=lambda t: f"https://x/{t}"
        )
    assert len(mail.outbox) == 1 and f"https://x/{token}" in mail.outbox[0].body
    assert mail.outbox[0].to == ["amt@ahlen.example"]
