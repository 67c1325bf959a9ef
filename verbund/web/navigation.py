"""The main navigation. Each app adds its entries here; an entry shows only to users with its permission."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permission: str | None = None


NAV_ITEMS: list[NavItem] = [
    NavItem("web:dashboard", _("Overview")),
    NavItem("registry:organization_list", _("Organisations"), "registry.view_organization"),
    NavItem("registry:agreement_list", _("Agreements"), "registry.view_agreement"),
    NavItem("catalog:catalogue", _("Catalogue"), "catalog.view_product"),
    NavItem("orders:order_list", _("Orders"), "orders.view_order"),
    NavItem("orders:contract_folder_home", _("Contract folder"), "orders.view_subscription"),
    NavItem("governance:committee_list", _("Committees"), "governance.view_committee"),
    NavItem("governance:decision_register", _("Decisions"), "governance.view_decision"),
    NavItem("costing:plan_list", _("Plan costing"), "costing.view_planversion"),
    NavItem("closing:closing_list", _("Year-end closing"), "closing.view_closing"),
    NavItem("controlling:contract_list", _("Management contract"), "controlling.view_report"),
    NavItem("billing:invoice_list", _("Invoices"), "billing.view_invoice"),
    NavItem("strategy:home", _("Digital strategy"), "strategy.view_inventoryentry"),
    NavItem("scenarios:scenario_list", _("Scenarios"), "scenarios.view_scenario"),
    NavItem("evidence:home", pgettext_lazy("evidence pages", "Evidence"), "evidence.view_evidenceimport"),
    NavItem("surveys:home", _("Satisfaction surveys"), "surveys.view_wave"),
    NavItem("availability:home", _("Availability (SLA)"), "availability.view_outage"),
    NavItem("ownership:entity_list", _("Entities and owners"), "ownership.view_ownership"),
    NavItem("jobs:job_list", _("Background jobs"), "jobs.view_job"),
]
