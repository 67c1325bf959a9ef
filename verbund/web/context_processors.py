from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from verbund.web.navigation import NAV_ITEMS

DATA_ATTRIBUTION = "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV100AD, Stand 30.11.2023, dl-de/by-2-0"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        path = request.path
        best = ""
        visible = [item for item in NAV_ITEMS if item.permission is None or user.has_perm(item.permission)]
        for item in visible:
            url = reverse(item.url_name)
            if path.startswith(url) and len(url) > len(best):
                best = url
        for item in visible:
            url = reverse(item.url_name)
            items.append({"url": url, "label": item.label, "current": url == best})
    return {"nav_items": items, "data_attribution": DATA_ATTRIBUTION}
