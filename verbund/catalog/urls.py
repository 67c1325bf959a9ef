from django.urls import path

from verbund.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("produkte/<int:product_id>/", views.product_detail, name="product_detail"),
    path("versionen/", views.version_list, name="version_list"),
    path("versionen/neu/", views.version_create, name="version_create"),
    path("produkte/<int:product_id>/status/", views.product_transition, name="product_transition"),
    path("versionen/<int:version_id>/", views.version_detail, name="version_detail"),
    path(
        "versionen/<int:version_id>/zusammenstellen/",
        views.version_action,
        {"action": "compose"},
        name="version_compose",
    ),
    path("versionen/<int:version_id>/vorlegen/", views.version_action, {"action": "propose"}, name="version_propose"),
    path("versionen/<int:version_id>/beschluss/", views.version_action, {"action": "approve"}, name="version_approve"),
    path("export.csv", views.catalogue_export, {"file_format": "csv"}, name="export_csv"),
    path("export.xlsx", views.catalogue_export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("import/", views.catalogue_import, name="import"),
]
