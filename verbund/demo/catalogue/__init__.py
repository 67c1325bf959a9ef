"""The demo product catalogue of citeq with its 2025 and 2026 catalogue versions, and demo subscriptions of the
partners of the citeq agreement (seed 001). Idempotent: a second run creates nothing.

Everything is written through the catalogue and order services (audit trail, validation, lifecycle), never with
`model.save()`. The sequence follows the committee cycle:

1. product families and products (drafts);
2. the 2025 prices (valid from 1 Jan 2025); the products of 2025 are proposed, the "Produktkatalog 2025" is
   composed, proposed and approved (Zentralausschuss ZA-2024/11 of 20 Nov 2024); its products become active;
3. the fax service is retired after 2025 (lifecycle: active → retired, no 2026 price);
4. the 2026 prices (valid from 1 Jan 2026, about 3 % above 2025) and the products new in 2026 (the portfolio that
   KAAW and Kreis Steinfurt IT bring in); "Produktkatalog 2026" is composed and proposed, *not* approved here:
   the Zentralausschuss approves it by its decision of 19 Nov 2025 (`verbund.demo.governance`). Approving 2026
   does not supersede 2025: a version supersedes only an approved version of the *same* year;
5. one product stays a draft (a pilot planned for 2027) and is in no version;
6. `load_demo_subscriptions`, a separate step run after the governance demo (the 2026 prices must be approved):
   subscriptions from 1 Jan 2026 for every partner of "ÖrV citeq 2019", ordered and confirmed (system actor).

Order of the demo loader (`federation.load_demo`): catalogue → governance → subscriptions.

Units. `ChargeUnit` has no "server", "device" or "procedure" unit. Where the thing charged is countable but not
a workstation or user, we use CASE, the closest countable unit, and the description says what one case is:
one virtual server per year (server hosting), one vehicle registration (Kfz-Zulassung), one employee on the
payroll per year (Personalabrechnung), one participant day (training), one procurement procedure (Vergabe).

VAT. Most products are taxable at 19 % (standard IT services between public bodies compete with private
suppliers, BMF letter of 14.11.2019; methods.md §1.5). Only the services that are a joint public task under the
agreement, exclusively against cost reimbursement and supplied only to public bodies, are not taxable: the
Grundpauschale (committee, joint IT concept, coordination) and the joint purchasing as central purchasing body.

A package: `spec` (the constants and the shape of a product), `products` (the product table), `loader` (the
idempotent loaders).
"""

from .loader import (
    DemoCatalogueError,
    load_demo_catalogue,
    load_demo_subscriptions,
    subscription_plan,
    summary_line,
)
from .products import (
    PRODUCTS,
    PRODUCTS_BY_NUMBER,
)
from .spec import (
    AGREEMENT_REFERENCE,
    AROUND_THE_CLOCK,
    BOTH_YEARS,
    BY_ARRANGEMENT,
    DRAFT_ONLY,
    DRAFT_PRICE_FROM,
    FAMILIES,
    FROM_2026,
    OFFICE_HOURS,
    ON_CALL_SUPPORT,
    PRICE_INCREASE_2026,
    PRODUCT_MANAGER_USERNAME,
    PROVIDER_SHORT_NAME,
    SUBSCRIPTION_START,
    SUPPORT_HOURS,
    UNTIL_2025,
    VAT_2B_REASON,
    YEAR_2025,
    YEAR_2026,
    C,
    CatalogueYear,
    ProductSpec,
    U,
)

__all__ = [
    "AGREEMENT_REFERENCE",
    "AROUND_THE_CLOCK",
    "BOTH_YEARS",
    "BY_ARRANGEMENT",
    "DRAFT_ONLY",
    "DRAFT_PRICE_FROM",
    "FAMILIES",
    "FROM_2026",
    "OFFICE_HOURS",
    "ON_CALL_SUPPORT",
    "PRICE_INCREASE_2026",
    "PRODUCTS",
    "PRODUCTS_BY_NUMBER",
    "PRODUCT_MANAGER_USERNAME",
    "PROVIDER_SHORT_NAME",
    "SUBSCRIPTION_START",
    "SUPPORT_HOURS",
    "UNTIL_2025",
    "VAT_2B_REASON",
    "YEAR_2025",
    "YEAR_2026",
    "C",
    "CatalogueYear",
    "DemoCatalogueError",
    "ProductSpec",
    "U",
    "load_demo_catalogue",
    "load_demo_subscriptions",
    "subscription_plan",
    "summary_line",
]
