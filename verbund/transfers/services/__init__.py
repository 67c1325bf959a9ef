"""Writes of the transfers app: proposal and decision (`proposal`), execution (`execution`)."""

from verbund.transfers.services.execution import EXECUTE, transfer_execute, transfers_due
from verbund.transfers.services.proposal import (
    check_may_propose,
    default_number,
    may_propose,
    provider_products,
    transfer_body_adopt,
    transfer_create,
    transfer_propose,
    transfer_reject,
)

__all__ = [
    "EXECUTE",
    "check_may_propose",
    "default_number",
    "may_propose",
    "provider_products",
    "transfer_body_adopt",
    "transfer_create",
    "transfer_execute",
    "transfer_propose",
    "transfer_reject",
    "transfers_due",
]
