from django.urls import path

from verbund.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/fortschritt/", views.job_progress, name="job_progress"),
    path("<int:job_id>/wiederholen/", views.job_retry, name="job_retry"),
    path("<int:job_id>/download/", views.job_download, name="job_download"),
]
