from django.urls import path

from verbund.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.committee_list, name="committee_list"),
    path("<int:committee_id>/", views.committee_detail, name="committee_detail"),
    path("sitzungen/", views.meeting_list, name="meeting_list"),
    path("sitzungen/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("sitzungen/<int:meeting_id>/status/", views.meeting_state, name="meeting_state"),
    path("sitzungen/<int:meeting_id>/tagesordnung/", views.agenda_item_add, name="agenda_item_add"),
    path("sitzungen/<int:meeting_id>/anwesenheit/", views.attendance_record, name="attendance_record"),
    path("sitzungen/<int:meeting_id>/einladung.pdf", views.meeting_invitation_pdf, name="meeting_invitation_pdf"),
    path("sitzungen/<int:meeting_id>/niederschrift.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("top/<int:item_id>/", views.agenda_item_detail, name="agenda_item_detail"),
    path("top/<int:item_id>/abstimmung/", views.agenda_item_tally, name="agenda_item_tally"),
    path("top/<int:item_id>/stimme/", views.vote_cast, name="vote_cast"),
    path("top/<int:item_id>/beschluss/", views.decision_record, name="decision_record"),
    path("top/<int:item_id>/verschieben/", views.agenda_item_move, name="agenda_item_move"),
    path("vorlagen/", views.paper_list, name="paper_list"),
    path("vorlagen/neu/", views.paper_create, name="paper_create"),
    path("vorlagen/<int:paper_id>/", views.paper_detail, name="paper_detail"),
    path("beschluesse/", views.decision_register, name="decision_register"),
]
