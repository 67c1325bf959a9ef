"""The contract-folder CSV protects text cells against formula injection."""

import csv
import io

from django.test import Client

from verbund.catalog.models import Product
from verbund.orders.tests.test_views import _confirmed_subscription


def test_contract_folder_csv_protects_text_cells(registry, catalogue, alice, admin_user):
    _confirmed_subscription(registry, catalogue, alice, admin_user)
    Product.objects.filter(pk=catalogue["workplace"].pk).update(name='=HYPERLINK("http://evil","Rechnung")')
    client = Client()
    client.force_login(alice)
    csv_text = client.get(f"/vertragsmappe/{registry['telgte'].pk}/export.csv").content.decode("utf-8-sig")
    [_header, row] = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert row[:2] == ["AP-100", '\'=HYPERLINK("http://evil","Rechnung")']
