import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.orders.models import Order, Subscription


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _start():
    return (timezone.localdate() + dt.timedelta(days=5)).isoformat()


def test_catalogue_page_lists_active_products_with_year_prices(catalogue, alice):
    page = _client(alice).get("/katalog/?year=2026").content.decode()
    assert "AP-100" in page and "OZ-200" in page and "XX-900" not in page
    assert "1.200" in page  # German number format
    fragment = _client(alice).get("/katalog/?q=ozg", HTTP_HX_REQUEST="true").content.decode()
    assert "OZ-200" in fragment and "AP-100" not in fragment and "<html" not in fragment


def test_product_page_and_order_link(catalogue, alice):
    page = _client(alice).get(f"/katalog/produkte/{catalogue['workplace'].pk}/").content.decode()
    assert "99,50" in page and f"/bestellungen/neu/{catalogue['workplace'].pk}/" in page
    assert _client(alice).get(f"/katalog/produkte/{catalogue['draft'].pk}/").status_code == 404


def test_fee_preview_fragment(registry, catalogue, alice):
    # Workstations are whole things (issue #10, 19): 3 rather than 2,5 as before.
    url = (
        f"/bestellungen/vorschau/{catalogue['workplace'].pk}/?member={registry['telgte'].pk}"
        "&quantity=3&start_date=2026-03-01"
    )
    page = _client(alice).get(url).content.decode()
    assert "3.600,00" in page  # 3 × 1,200
    bad = _client(alice).get(url.replace("quantity=3", "quantity=-1")).content.decode()
    assert "field-error" in bad
    other = _client(alice).get(url.replace(str(registry["telgte"].pk), str(registry["ahlen"].pk))).content.decode()
    assert "field-error" in other and "3.600" not in other


def test_order_form_flow_member_then_staff(registry, catalogue, alice, admin_user):
    client = _client(alice)
    response = client.post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["telgte"].pk, "quantity": "4", "start_date": _start(), "member_reference": "KSt 1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    staff = _client(admin_user)
    inbox = staff.get("/bestellungen/").content.decode()
    assert order.number in inbox
    staff.post(f"/bestellungen/{order.pk}/bestaetigen/")
    order.refresh_from_db()
    assert order.status == "confirmed"
    folder = client.get(f"/vertragsmappe/{registry['telgte'].pk}/?as_of={_start()}").content.decode()
    assert "AP-100" in folder and "4.800,00" in folder


def test_order_form_shows_field_errors_and_saves_nothing(registry, catalogue, alice):
    response = _client(alice).post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["telgte"].pk, "quantity": "0", "start_date": "2020-01-01"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "quantity" in form.errors
    assert Order.objects.count() == 0
    response = _client(alice).post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["telgte"].pk, "quantity": "3", "start_date": "2020-01-01"},
    )
    assert "start_date" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Order.objects.count() == 0


def test_member_cannot_order_for_another_member_via_form(registry, catalogue, alice):
    response = _client(alice).post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["ahlen"].pk, "quantity": "3", "start_date": _start()},
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert Order.objects.count() == 0


def test_member_cannot_confirm_or_see_other_folders(registry, catalogue, alice, bob):
    from verbund.orders.services import order_submit_new

    order = order_submit_new(
        actor=bob,
        member=registry["ahlen"],
        product=catalogue["workplace"],
        quantity=1,
        start_date=timezone.localdate(),
        as_of=timezone.localdate(),
    )
    client = _client(alice)
    assert client.get(f"/bestellungen/{order.pk}/").status_code == 404
    assert client.post(f"/bestellungen/{order.pk}/bestaetigen/").status_code == 404
    assert client.get(f"/vertragsmappe/{registry['ahlen'].pk}/").status_code == 404
    assert client.get(f"/vertragsmappe/{registry['ahlen'].pk}/export.csv").status_code == 404
    assert _client(bob).post(f"/bestellungen/{order.pk}/bestaetigen/").status_code == 404
    order.refresh_from_db()
    assert order.status == "submitted"


def _confirmed_subscription(registry, catalogue, alice, admin_user):
    from verbund.orders.services import order_confirm, order_submit_new

    order = order_submit_new(
        actor=alice,
        member=registry["telgte"],
        product=catalogue["workplace"],
        quantity=6,
        start_date=timezone.localdate(),
        as_of=timezone.localdate(),
    )
    return order_confirm(actor=admin_user, order=order)


