from django.urls import path

from verbund.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("<int:organization_id>/", views.organization_detail, name="organization_detail"),
    path("<int:organization_id>/anschrift/", views.organization_contact_edit, name="organization_contact_edit"),
    path("verzeichnis-import/", views.directory_import, name="directory_import"),
    path("vereinbarungen/", views.agreement_list, name="agreement_list"),
    path("vereinbarungen/<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
]
