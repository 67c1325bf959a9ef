"""May this user open that page? Links are drawn only where the answer is yes (issue #10: a member saw a link to
the decision register that answered 403).

- An object page: the one access layer decides (`core.access.can(user, "view", obj)`), as the page itself does.
- A named page (a list, a register): the permission it needs, declared once in `PAGE_PERMISSIONS` (the main
  navigation's entries plus pages not in the navigation). An undeclared page name is a programming error.

Template tags `object_link` and `page_link` (verbund_tags) use these.
"""

from typing import Any

from django.db import models

from verbund.core.access import Action, can
from verbund.web.navigation import NAV_ITEMS

PAGE_PERMISSIONS: dict[str, str | None] = {item.url_name: item.permission for item in NAV_ITEMS} | {
    "web:about": None,
}


def may_open(user: Any, obj: models.Model | None) -> bool:
    if obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return can(user, Action.VIEW, obj)


def may_open_page(user: Any, url_name: str) -> bool:
    if url_name not in PAGE_PERMISSIONS:
        raise KeyError(f"declare the permission of page {url_name!r} in verbund.web.links.PAGE_PERMISSIONS")
    permission = PAGE_PERMISSIONS[url_name]
    if permission is None:
        return True
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_perm(permission))
