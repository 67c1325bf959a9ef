from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    CENTRAL = "central", _("Central committee (Zentralausschuss)")
    WORKING = "working", _("Working committee (Arbeitsausschuss)")
    WORKS = "works", _("Works committee (Betriebsausschuss)")
    OTHER = "other", _("Other body")


class MajorityRule(models.TextChoices):
    SIMPLE = "simple", _("simple majority of votes cast")
    ABSOLUTE = "absolute", _("absolute majority of all voting weights")
    TWO_THIRDS = "two_thirds", _("two-thirds majority of votes cast")
    UNANIMOUS = "unanimous", _("unanimity of those present")


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice chair")
    MEMBER = "member", _("member")
    DEPUTY = "deputy", _("deputy")
    ADVISORY = "advisory", _("advisory member")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    INVITED = "invited", _("invited")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


# OParl 1.1 meetingState values (recommended German terms).
OPARL_MEETING_STATE = {
    MeetingState.SCHEDULED: "terminiert",
    MeetingState.INVITED: "eingeladen",
    MeetingState.HELD: "durchgeführt",
    MeetingState.CANCELLED: "terminiert",
}


class PaperType(models.TextChoices):
    RESOLUTION = "resolution", _("Motion for a resolution (Beschlussvorlage)")
    REPORT = "report", _("Report (Berichtsvorlage)")
    NOTICE = "notice", _("Notice (Mitteilungsvorlage)")


class Choice(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    ABSTAIN = "abstain", _("abstain")


class DecisionResult(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    REJECTED = "rejected", _("rejected")
    NO_QUORUM = "no_quorum", _("not quorate")


class SubjectKind(models.TextChoices):
    """What a paper asks the committee to approve; the decision makes it effective through that app's service."""

    NONE = "", _("no subject")
    CATALOGUE_VERSION = "catalogue_version", _("catalogue version")
    PLAN_VERSION = "plan_version", _("plan version")
    ACCESSION = "accession", _("accession of a member")
    AGREEMENT_CHANGE = "agreement_change", _("change of the agreement")
    MANAGEMENT_REPORT = "management_report", _("management-contract report")
    MANAGEMENT_CONTRACT = "management_contract", _("management contract")
    SCENARIO_DECISION = "scenario_decision", _("scenario decision")
    SERVICE_TRANSFER = "service_transfer", _("service transfer")


class DecisionEffect(models.TextChoices):
    """What an adopted decision did to its subject, stored language-neutrally in Decision.subject_effect and put
    into words in the reader's language when shown (Decision.effect_display)."""

    NONE = "", _("no effect")
    APPROVED = "approved", _("subject approved")
    RECOMMENDED = "recommended", _("recommendation only")
