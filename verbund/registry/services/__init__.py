"""Writes for the registry (a package): organisations, agreements with accession and exit, and the import of the
official municipality directory (GV100AD).
"""

from .agreements import (
    agreement_accession_approve,
    agreement_accession_record,
    agreement_amendment_approve,
    agreement_amendment_propose,
    agreement_create,
    agreement_exit_record,
)
from .directory import (
    ImportReport,
    gemeindeverzeichnis_import,
)
from .organizations import (
    ORGANIZATION_CONTACT_FIELDS,
    ORGANIZATION_EDITABLE,
    organization_contact_correct,
    organization_create,
    organization_update,
)

__all__ = [
    "ORGANIZATION_CONTACT_FIELDS",
    "ORGANIZATION_EDITABLE",
    "ImportReport",
    "agreement_accession_approve",
    "agreement_accession_record",
    "agreement_amendment_approve",
    "agreement_amendment_propose",
    "agreement_create",
    "agreement_exit_record",
    "gemeindeverzeichnis_import",
    "organization_contact_correct",
    "organization_create",
    "organization_update",
]
