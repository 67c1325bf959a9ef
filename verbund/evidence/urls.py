from django.urls import path

from verbund.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.home, name="home"),
    path("import/", views.evidence_import, name="import"),
    path("importe/<int:import_id>/", views.import_detail, name="import_detail"),
    path("stellen/", views.post_list, name="post_list"),
    path("hardware/", views.asset_list, name="asset_list"),
    path("controls/", views.control_list, name="control_list"),
    path("vorfaelle/", views.incident_list, name="incident_list"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/import/", views.catalogue_import, name="catalogue_import"),
]
