from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "verbund.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Every app declares its job kinds in its `tasks.py` (`verbund.jobs.kinds.job_kind`); load them all so
        # that a worker knows every kind, whichever app enqueued it.
        autodiscover_modules("tasks")
