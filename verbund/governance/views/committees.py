"""Committees: the list and one committee with its seats and meetings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from verbund.core.access import openable_ids
from verbund.governance import selectors
from verbund.governance.views.common import allow
from verbund.registry.models import Organization


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    allow(request, "governance.view_committee")
    committees = selectors.committee_list(user=request.user, seats=True)
    return render(request, "governance/committee_list.html", {"committees": committees})


@login_required
def committee_detail(request: HttpRequest, committee_id: int) -> HttpResponse:
    allow(request, "governance.view_committee")
    committee = selectors.committee_get_for_user(user=request.user, committee_id=committee_id, seats=True)
    meetings = list(selectors.meeting_list(user=request.user, committee=committee, seats=True))
    now = timezone.now()
    memberships = list(selectors.committee_memberships(committee=committee))
    return render(
        request,
        "governance/committee_detail.html",
        {
            "committee": committee,
            "memberships": memberships,
            # a member sees a seat's organisation as a link only where it may open its page (issue #10, 10)
            "openable": openable_ids(request.user, Organization, (m.on_behalf_of_id for m in memberships)),
            "upcoming": [m for m in meetings if m.start >= now],
            "past": [m for m in reversed(meetings) if m.start < now],
            "quorum_percent": committee.quorum_share * 100,
        },
    )
