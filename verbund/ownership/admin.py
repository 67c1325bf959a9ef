from django.contrib import admin

from verbund.core.admin import AuditedModelAdmin
from verbund.ownership.models import Ownership


@admin.register(Ownership)
class OwnershipAdmin(AuditedModelAdmin[Ownership]):
    list_display = ("entity", "owner", "share", "board_seats", "valid_from", "valid_to")
    list_filter = ("entity",)
    raw_id_fields = ("entity", "owner")
