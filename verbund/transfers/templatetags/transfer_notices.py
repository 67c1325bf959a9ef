"""`{% transfer_notices member %}`: a member's notices of transferred services, shown in its contract folder (the
orders app's page loads this tag by name; orders imports nothing of the transfers app)."""

from typing import Any

from django import template

from verbund.transfers.selectors import notice_list

register = template.Library()


@register.inclusion_tag("transfers/_notices.html", takes_context=True)
def transfer_notices(context: dict[str, Any], member: Any) -> dict[str, Any]:
    request = context["request"]
    if not request.user.has_perm("transfers.view_transfernotice"):
        return {"notices": []}
    return {"notices": list(notice_list(user=request.user, member=member)), "request": request}
