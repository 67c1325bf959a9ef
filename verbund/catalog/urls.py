from django.urls import path

from verbund.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("produkte/<int:product_id>/", views.product_detail, name="product_detail"),
    path("versionen/", views.version_list, name="version_list"),
    path("versionen/<int:version_id>/", views.version_detail, name="version_detail"),
]
