from django.contrib import admin
from django.urls import include, path

from verbund.config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("verbund.accounts.urls")),
    path("organisationen/", include("verbund.registry.urls")),
    path("katalog/", include("verbund.catalog.urls")),
    path("gremien/", include("verbund.governance.urls")),
    path("kostenrechnung/", include("verbund.costing.urls")),
    path("abrechnung/", include("verbund.billing.urls")),
    path("jahresabschluss/", include("verbund.closing.urls")),
    path("controlling/", include("verbund.controlling.urls")),
    path("vorgaenge/", include("verbund.jobs.urls")),
    path("strategie/", include("verbund.strategy.urls")),
    path("szenarien/", include("verbund.scenarios.urls")),
    path("nachweise/", include("verbund.evidence.urls")),
    path("umfragen/", include("verbund.surveys.urls")),
    path("verfuegbarkeit/", include("verbund.availability.urls")),
    path("beteiligungen/", include("verbund.ownership.urls")),
    path("oparl/v1/", include("verbund.governance.oparl.urls")),
    path("", include("verbund.orders.urls")),
    path("", include("verbund.web.urls")),
]
