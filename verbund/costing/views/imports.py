"""The upload of a plan spreadsheet: checked at once (line errors on the page, nothing written), imported by a
background job (`costing.tasks.PLAN_IMPORT`, ADR 0026)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.core.access import Action, require_permission
from verbund.costing import spreadsheet
from verbund.costing.forms import PlanImportForm
from verbund.costing.tasks import PLAN_IMPORT, check_plan_rows, read_plan_file
from verbund.costing.views.common import _plan
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect

COUNT_LABELS = {
    "centres": gettext_lazy("Cost centres"),
    "cost_types": gettext_lazy("Cost types"),
    "costs": gettext_lazy("Planned costs"),
    "flows": gettext_lazy("Service flows"),
    "products": gettext_lazy("Products"),
    "mappings": gettext_lazy("Product mappings"),
}


@login_required
def plan_import(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Replace a draft plan's figures by a CSV or Excel file (the columns of the plan export). Every line is
    checked first; a file with any error imports nothing. The import itself runs as a job."""
    require_permission(request.user, "costing.change_planversion")
    plan = _plan(request, plan_id, Action.CHANGE)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"plan": plan, "form": form, "page_title": _("Import plan figures")}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            rows = read_plan_file(upload.name, data)
            if form.cleaned_data["dry_run"]:
                result = spreadsheet.import_rows(actor=request.user, plan=plan, rows=rows, dry_run=True)
                context["result"] = result
                context["counts"] = [(COUNT_LABELS.get(name, name), n) for name, n in result.counts.items()]
            else:
                check_plan_rows(plan=plan, rows=rows)
                job = job_start(
                    actor=request.user, kind=PLAN_IMPORT, subject=plan, input_name=upload.name, input_data=data
                )
                return job_redirect(request, job)
        except spreadsheet.PlanImportError as exc:
            context["import_errors"] = exc.errors
    return render(request, "costing/plan_import.html", context)
