from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from verbund.core.admin import AuditedAdminMixin, AuditedModelAdmin
from verbund.jobs.models import Job


@admin.register(Job)
class JobAdmin(AuditedModelAdmin[Job]):
    list_display = ("id", "kind", "status", "started_by", "subject_label", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("subject_label", "input_name", "error")
    exclude = ("input_data", "result_data")
    readonly_fields = [f.name for f in Job._meta.fields if f.name not in ("input_data", "result_data")]


# The queue rows of django-tasks-db: deleting one drops a queued job, which must leave a trace too.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, type("DBTaskResultAdmin", (AuditedAdminMixin, DBTaskResultAdmin), {}))
