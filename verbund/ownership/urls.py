from django.urls import path

from verbund.ownership import views

app_name = "ownership"
urlpatterns = [
    path("", views.entity_list, name="entity_list"),
    path("nutzen/", views.benefits_page, name="benefits"),
    path("nutzen/bericht.pdf", views.benefits_pdf, name="benefits_pdf"),
    path("<int:entity_id>/", views.entity_detail, name="entity_detail"),
    path("<int:entity_id>/anteile/neu/", views.stake_record, name="stake_record"),
    path("anteile/<int:stake_id>/beenden/", views.stake_end, name="stake_end"),
    path("<int:entity_id>/inhouse/", views.entity_inhouse, name="entity_inhouse"),
]
