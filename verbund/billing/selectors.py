"""Reads for billing: the inputs of a run (a fixed number of queries) and invoice lists through the access layer."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from verbund.billing.choices import InvoiceStatus, InvoiceType, RunKind, RunStatus
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun, SellerProfile
from verbund.catalog.choices import RevisionStatus
from verbund.catalog.models import PriceRevision, Product
from verbund.closing.selectors import actual_usage
from verbund.core.access import Action, user_sees_all
from verbund.costing.models import PlanVersion
from verbund.costing.selectors import PlanCharge, PlanCharges, approved_plan_charges
from verbund.orders.models import Subscription
from verbund.orders.selectors import subscriptions_in_year
from verbund.registry.choices import PROVIDER_KINDS, ApprovalStatus, PartyRole
from verbund.registry.models import AgreementParty, Organization


@dataclass
class BillingInputs:
    """Everything a run of one provider and year needs, loaded once."""

    provider: Organization
    year: int
    members: list[Organization]
    host_ids: set[int]
    products: dict[int, Product]
    subscriptions: dict[int, list[Subscription]]  # member id → subscriptions (with `quantity_rows`)
    plan: PlanVersion | None
    fees: dict[tuple[int, int], PlanCharge]  # (member id, product id) → planned fee of the approved plan
    plan_rates: dict[int, Decimal]  # product id → unit rate of the approved plan
    revisions: dict[int, list[PriceRevision]]  # product id → approved revisions, oldest first
    charges: PlanCharges | None = None  # what the approved plan charges, as `costing.selectors` reads it
    instalments_invoiced: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    open_instalment_runs: list[int] = field(default_factory=list)  # periods of the year still in draft
    # Final settlement: imported actual usage of metered products, member id → product id → quantity of the year
    # (`closing.selectors.actual_usage`); where present it replaces the contract folder's quantities.
    actual_usage: dict[int, dict[int, Decimal]] = field(default_factory=dict)


def seller_profile_for(provider: Organization) -> SellerProfile | None:
    return SellerProfile.objects.filter(provider=provider).first()


def seller_profile_list(*, user: Any, action: str = Action.VIEW) -> QuerySet[SellerProfile]:
    """The seller profiles the user may see (staff: all; a member contact: none, they are the providers' data)."""
    issued = Invoice.objects.filter(provider=OuterRef("provider_id")).exclude(status=InvoiceStatus.DRAFT)
    return (
        SellerProfile.objects.restrict(user, action)
        .select_related("provider")
        .annotate(prefix_locked=Exists(issued))  # the provider has issued invoices: its prefix stays
        .order_by("provider__name", "id")
    )


def seller_profile_get_for_user(*, user: Any, provider_id: int, action: str = Action.VIEW) -> SellerProfile:
    return get_object_or_404(seller_profile_list(user=user, action=action), provider_id=provider_id)


def sees_seller_data(user: Any) -> bool:
    """Staff who may see seller data see every provider, also those without seller data yet."""
    return bool(user_sees_all(user) and user.has_perm("billing.view_sellerprofile"))


def seller_providers(*, user: Any) -> list[tuple[Organization, SellerProfile | None]]:
    """Every provider with its seller profile (or none yet), by name: two queries. A member contact gets none."""
    profiles = {profile.provider_id: profile for profile in seller_profile_list(user=user)}
    if not sees_seller_data(user):
        return [(profile.provider, profile) for profile in profiles.values()]
    providers = Organization.objects.filter(kind__in=PROVIDER_KINDS).order_by("name", "id")
    return [(provider, profiles.get(provider.pk)) for provider in providers]


def seller_provider_get_for_user(*, user: Any, provider_id: int) -> Organization:
    """A provider whose seller data the user may see or record (404 for everybody else, and for non-providers)."""
    if not sees_seller_data(user):
        raise Http404("no such provider")
    return get_object_or_404(Organization.objects.filter(kind__in=PROVIDER_KINDS), pk=provider_id)


def billing_inputs(*, provider: Organization, year: int, with_instalments: bool = False) -> BillingInputs:
    """Load the inputs of a run: 8 queries (11 with the instalments already invoiced and the actual usage of a
    final settlement), whatever the size."""
    frame = billing_frame(provider=provider, year=year, with_instalments=with_instalments)
    return billing_inputs_for(frame, frame.members)


def billing_frame(*, provider: Organization, year: int, with_instalments: bool = False) -> BillingInputs:
    """The inputs of a run without the subscriptions and planned fees of its members (5 queries, 7 with the
    instalments; 4 without an approved plan; one more for the actual usage of a final settlement):
    `billing_inputs_for` adds them for a slice of the members, so that a national run holds one slice at a
    time."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    parties = (
        AgreementParty.objects.filter(agreement__provider=provider, status=ApprovalStatus.APPROVED, joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )
    members: dict[int, Organization] = {}
    host_ids: set[int] = set()
    for party in parties:
        members.setdefault(party.organization_id, party.organization)
        if party.role == PartyRole.HOST:
            host_ids.add(party.organization_id)
    products = {p.pk: p for p in Product.objects.filter(catalogue_items__version__provider=provider).distinct()}
    charges = approved_plan_charges(provider=provider, year=year, member_ids=[])
    revisions: dict[int, list[PriceRevision]] = defaultdict(list)
    for revision in PriceRevision.objects.filter(
        product_id__in=list(products), status=RevisionStatus.APPROVED, valid_from__lte=end
    ).order_by("valid_from", "approved_at", "id"):
        revisions[revision.product_id].append(revision)
    inputs = BillingInputs(
        provider=provider,
        year=year,
        members=list(members.values()),
        host_ids=host_ids,
        products=products,
        subscriptions={},
        plan=charges.plan,
        fees={},
        plan_rates=charges.rates,
        revisions=dict(revisions),
        charges=charges,
    )
    if with_instalments:
        inputs.instalments_invoiced = instalments_invoiced(provider=provider, year=year)
        inputs.open_instalment_runs = [
            period
            for period in InvoiceRun.objects.filter(
                provider=provider, kind=RunKind.INSTALMENT, year=year, status=RunStatus.DRAFT
            ).values_list("period", flat=True)
            if period is not None
        ]
        usage: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for (member_id, product_id), quantity in actual_usage(provider, year).items():
            usage[member_id][product_id] = quantity
        inputs.actual_usage = dict(usage)
    return inputs


def billing_inputs_for(frame: BillingInputs, members: list[Organization]) -> BillingInputs:
    """The frame for these members (a slice of `frame.members`, in order) with their subscriptions (with their
    quantity rows, `orders.selectors.subscriptions_in_year`) and planned fees (`costing.selectors
    .approved_plan_charges`): 3 queries, 2 without a plan."""
    subscriptions, fees = slice_records(frame, members)
    return billing_inputs_with(frame, members, subscriptions, fees)


def slice_records(
    frame: BillingInputs, members: list[Organization]
) -> tuple[list[Subscription], dict[tuple[int, int], PlanCharge]]:
    """What `billing_inputs_for` reads for a slice of members: their subscriptions (with `quantity_rows`, without
    their product attached, so that they travel light to a prepare worker) and their planned fees."""
    member_ids = [member.pk for member in members]
    subscriptions = list(
        subscriptions_in_year(member_ids=member_ids, product_ids=list(frame.products), year=frame.year)
    )
    fees: dict[tuple[int, int], PlanCharge] = {}
    if frame.charges is not None and frame.plan is not None:
        fees = approved_plan_charges(
            provider=frame.provider, year=frame.year, member_ids=member_ids, loaded=frame.charges
        ).fees
    return subscriptions, fees


def billing_inputs_with(
    frame: BillingInputs,
    members: list[Organization],
    subscription_rows: list[Subscription],
    fees: dict[tuple[int, int], PlanCharge],
) -> BillingInputs:
    """The inputs of a slice from the frame and what `slice_records` read (no query)."""
    subscriptions: dict[int, list[Subscription]] = defaultdict(list)
    for sub in subscription_rows:
        sub.product = frame.products[sub.product_id]
        subscriptions[sub.member_id].append(sub)
    wanted = {member.pk for member in members}
    return replace(
        frame,
        members=list(members),
        subscriptions=dict(subscriptions),
        fees=fees,
        instalments_invoiced={key: amount for key, amount in frame.instalments_invoiced.items() if key[0] in wanted},
        actual_usage={member_id: usage for member_id, usage in frame.actual_usage.items() if member_id in wanted},
    )


def instalments_invoiced(*, provider: Organization, year: int) -> dict[tuple[int, int], Decimal]:
    """Net instalments per (member, product) of issued (not cancelled) instalment invoices of the year.

    Instalment credit notes reverse cancelled invoices; both are left out, so only what stands counts."""
    rows = (
        InvoiceLine.objects.filter(
            invoice__provider=provider,
            invoice__run__kind=RunKind.INSTALMENT,
            invoice__run__year=year,
            invoice__status=InvoiceStatus.ISSUED,
            invoice__type_code=InvoiceType.INVOICE,
            product__isnull=False,
        )
        .values("invoice__member_id", "product_id")
        .annotate(total=Sum("net"))
    )
    return {(row["invoice__member_id"], row["product_id"]): row["total"] for row in rows}


# ---------------------------------------------------------------- lists and details (access layer)


def run_list(*, user: Any, provider: Organization | None = None) -> QuerySet[InvoiceRun]:
    queryset = InvoiceRun.objects.restrict(user).select_related("provider")
    if provider is not None:
        queryset = queryset.filter(provider=provider)
    return queryset.order_by("-year", "-period", "-id")


def run_get_for_user(*, user: Any, run_id: int, action: str = Action.VIEW) -> InvoiceRun:
    return get_object_or_404(InvoiceRun.objects.restrict(user, action).select_related("provider"), pk=run_id)


def latest_run(*, provider: Organization | None = None, issued: bool = True) -> InvoiceRun | None:
    """The most recently issued run (or prepared, with `issued=False`); for the CLI's `--run latest`."""
    queryset = InvoiceRun.objects.all()
    if provider is not None:
        queryset = queryset.filter(provider=provider)
    if issued:
        return queryset.filter(status=RunStatus.ISSUED).order_by("-issued_at", "-id").first()
    return queryset.order_by("-modified", "-id").first()


def _visible_invoices(user: Any, action: str = Action.VIEW) -> QuerySet[Invoice]:
    queryset: QuerySet[Invoice] = Invoice.objects.restrict(user, action)
    if user is not None and getattr(user, "is_authenticated", False) and not user_sees_all(user):
        queryset = queryset.exclude(status=InvoiceStatus.DRAFT)  # members see documents, not previews
    return queryset


def invoice_list(
    *,
    user: Any,
    run: InvoiceRun | None = None,
    member_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Invoice]:
    queryset = _visible_invoices(user).select_related("member", "provider", "run", "credit_for")
    if run is not None:
        queryset = queryset.filter(run=run)
    if member_id is not None:
        queryset = queryset.filter(member_id=member_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-issue_date", "-number", "-id")


def invoice_get_for_user(*, user: Any, invoice_id: int, action: str = Action.VIEW) -> Invoice:
    return get_object_or_404(
        _visible_invoices(user, action).select_related("member", "provider", "run", "credit_for"), pk=invoice_id
    )


def invoice_lines(*, invoice: Invoice) -> QuerySet[InvoiceLine]:
    """The lines of an invoice the caller has already fetched through the access layer."""
    return InvoiceLine.objects.filter(invoice=invoice).select_related("product").order_by("position")


def run_invoices(*, run: InvoiceRun) -> QuerySet[Invoice]:
    """All invoices of a run with their lines (2 queries), for issuing and exports."""
    return (
        Invoice.objects.filter(run=run)
        .select_related("member", "provider")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .order_by("member__name", "vat_group", "id")
    )


def turnover_by_customer(*, provider: Organization, years: tuple[int, ...]) -> dict[tuple[int, int], Decimal]:
    """Net turnover of `provider` per (member id, year of the invoice date) from issued invoices: invoices count
    (a cancelled one too, since its credit note subtracts it), credit notes subtract; drafts do not count. One
    query. For the in-house check of the ownership app (§ 108 Abs. 7 GWB)."""
    rows = (
        Invoice.objects.filter(provider=provider, issue_date__year__in=years)
        .exclude(status=InvoiceStatus.DRAFT)
        .values("member_id", "issue_date__year", "type_code")
        .annotate(net=Sum("net_total"))
        .order_by()
    )
    turnover: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in rows:
        sign = -1 if row["type_code"] == InvoiceType.CREDIT_NOTE else 1
        turnover[(row["member_id"], row["issue_date__year"])] += sign * row["net"]
    return dict(turnover)
