from django.urls import path

from verbund.closing import views

app_name = "closing"
urlpatterns = [
    path("", views.closing_list, name="closing_list"),
    path("meine/", views.my_recovery, name="my_recovery"),
    path("<int:closing_id>/", views.closing_detail, name="closing_detail"),
    path("<int:closing_id>/import/", views.closing_import, name="closing_import"),
    path("<int:closing_id>/istkosten/", views.closing_costs_save, name="closing_costs_save"),
    path("<int:closing_id>/preisindizes/", views.closing_price_indices, name="closing_price_indices"),
    path("<int:closing_id>/berechnen/", views.closing_calculate, name="closing_calculate"),
    path("<int:closing_id>/genehmigen/", views.closing_approve, name="closing_approve"),
    path("<int:closing_id>/vortragen/", views.closing_carry, name="closing_carry"),
    path("<int:closing_id>/mitglieder/<int:member_id>/", views.member_recovery, name="member_recovery"),
    path("wirtschaftsplan/", views.business_plan, name="business_plan"),
    path("wirtschaftsplan/import/", views.business_plan_import, name="business_plan_import"),
    path("wirtschaftsplan.pdf", views.business_plan_pdf, name="business_plan_pdf"),
    path("wirtschaftsplan/gremium/", views.business_plan_report, name="business_plan_report"),
]
