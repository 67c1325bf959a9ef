app_name = "governance"
urlpatterns: list = []  # type: ignore[type-arg]  # filled by the governance UI
