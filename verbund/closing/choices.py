from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class ImportKind(models.TextChoices):
    COSTS = "costs", _("actual costs")
    FLOWS = "flows", _("actual service quantities")
    USAGE = "usage", _("actual usage")
    PRICE_INDICES = "price_indices", _("price indices")
    BUSINESS_PLAN = "business_plan", _("business plan and annual accounts")


class BusinessPlanPart(models.TextChoices):
    """The parts of a Wirtschaftsplan (EigVO NRW): Erfolgsplan, Vermögensplan, Stellenübersicht."""

    INCOME = "income", _("income (Erfolgsplan)")
    EXPENSE = "expense", _("expenses (Erfolgsplan)")
    INVESTMENT = "investment", _("investments (Vermögensplan)")
    FINANCING = "financing", _("financing (Vermögensplan)")
    POSTS = "posts", _("posts (Stellenübersicht)")
