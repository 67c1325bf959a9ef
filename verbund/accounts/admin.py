from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from verbund.accounts.models import ApiToken, User
from verbund.core.admin import AuditedAdminMixin, AuditedModelAdmin
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction


@admin.register(User)
class UserAdmin(AuditedAdminMixin[User], BaseUserAdmin[User]):
    """Role, organisation and flags changed here are audited like a service change (issue #10)."""

    list_display = ["username", "email", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Verbund", {"fields": ("role", "organization")}))  # type: ignore[misc]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_record(
                    actor=request.user,
                    action=AuditAction.UPDATE,
                    obj=user,
                    before={"password": "…"},
                    after={"password": "(changed)"},
                    scope_organization_id=user.organization_id,
                    message="password changed in the admin",
                )
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin[ApiToken]):
    """Tokens are created with `verbund create-api-token` (the key is shown once); here they can only be renamed,
    given an expiry, revoked or deleted. The owner and the key can never change: a token moved to another user
    would silently hand over that user's rights."""

    list_display = ["name", "user", "key_prefix", "created", "expires_at", "revoked_at", "last_used_at"]
    fields = ["name", "user", "key_prefix", "created", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["user", "key_prefix", "created", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def audit_snapshot(self, obj: ApiToken) -> dict[str, Any]:
        from verbund.core.audit import model_snapshot

        return model_snapshot(obj, ["user_id", "name", "key_prefix", "expires_at", "revoked_at"])


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin[Group], BaseGroupAdmin):
    pass


# django-axes' lock-out records: deleting one unlocks an account, which must leave a trace too.
for _model, _base in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, type(_base.__name__, (AuditedAdminMixin, _base), {}))
