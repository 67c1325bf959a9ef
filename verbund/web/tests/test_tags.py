from decimal import Decimal

from django.utils import translation

from verbund.web.templatetags.verbund_tags import money, unit_price


def test_money_and_unit_price_follow_the_locale():
    with translation.override("de"):
        assert money(Decimal("1234.5")) == "1.234,50"
        assert unit_price(Decimal("1320.0000")) == "1.320,00"
        assert unit_price(Decimal("0.3850")) == "0,3850"
        assert money(None) == "–"
    with translation.override("en"):
        assert money(Decimal("1234.5")) == "1,234.50"
