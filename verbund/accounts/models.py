import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.accounts.roles import Role, role_sees_all


class User(AbstractUser):
    """A person who logs in. Acts for exactly one organisation, in one role."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("The organisation this user acts for."),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.MEMBER_CONTACT)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.MEMBER_CONTACT)
                | models.Q(organization__isnull=False)
                | models.Q(is_superuser=True),
                name="accounts_user_member_contact_has_organization",
            )
        ]

    @property
    def sees_all_organizations(self) -> bool:
        return self.is_superuser or role_sees_all(self.role)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "vbd_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=12)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A token row without a key would be a second row with the same empty "hash" (issue #10).
            models.CheckConstraint(condition=~models.Q(key_hash=""), name="accounts_apitoken_key_hash_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(raw: str) -> str:
        return _hash_token(raw)
