from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed to the committees")
    ADOPTED = "adopted", _("adopted")
    EXECUTED = "executed", _("executed")
    REJECTED = "rejected", _("rejected")


OPEN_STATUSES = (TransferStatus.DRAFT, TransferStatus.PROPOSED, TransferStatus.ADOPTED)


class TransferScope(models.TextChoices):
    PRODUCTS = "products", _("single products")
    FAMILY = "family", _("a product family")
    PORTFOLIO = "portfolio", _("the provider's whole portfolio (transfer package)")
