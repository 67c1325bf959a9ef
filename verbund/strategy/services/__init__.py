"""Writes of the strategy app (the only writers): the catalogue import and a municipality's strategy."""

from verbund.strategy.services.catalogue import CatalogueFileError, ImportReport, catalogue_import
from verbund.strategy.services.inventory import (
    DASHBOARD,
    VOLUMES,
    DashboardImportError,
    DashboardResult,
    EntryData,
    VolumeImportError,
    case_volume_import,
    case_volume_save,
    coverage_refresh,
    inventory_entry_save,
    inventory_import_dashboard,
    product_tag_add,
    product_tag_remove,
    product_tags_add,
    roadmap_item_save,
    weights_save,
)

__all__ = [
    "DASHBOARD",
    "VOLUMES",
    "CatalogueFileError",
    "DashboardImportError",
    "DashboardResult",
    "EntryData",
    "ImportReport",
    "VolumeImportError",
    "case_volume_import",
    "case_volume_save",
    "catalogue_import",
    "coverage_refresh",
    "inventory_entry_save",
    "inventory_import_dashboard",
    "product_tag_add",
    "product_tag_remove",
    "product_tags_add",
    "roadmap_item_save",
    "weights_save",
]
