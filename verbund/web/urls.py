from django.urls import path

from verbund.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ueber/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
]
