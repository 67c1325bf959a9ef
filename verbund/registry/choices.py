from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    STATE = "state", _("Federal state (Land)")
    REGION = "region", _("Government region")
    DISTRICT = "district", _("District")
    MUNICIPALITY = "municipality", _("Municipality")
    PROVIDER = "provider", _("IT service provider")
    ASSOCIATION = "association", _("Special-purpose association")
    HOLDING = "holding", _("Holding")
    OPERATING_COMPANY = "operating_company", _("Operating company")
    OFFICE = "office", _("Office / department")


# Kinds identified by an official key from the municipality directory, with the key's length.
AGS_LENGTH_BY_KIND: dict[str, int] = {
    OrganizationKind.STATE: 2,
    OrganizationKind.REGION: 3,
    OrganizationKind.DISTRICT: 5,
    OrganizationKind.MUNICIPALITY: 8,
}

# Kinds that can be a party to an agreement (members and providers; not Länder or offices).
PARTY_KINDS = frozenset(
    {
        OrganizationKind.MUNICIPALITY,
        OrganizationKind.DISTRICT,
        OrganizationKind.PROVIDER,
        OrganizationKind.ASSOCIATION,
        OrganizationKind.HOLDING,
        OrganizationKind.OPERATING_COMPANY,
    }
)

# Kinds that provide services with a catalogue, plan costing and billing of their own: the providers, the
# special-purpose associations that run IT and the operating company of a consolidation.
PROVIDER_KINDS = (OrganizationKind.PROVIDER, OrganizationKind.ASSOCIATION, OrganizationKind.OPERATING_COMPANY)


class DataSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    GV100AD = "gv100ad", _("official municipality directory (GV100AD)")


class PartyRole(models.TextChoices):
    HOST = "host", _("Host (Träger)")
    PARTNER = "partner", _("Partner")
    PROVIDER = "provider", _("Provider")


# Official type codes of GV100AD records (Gemeinde 60-69, Kreis 41-45).
OFFICIAL_TYPE_LABELS: dict[str, str | Promise] = {
    "41": _("district-free city"),
    "42": _("urban district (Stadtkreis)"),
    "43": _("district (Kreis)"),
    "44": _("rural district (Landkreis)"),
    "45": _("regional association"),
    "60": _("market town (Markt)"),
    "61": _("district-free city"),
    "62": _("urban district (Stadtkreis)"),
    "63": _("town"),
    "64": _("municipality within a district"),
    "65": _("unincorporated area, inhabited"),
    "66": _("unincorporated area, uninhabited"),
    "67": _("major district town (Große Kreisstadt)"),
    "68": _("municipality belonging to an Amt"),
    "69": _("municipality not belonging to an Amt"),
}


class ApprovalStatus(models.TextChoices):
    """Accessions and agreement changes are proposed, then approved by a committee decision."""

    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
