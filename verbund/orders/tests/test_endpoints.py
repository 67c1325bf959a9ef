"""Generic endpoint tests of ordering (verbund.core.testing): orders, subscriptions and the contract folder of
Telgte (alice's member), API and pages. Bob (Ahlen) must not see or touch any of it."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.testing import Bad, Endpoint, EndpointTests
from verbund.orders.forms import CancelForm, ChangeForm


def _start():
    return timezone.localdate() + dt.timedelta(days=10)


def _orders(ctx):
    """A confirmed subscription of Telgte (AP-100, 40 workstations) and a submitted order (OZ-200) by alice."""
    from verbund.orders.services import order_confirm, order_submit_new

    telgte, alice = ctx.registry["telgte"], ctx.alice
    subscription = order_confirm(
        actor=ctx.admin_user,
        order=order_submit_new(
            actor=alice,
            member=telgte,
            product=ctx.catalogue["workplace"],
            quantity=Decimal(40),
            start_date=_start(),
            as_of=timezone.localdate(),
        ),
    )
    order = order_submit_new(
        actor=alice, member=telgte, product=ctx.catalogue["ozg"], quantity=None, start_date=_start(), as_of=_start()
    )
    return {"subscription": subscription, "order": order}


def _order(ctx):
    return {"order_id": ctx.order.pk}


def _subscription(ctx):
    return {"subscription_id": ctx.subscription.pk}


def _telgte(ctx):
    return {"member_id": ctx.registry["telgte"].pk}


def _product(ctx):
    return {"product_id": ctx.catalogue["workplace"].pk}


def _new_order(ctx):
    return {
        "member_id": ctx.registry["telgte"].pk,
        "product_id": ctx.catalogue["workplace"].pk,
        "quantity": "8",
        "start_date": _start().isoformat(),
    }


def _order_form(ctx):
    return {"member": ctx.registry["telgte"].pk, "quantity": "8", "start_date": _start().isoformat()}


def _cancel_day(ctx):
    from verbund.orders.services import earliest_end_date

    return earliest_end_date(product=ctx.catalogue["workplace"], notice_given_on=timezone.localdate()).isoformat()


def _change_form(prefix_letter, **values):
    def data(ctx):
        prefix = f"{prefix_letter}{ctx.subscription.pk}"
        fields = {"version": ctx.subscription.version, **values}
        fields = {key: value(ctx) if callable(value) else value for key, value in fields.items()}
        return {f"{prefix}-{key}": value for key, value in fields.items()}

    return data


ORDERS: dict[str, Any] = {"setup": _orders}
# Deciding on an order is staff work: the auditor and another member are refused the change action, and the
# access layer answers as for an invisible object (404, ADR 0008), the existing behaviour of both views and API.
DECIDE: dict[str, Any] = {**ORDERS, "kind": "write", "kwargs": _order, "read_only_status": 404}


class TestEndpoints(EndpointTests):
    endpoints = (
        # REST API
        Endpoint("api:orders_list", kind="list", user="alice", shows=lambda ctx: ctx.order.number, **ORDERS),
        Endpoint("api:orders_get", kwargs=_order, user="alice", **ORDERS),
        Endpoint(
            "api:orders_create",
            kind="write",
            user="alice",
            data=_new_order,
            status=201,
            bad=Bad(lambda ctx: {**_new_order(ctx), "start_date": "morgen"}, field="start_date"),
            other_status=404,  # bob ordering for Telgte: Telgte is invisible to him
            read_only_status=422,  # the auditor may not order: the service's error names the member field
        ),
        Endpoint("api:orders_confirm", **DECIDE),
        Endpoint(
            "api:orders_reject",
            data={"reason": "Kein Bedarf"},
            bad=Bad({"reason": "x" * 501}, field="reason"),
            **DECIDE,
        ),
        # The auditor sees the order but may not act for a member: the service refuses with 422 naming the member.
        Endpoint("api:orders_withdraw", kind="write", kwargs=_order, user="alice", read_only_status=422, **ORDERS),
        Endpoint(
            "api:subscriptions_change",
            kind="write",
            kwargs=_subscription,
            user="alice",
            status=201,
            read_only_status=422,
            data=lambda ctx: {"quantity": "45", "effective_date": _start().isoformat()},
            bad=Bad(lambda ctx: {"quantity": "viele", "effective_date": _start().isoformat()}, field="quantity"),
            **ORDERS,
        ),
        Endpoint(
            "api:subscriptions_cancel",
            kind="write",
            kwargs=_subscription,
            user="alice",
            status=201,
            read_only_status=422,
            data=lambda ctx: {"end_date": _cancel_day(ctx)},
            bad=Bad({"end_date": "2026-02-30"}, field="end_date"),
            **ORDERS,
        ),
        Endpoint("api:contract_folder", kwargs=_telgte, user="alice", **ORDERS),
        # Pages
        Endpoint("orders:order_list", kind="list", user="alice", shows=lambda ctx: ctx.order.number, **ORDERS),
        Endpoint("orders:order_detail", kwargs=_order, user="alice", **ORDERS),
        Endpoint("orders:order_new", kwargs=_product, user="alice", other=None),  # the form: every member orders
        Endpoint(
            "orders:order_new",
            kind="write",
            kwargs=_product,
            user="alice",
            data=_order_form,
            bad=Bad(lambda ctx: {**_order_form(ctx), "start_date": "morgen"}, field="start_date"),
            other_status=200,  # bob's form does not offer Telgte: the member field is refused, nothing is written
        ),
        Endpoint(
            "orders:order_preview",
            kwargs=_product,
            user="alice",
            query=lambda ctx: {"member": ctx.registry["telgte"].pk, "quantity": "8"},
            other=None,  # the catalogue and its prices are shared by all members; bob gets "choose a member"
        ),
        Endpoint("orders:order_confirm", **DECIDE),
        Endpoint(
            "orders:order_reject",
            data={"reason": "Kein Bedarf"},
            # The reason is required: the view redirects to the order with the service's message.
            bad=Bad({"reason": ""}, field="reason", message=lambda: _("Please give a reason for the rejection.")),
            bad_status=302,
            **DECIDE,
        ),
        # Pages redirect to the order or folder with the service's message; nothing is written.
        Endpoint("orders:order_withdraw", kind="write", kwargs=_order, user="alice", read_only_status=302, **ORDERS),
        Endpoint("orders:contract_folder_home", kind="list", user="admin_user", other=None),  # bob: his own folder
        Endpoint("orders:contract_folder", kwargs=_telgte, user="alice", **ORDERS),
        Endpoint("orders:contract_folder_csv", kwargs=_telgte, user="alice", **ORDERS),
        Endpoint("orders:contract_folder_pdf", kwargs=_telgte, user="alice", **ORDERS),
        Endpoint("orders:subscription_edit", kwargs=_subscription, user="alice", **ORDERS),
        Endpoint(
            "orders:subscription_change",
            kind="write",
            kwargs=_subscription,
            user="alice",
            data=_change_form("c", quantity="45", effective_date=lambda ctx: _start().isoformat()),
            # A bad quantity: back to the folder with a message naming the field.
            bad=Bad(
                _change_form("c", quantity="viele", effective_date=lambda ctx: _start().isoformat()),
                field="quantity",
                message=lambda: ChangeForm.base_fields["quantity"].label,
            ),
            bad_status=302,
            read_only_status=302,
            **ORDERS,
        ),
        Endpoint(
            "orders:subscription_cancel",
            kind="write",
            kwargs=_subscription,
            user="alice",
            data=_change_form("x", end_date=_cancel_day),
            bad=Bad(
                _change_form("x", end_date="2026-02-30"),
                field="end_date",
                message=lambda: CancelForm.base_fields["end_date"].label,
            ),
            bad_status=302,
            read_only_status=302,
            **ORDERS,
        ),
    )
