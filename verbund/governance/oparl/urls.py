"""URLs of the OParl 1.1 endpoint, mounted at /oparl/v1/. The serializers build the same URLs from the
endpoint's address (`Context.url`); the crawler test follows every one of them."""

from django.urls import URLPattern, path, re_path

from verbund.governance.oparl import views

app_name = "oparl"

BODY_SUBLISTS = (
    "organization",
    "person",
    "meeting",
    "paper",
    "membership",
    "agendaItem",
    "consultation",
    "file",
    "legislativeTerm",
    "location",
)
OBJECTS = (
    "body",
    "organization",
    "person",
    "membership",
    "meeting",
    "agendaItem",
    "paper",
    "consultation",
    "file",
    "legislativeTerm",
    "location",
)

urlpatterns: list[URLPattern] = [
    path("", views.system, name="system"),
    path("body", views.body_list, name="body_list"),
    *(path(f"body/<int:pk>/{kind}", views.body_sublist, {"kind": kind}, name=f"body_{kind}") for kind in BODY_SUBLISTS),
    *(
        path(f"organization/<int:pk>/{kind}", views.organization_sublist, {"kind": kind}, name=f"organization_{kind}")
        for kind in ("meeting", "consultation")
    ),
    *(path(f"{kind}/<int:pk>", views.detail, {"kind": kind}, name=kind) for kind in OBJECTS),
    path("file/<int:pk>/download", views.file_download, name="file_download"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
