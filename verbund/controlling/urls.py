from django.urls import path

from verbund.controlling import views

app_name = "controlling"
urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("<int:contract_id>/", views.contract_detail, name="contract_detail"),
    path("<int:contract_id>/sammeln/", views.contract_collect, name="contract_collect"),
    path("<int:contract_id>/ziele/", views.goal_add, name="goal_add"),
    path("<int:contract_id>/kennzahlen/", views.kpi_create, name="kpi_create"),
    path("<int:contract_id>/budget/", views.budget_set, name="budget_set"),
    path("<int:contract_id>/massnahmen/", views.measure_add, name="measure_add"),
    path("<int:contract_id>/massnahmen/<int:measure_id>/erledigt/", views.measure_done, name="measure_done"),
    path("<int:contract_id>/bericht/", views.contract_report, name="contract_report"),
    path("<int:contract_id>/bericht.csv", views.contract_report_csv, name="contract_report_csv"),
    path("<int:contract_id>/bericht.pdf", views.contract_report_pdf, name="contract_report_pdf"),
    path("kennzahl/<int:kpi_id>/", views.kpi_detail, name="kpi_detail"),
    path("kennzahl/<int:kpi_id>/aufschluesselung.csv", views.kpi_breakdown_csv, name="kpi_breakdown_csv"),
    path("kennzahl/<int:kpi_id>/wert/", views.kpi_value, name="kpi_value"),
    path("kennzahl/<int:kpi_id>/ziel/", views.kpi_target, name="kpi_target"),
    path("kennzahl/<int:kpi_id>/definition/", views.kpi_definition, name="kpi_definition"),
    path("wert/<int:measurement_id>/", views.measurement_detail, name="measurement_detail"),
    path("wert/<int:measurement_id>/nachweis/", views.measurement_evidence, name="measurement_evidence"),
    path("bericht/<int:report_id>/", views.report_detail, name="report_detail"),
    path("bericht/<int:report_id>.csv", views.report_csv_download, name="report_csv"),
    path("bericht/<int:report_id>.pdf", views.report_pdf_download, name="report_pdf"),
]
