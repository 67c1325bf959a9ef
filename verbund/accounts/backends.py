"""Authorisation from the user's role (authentication itself stays with Django's ModelBackend)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from verbund.accounts.roles import role_has_permission


class RoleBackend(ModelBackend):
    """Username/password login plus permissions derived from `User.role`."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not user_obj.is_active:
            return False
        if role_has_permission(getattr(user_obj, "role", ""), perm):
            return True
        return super().has_perm(user_obj, perm, obj)
