from verbund.core.forms import SpreadsheetUploadForm


class CatalogueImportForm(SpreadsheetUploadForm):
    """The catalogue as CSV or Excel (the columns of the catalogue export)."""
