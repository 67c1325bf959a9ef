from django.db import models
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


class DataSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    GV100AD = "gv100ad", _("official municipality directory (GV100AD)")


class PartyRole(models.TextChoices):
    HOST = "host", _("Host (Träger)")
    PARTNER = "partner", _("Partner")
    PROVIDER = "provider", _("Provider")


# Official type codes of GV100AD records (Gemeinde 60-69, Kreis 41-45).
OFFICIAL_TYPE_LABELS: dict[str, str] = {
    "41": _("kreisfreie Stadt"),
    "42": _("Stadtkreis"),
    "43": _("Kreis"),
    "44": _("Landkreis"),
    "45": _("Regionalverband"),
    "60": _("Markt"),
    "61": _("kreisfreie Stadt"),
    "62": _("Stadtkreis"),
    "63": _("Stadt"),
    "64": _("kreisangehörige Gemeinde"),
    "65": _("gemeindefreies Gebiet, bewohnt"),
    "66": _("gemeindefreies Gebiet, unbewohnt"),
    "67": _("Große Kreisstadt"),
    "68": _("amtsangehörige Gemeinde"),
    "69": _("amtsfreie Gemeinde"),
}
