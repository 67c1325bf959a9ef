from django.urls import path

from verbund.costing import views

app_name = "costing"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("neu/", views.plan_create, name="plan_create"),
    path("kopieren/", views.plan_copy, name="plan_copy"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("<int:plan_id>/plankosten/", views.plan_costs_save, name="plan_costs_save"),
    path("<int:plan_id>/berechnen/", views.plan_workflow, {"step": "calculate"}, name="plan_calculate"),
    path("<int:plan_id>/einreichen/", views.plan_workflow, {"step": "submit"}, name="plan_submit"),
    path("<int:plan_id>/zurueckziehen/", views.plan_workflow, {"step": "withdraw"}, name="plan_withdraw"),
    path("<int:plan_id>/preisblatt/", views.rate_sheet, name="rate_sheet"),
    path("<int:plan_id>/preisblatt.pdf", views.rate_sheet_pdf, name="rate_sheet_pdf"),
    path("<int:plan_id>/bab/", views.centre_sheet, name="centre_sheet"),
    path("<int:plan_id>/entgelte/", views.showback_index, name="showback_index"),
    path("<int:plan_id>/entgelte/<int:member_id>/", views.showback, name="showback"),
    path("<int:plan_id>/entgelte/<int:member_id>/export.csv", views.showback_csv, name="showback_csv"),
    path("<int:plan_id>/vergleich/", views.compare, name="compare"),
]
