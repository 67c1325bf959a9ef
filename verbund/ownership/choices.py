"""Who can be an entity of the consolidation, who can own one, and the statuses of the in-house check."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from verbund.registry.choices import OrganizationKind

# The entities whose owners are recorded here: the holding (umbrella) and its operating company.
ENTITY_KINDS = (OrganizationKind.HOLDING, OrganizationKind.OPERATING_COMPANY)

# Who may hold a share: municipalities, districts, special-purpose associations and providers (all public
# bodies), and the holding as owner of the operating company.
OWNER_KINDS = (
    OrganizationKind.MUNICIPALITY,
    OrganizationKind.DISTRICT,
    OrganizationKind.ASSOCIATION,
    OrganizationKind.PROVIDER,
    OrganizationKind.HOLDING,
)

# Owners that are themselves controlled legal persons of the group: control through them is indirect
# (§ 108 Abs. 2 Satz 2 GWB), so the in-house check looks through them to their own owners.
LOOK_THROUGH_KINDS = (OrganizationKind.HOLDING, OrganizationKind.OPERATING_COMPANY)


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", _("in-house award possible")
    NOT_ELIGIBLE = "not_eligible", _("in-house award not possible")
    UNDETERMINED = "undetermined", _("not determinable")
