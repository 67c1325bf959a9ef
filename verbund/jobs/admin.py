from django.contrib import admin

from verbund.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("id", "kind", "status", "started_by", "subject_label", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("subject_label", "input_name", "error")
    exclude = ("input_data", "result_data")
    readonly_fields = [f.name for f in Job._meta.fields if f.name not in ("input_data", "result_data")]
