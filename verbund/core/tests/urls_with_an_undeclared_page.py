"""The project's URLs plus one page without a declaration: the meta-test must notice it."""

from django.http import HttpResponse
from django.urls import path

from verbund.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("undeclared/", lambda request: HttpResponse(), name="undeclared")]
