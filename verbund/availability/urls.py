from django.urls import path

from verbund.availability import views

app_name = "availability"
urlpatterns = [
    path("", views.home, name="home"),
    path("mitglieder/<int:member_id>/", views.member_report, name="member_report"),
    path("mitglieder/<int:member_id>/bericht.pdf", views.member_report_pdf, name="member_report_pdf"),
    path("ausfaelle/", views.outage_list, name="outage_list"),
    path("ausfaelle/neu/", views.outage_create, name="outage_create"),
    path("ausfaelle/import/", views.outage_import, name="outage_import"),
    path("ausfaelle/<int:outage_id>/", views.outage_detail, name="outage_detail"),
    path("zusagen/", views.commitment_list, name="commitment_list"),
    path("zusagen/aus-katalog/", views.commitment_initialise, name="commitment_initialise"),
    path("berichte/", views.report_job, name="report_job"),
]
