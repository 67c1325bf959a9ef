from django.urls import path

from verbund.transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="transfer_list"),
    path("neu/", views.transfer_propose, name="transfer_propose"),
    path("<int:transfer_id>/", views.transfer_detail, name="transfer_detail"),
    path("<int:transfer_id>/ausfuehren/", views.transfer_execute, name="transfer_execute"),
    path("<int:transfer_id>/ablehnen/", views.transfer_reject, name="transfer_reject"),
    path("mitteilungen/", views.notice_list, name="notice_list"),
    path("mitteilungen/<int:notice_id>/", views.notice_detail, name="notice_detail"),
    path("mitteilungen/<int:notice_id>/brief.pdf", views.notice_pdf, name="notice_pdf"),
]
