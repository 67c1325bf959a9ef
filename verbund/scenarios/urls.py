from django.urls import path

from verbund.scenarios import views

app_name = "scenarios"
urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("neu/", views.scenario_create, name="scenario_create"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio/<int:item_id>/disposition/", views.disposition_set, name="disposition_set"),
    path("portfolio/anbieter/<int:provider_id>/personal/", views.staff, name="staff"),
    path("vergleich/", views.compare, name="compare"),
    path("vergleich/gewichte/", views.weights_save, name="weights_save"),
    path("bericht.pdf", views.report_pdf, name="report_pdf"),
    path("<int:scenario_id>/", views.scenario_detail, name="scenario_detail"),
    path("<int:scenario_id>/entgelte.csv", views.member_fees_csv, name="member_fees_csv"),
    path("<int:scenario_id>/annahmen/", views.assumptions_save, name="assumptions_save"),
    path("<int:scenario_id>/verschiebung/", views.move_save, name="move_save"),
    path("<int:scenario_id>/berechnen/", views.scenario_workflow, {"step": "calculate"}, name="scenario_calculate"),
    path("<int:scenario_id>/veroeffentlichen/", views.scenario_workflow, {"step": "publish"}, name="scenario_publish"),
    path("<int:scenario_id>/risiko/", views.risk_start, name="risk_start"),
    path("<int:scenario_id>/stufenplan/", views.stages_optimise, name="stages_optimise"),
]
