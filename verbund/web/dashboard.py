"""The overview page as a work dashboard: what the logged-in user has to do or look at, by role.

- provider staff who confirm orders (administrator, product manager): the open orders, oldest first, and the
  problems (orders waiting too long, prepared invoice runs that cannot be issued);
- billing clerks (and administrators): the invoice runs that are prepared but not issued;
- controllers (and administrators): the plan versions not yet approved;
- committee members, and anybody holding a seat: the next meeting and the open votes of their own seats;
- auditors and committee members: the latest decisions;
- a member contact: its planned fees of the year, its latest invoices and its orders.

Every card reads through the apps' selectors (so through the access layer) with a fixed number of queries,
whatever the amount of data: lists are cut to a few rows, counts are one query each.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from verbund.accounts.roles import Role
from verbund.billing import selectors as billing_selectors
from verbund.billing.choices import RunStatus
from verbund.costing import selectors as costing_selectors
from verbund.costing.choices import PlanStatus
from verbund.governance import selectors as governance_selectors
from verbund.orders import selectors as orders_selectors
from verbund.orders.choices import OrderStatus

ROWS = 5
ORDER_WAITING_DAYS = 14  # an order unanswered for longer is listed as a problem

ORDER_ROLES = {Role.PROVIDER_ADMIN, Role.PRODUCT_MANAGER}
BILLING_ROLES = {Role.PROVIDER_ADMIN, Role.BILLING_CLERK}
PROBLEM_ROLES = ORDER_ROLES | BILLING_ROLES
PLAN_ROLES = {Role.PROVIDER_ADMIN, Role.CONTROLLER}
DECISION_ROLES = {Role.AUDITOR, Role.COMMITTEE_MEMBER, Role.CONTROLLER}


@dataclass
class Dashboard:
    role: str
    open_orders: list[Any] | None = None
    open_order_count: int = 0
    waiting_orders: int = 0
    blocked_runs: list[Any] = field(default_factory=list)
    pending_runs: list[Any] | None = None
    open_plans: list[Any] | None = None
    committee: governance_selectors.CommitteeWork | None = None
    decisions: list[Any] | None = None
    member: Any = None
    fee_plan: Any = None
    fee_total: Decimal | None = None
    member_invoices: list[Any] | None = None
    member_orders: list[Any] | None = None
    member_open_orders: int = 0

    @property
    def show_problems(self) -> bool:
        return self.role in PROBLEM_ROLES


def _staff_orders(board: Dashboard, user: Any, today: dt.date) -> None:
    submitted = orders_selectors.order_list(user=user, status=OrderStatus.SUBMITTED)
    board.open_orders = list(submitted.order_by("created", "id")[:ROWS])
    board.open_order_count = submitted.count()
    board.waiting_orders = submitted.filter(created__date__lt=today - dt.timedelta(days=ORDER_WAITING_DAYS)).count()


def _runs(board: Dashboard, user: Any) -> None:
    drafts = list(billing_selectors.run_list(user=user).filter(status=RunStatus.DRAFT)[: ROWS * 4])
    board.pending_runs = drafts[:ROWS]
    board.blocked_runs = [run for run in drafts if run.blocking_problems]


def _plans(board: Dashboard, user: Any) -> None:
    open_statuses = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    board.open_plans = list(
        costing_selectors.plan_list(user=user).filter(status__in=open_statuses).order_by("-year", "name")[:ROWS]
    )


def _member(board: Dashboard, user: Any, today: dt.date) -> None:
    member = getattr(user, "organization", None)
    board.member = member
    if member is None:
        return
    approved = (PlanStatus.APPROVED, PlanStatus.FROZEN)
    plan = (
        costing_selectors.plan_list(user=user)
        .filter(year=today.year, status__in=approved)
        .order_by("-approved_on", "-id")
        .first()
    )
    board.fee_plan = plan
    if plan is not None:
        fees = costing_selectors.member_fees(user=user, plan=plan, member=member)
        board.fee_total = fees.aggregate(total=Sum("fee"))["total"]
    board.member_invoices = list(billing_selectors.invoice_list(user=user, member_id=member.pk)[:ROWS])
    orders = orders_selectors.order_list(user=user, member_id=member.pk)
    board.member_orders = list(orders[:ROWS])
    board.member_open_orders = orders.filter(status=OrderStatus.SUBMITTED).count()


def build(user: Any, today: dt.date) -> Dashboard:
    role = "" if user.is_superuser and not getattr(user, "role", "") else user.role
    board = Dashboard(role=role)
    if role in ORDER_ROLES:
        _staff_orders(board, user, today)
    if role in PROBLEM_ROLES:
        _runs(board, user)
        if role not in BILLING_ROLES:
            board.pending_runs = None  # product managers see blocked runs as problems, not the run list
    if role in PLAN_ROLES:
        _plans(board, user)
    work = governance_selectors.committee_work(user=user, today=today)
    if role == Role.COMMITTEE_MEMBER or work.seats:
        board.committee = work
    if role in DECISION_ROLES:
        board.decisions = list(governance_selectors.decision_register(user=user)[:ROWS])
    if role == Role.MEMBER_CONTACT:
        _member(board, user, today)
    return board
