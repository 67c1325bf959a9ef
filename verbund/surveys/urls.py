from django.urls import path

from verbund.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("frageboegen/neu/", views.questionnaire_create, name="questionnaire_create"),
    path("frageboegen/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("frageboegen/<int:questionnaire_id>/fragen/", views.question_add, name="question_add"),
    path("frageboegen/<int:questionnaire_id>/neue-version/", views.questionnaire_version, name="questionnaire_version"),
    path("wellen/neu/", views.wave_create, name="wave_create"),
    path("wellen/<int:wave_id>/", views.wave_detail, name="wave_detail"),
    path("wellen/<int:wave_id>/zielgruppe/", views.wave_targets, name="wave_targets"),
    path("wellen/<int:wave_id>/oeffnen/", views.wave_open, name="wave_open"),
    path("wellen/<int:wave_id>/einladen/", views.wave_invite, name="wave_invite"),
    path("wellen/<int:wave_id>/erinnern/", views.wave_remind, name="wave_remind"),
    path("wellen/<int:wave_id>/import/", views.wave_import, name="wave_import"),
    path("wellen/<int:wave_id>/schliessen/", views.wave_close, name="wave_close"),
    path("wellen/<int:wave_id>/auswerten/", views.wave_analyse, name="wave_analyse"),
    path("wellen/<int:wave_id>/ergebnisse/", views.wave_results, name="wave_results"),
    path("wellen/<int:wave_id>/ergebnisse.pdf", views.wave_pdf, name="wave_pdf"),
    path("wellen/<int:wave_id>/ergebnisse.csv", views.wave_csv, name="wave_csv"),
    path("wellen/<int:wave_id>/freitexte/", views.wave_texts, name="wave_texts"),
    path("antwort/<str:token>/", views.answer, name="answer"),
]
