app_name = "oparl"
urlpatterns: list = []  # type: ignore[type-arg]  # filled by the OParl endpoint
