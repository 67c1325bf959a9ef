"""The strategy app's figures for the controlling app (see `verbund.core.kpi`)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register
from verbund.core.money import round_even
from verbund.strategy import selectors


@register(
    "strategy.ozg_online_share",
    unit="share",
    label=gettext_noop("OZG services online at the members (share of the services in scope)"),
    breakdowns=("member",),
)
def ozg_online_share(query: KpiQuery) -> KpiFigure | None:
    """Σ services in scope that are online / (members with an inventory × services in scope), over the
    provider's members in force at the end of the period, or for one of them. The inventory is a current state:
    the value is today's, `cut_off` the date of its newest change. None when no member has an inventory (or the
    member asked for is not one of the provider's)."""
    members = selectors.provider_members_on(provider_id=query.provider_id, on=query.period_end)
    if query.member_id is not None:
        if query.member_id not in members:
            return None
        members = [query.member_id]
    share = selectors.ozg_online_share(organization_ids=members)
    base = share.with_inventory * share.in_scope
    if not base or share.cut_off is None:
        return None
    if query.member_id is not None:
        url = reverse("strategy:inventory", args=[query.member_id])
    else:
        url = reverse("strategy:comparison")
    themen = [t for t in share.themen if t.in_scope]
    records = tuple(
        KpiRecord(
            label=t.themenfeld.name,
            url=url,
            detail=_("%(online)s of %(base)s services online (%(share)s %%)")
            % {"online": t.online, "base": t.in_scope * t.members, "share": t.share},
        )
        for t in themen[: query.record_limit]
    )
    note = ""
    if share.with_inventory < share.members:
        note = _("%(with)s of %(members)s members have an inventory; the others are not counted.") % {
            "with": share.with_inventory,
            "members": share.members,
        }
    return KpiFigure(
        value=round_even(Decimal(share.online) / Decimal(base), Decimal("0.0001")),
        cut_off=share.cut_off,
        records=records,
        record_count=len(themen),
        note=note,
    )
