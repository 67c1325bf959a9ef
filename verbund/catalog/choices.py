from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    CONSULTING = "consulting", _("Consulting")
    IT_CONCEPT = "it_concept", _("IT concept")
    DATA_CENTRE = "data_centre", _("Data-centre operation")
    SOFTWARE_INTRODUCTION = "software_introduction", _("Introduction of software")
    PURCHASING = "purchasing", _("Purchasing coordination")
    TRAINING = "training", _("Training")
    WORKPLACE = "workplace", _("Workplace and end-user services")
    COMMUNICATION = "communication", _("Communication")
    SPECIALISED_PROCEDURE = "specialised_procedure", _("Specialised procedures")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class ChargeUnit(models.TextChoices):
    WORKSTATION = "workstation", _("per workstation")
    USER = "user", _("per user")
    INHABITANT = "inhabitant", _("per inhabitant")
    CASE = "case", _("per case")
    GIGABYTE = "gigabyte", _("per GB")
    HOUR = "hour", _("per hour")
    FLAT = "flat", _("flat per member")
    ONE_OFF = "one_off", _("one-off")


# Units whose quantity is not entered by the member but follows from the member itself.
DERIVED_QUANTITY_UNITS = frozenset({ChargeUnit.INHABITANT, ChargeUnit.FLAT})
# Units charged once rather than per year.
ONE_OFF_UNITS = frozenset({ChargeUnit.ONE_OFF})


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


PRODUCT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProductStatus.DRAFT: frozenset({ProductStatus.PROPOSED}),
    ProductStatus.PROPOSED: frozenset({ProductStatus.DRAFT}),  # approval only through a catalogue version
    ProductStatus.APPROVED: frozenset({ProductStatus.ACTIVE}),
    ProductStatus.ACTIVE: frozenset({ProductStatus.RETIRED}),
    ProductStatus.RETIRED: frozenset(),
}


class VatTreatment(models.TextChoices):
    TAXABLE = "taxable", _("taxable (standard rate)")
    NOT_TAXABLE_2B = "not_taxable_2b", _("not taxable (§ 2b UStG, public-law cooperation)")
    EXEMPT_4_29 = "exempt_4_29", _("tax-exempt (§ 4 Nr. 29 UStG, cost-sharing group)")


class RevisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed to the committee")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded")