def test_change_and_cancel_from_the_folder(registry, catalogue, alice, admin_user):
    subscription = _confirmed_subscription(registry, catalogue, alice, admin_user)
    client = _client(alice)
    prefix = f"c{subscription.pk}"
    response = client.post(
        f"/abonnements/{subscription.pk}/aendern/",
        {f"{prefix}-quantity": "9", f"{prefix}-effective_date": _start(), f"{prefix}-version": "1"},
    )
    assert response.status_code == 302
    assert Order.objects.filter(kind="change").count() == 1
    # a stale version is refused with a message and nothing is created
    response = client.post(
        f"/abonnements/{subscription.pk}/kuendigen/",
        {f"x{subscription.pk}-end_date": "2030-12-31", f"x{subscription.pk}-version": "5"},
        follow=True,
    )
    assert "version" in response.content.decode().lower() or "zwischenzeitlich" in response.content.decode()
    assert Order.objects.filter(kind="cancel").count() == 0


def test_folder_exports(registry, catalogue, alice, admin_user):
    _confirmed_subscription(registry, catalogue, alice, admin_user)
    client = _client(alice)
    csv_text = client.get(f"/vertragsmappe/{registry['telgte'].pk}/export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("AP-100;")
    pdf = client.get(f"/vertragsmappe/{registry['telgte'].pk}/export.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_folder_query_count_does_not_grow_with_subscriptions(registry, catalogue, alice, admin_user):
    _confirmed_subscription(registry, catalogue, alice, admin_user)
    client = _client(alice)
    url = f"/vertragsmappe/{registry['telgte'].pk}/"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    from verbund.orders.services import order_confirm, order_submit_new

    order_confirm(
        actor=admin_user,
        order=order_submit_new(
            actor=alice,
            member=registry["telgte"],
            product=catalogue["ozg"],
            quantity=None,
            start_date=timezone.localdate(),
            as_of=timezone.localdate(),
        ),
    )
    assert Subscription.objects.count() == 2
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    assert len(two) == len(one)


def test_preview_and_form_read_decimal_quantities_alike(registry, storage, alice):
    # A per-GB product: fractional quantities are allowed (workstations are whole since issue #10, 19).
    client = _client(alice)
    base = f"/bestellungen/vorschau/{storage.pk}/?member={registry['telgte'].pk}&start_date=2026-03-01"
    assert "1.800,00" in client.get(base + "&quantity=1,5").content.decode()  # German decimal comma
    assert "field-error" not in client.get(base + "&start_date=2026-13-45&quantity=1").content.decode()
    response = client.post(
        f"/bestellungen/neu/{storage.pk}/",
        {"member": registry["telgte"].pk, "quantity": "1,5", "start_date": _start()},
    )
    assert response.status_code == 302
    from decimal import Decimal

    assert Order.objects.get().quantity == Decimal("1.50")
    assert client.get(f"/vertragsmappe/{registry['telgte'].pk}/?as_of=2026-02-30").status_code == 200


def test_subscription_forms_load_on_demand(registry, catalogue, alice, admin_user, bob):
    subscription = _confirmed_subscription(registry, catalogue, alice, admin_user)
    client = _client(alice)
    folder = client.get(f"/vertragsmappe/{registry['telgte'].pk}/").content.decode()
    assert f"/abonnements/{subscription.pk}/" in folder
    assert f'name="c{subscription.pk}-quantity"' not in folder  # forms are not pre-rendered
    fragment = client.get(f"/abonnements/{subscription.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and f'name="c{subscription.pk}-quantity"' in fragment
    page = client.get(f"/abonnements/{subscription.pk}/").content.decode()
    assert "<html" in page and f'name="x{subscription.pk}-end_date"' in page
    assert _client(bob).get(f"/abonnements/{subscription.pk}/").status_code == 404


def test_ids_above_999_are_not_grouped_in_attributes(registry, catalogue, alice, admin_user):
    """With thousand separators on, {{ pk }} would read "1.268"; ids in attributes use stringformat."""
    subscription = Subscription.objects.create(
        pk=5268, member=registry["telgte"], product=catalogue["workplace"], start_date=timezone.localdate()
    )
    page = _client(alice).get(f"/vertragsmappe/{registry['telgte'].pk}/").content.decode()
    assert f'id="sub-{subscription.pk}"' in page and 'id="sub-5.268"' not in page
