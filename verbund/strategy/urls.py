from django.urls import path

from verbund.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.home, name="home"),
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/import/", views.catalogue_import, name="catalogue_import"),
    path("vergleich/", views.comparison, name="comparison"),
    path("produkte/", views.tags, name="tags"),
    path("produkte/<int:tag_id>/entfernen/", views.tag_remove, name="tag_remove"),
    path("<int:organization_id>/", views.overview, name="overview"),
    path("<int:organization_id>/bestand/", views.inventory, name="inventory"),
    path("<int:organization_id>/bestand/<int:leika_id>/", views.entry_edit, name="entry_edit"),
    path("<int:organization_id>/potenzial/", views.potential, name="potential"),
    path("<int:organization_id>/bedarf/", views.demand, name="demand"),
    path("<int:organization_id>/prioritaeten/", views.priority, name="priority"),
    path("<int:organization_id>/fahrplan/", views.roadmap, name="roadmap"),
    path("<int:organization_id>/strategie.pdf", views.strategy_pdf, name="strategy_pdf"),
]
