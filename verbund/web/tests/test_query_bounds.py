"""Out-of-range query values on HTML pages are ignored, never a 500 (issue #10: ?year=32976)."""

import pytest
from django.urls import reverse


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "url_name", ["billing:invoice_list", "governance:meeting_list", "governance:decision_register"]
)
@pytest.mark.parametrize("year", ["32976", "-5", "99999999999999999999999"])
def test_a_year_out_of_range_is_ignored(staff_client, url_name, year):
    response = staff_client.get(reverse(url_name), {"year": year})
    assert response.status_code == 200
