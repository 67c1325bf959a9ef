from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderKind(models.TextChoices):
    NEW = "new", _("new subscription")
    CHANGE = "change", _("change of quantity")
    CANCEL = "cancel", _("cancellation")


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    CONFIRMED = "confirmed", _("confirmed")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# How far in the past a desired start date may lie (orders confirm what already runs, e.g. after an outage of
# the ordering process). A deployment constant for now; see docs/adr/0012.
BACKDATE_WINDOW_DAYS = 30
# How far ahead an order may be placed.
MAX_LEAD_DAYS = 3 * 366
ORDER_NUMBER_SERIES = "B"
