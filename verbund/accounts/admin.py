from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from verbund.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "email", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["organization"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Verbund", {"fields": ("role", "organization")}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "key_prefix", "created", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["key_hash", "key_prefix", "created", "last_used_at"]
