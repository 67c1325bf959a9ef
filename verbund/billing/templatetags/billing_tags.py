"""Template filters of the billing pages."""

from typing import Any

from django import template

from verbund.billing import texts

register = template.Library()


@register.filter
def invoice_title(invoice: Any) -> str:
    """The invoice's title in the reader's language (the stored title is the document's own text)."""
    return texts.display_title(invoice)
