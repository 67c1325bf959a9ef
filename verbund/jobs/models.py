"""One row per piece of long work (a plan calculation, an import, a billing run, an export).

The django-tasks queue (`django_tasks_db`) only carries `run_job(job_id, token)`; everything a user sees (kind,
who, for what, progress, result or error) lives here, so that the page, the API, the health check and the
operators read one table whatever backend runs the work.
"""

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.jobs.choices import FINISHED, JobStatus


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default="de")
    # The object the work is for (a plan, a run, ...); a label keeps it readable if the object goes away.
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_label = models.CharField(_("for"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    input_name = models.CharField(max_length=200, blank=True)
    input_data = models.BinaryField(null=True, blank=True)  # an uploaded file: every worker machine can read it
    # Progress: done of total steps, and what is being done (a message id translated when shown, plus values).
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    progress_params = models.JSONField(default=dict, blank=True)
    # Outcome: a summary and a link, or a file to download; or an error in plain words.
    result_text = models.TextField(blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    result_data = models.BinaryField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Running it: each enqueue gets a fresh token, so that a superseded task (after a requeue) does nothing.
    token = models.UUIDField(default=uuid.uuid4)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["status", "created_at"], name="jobs_status_created_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="jobs_subject_idx"),
        ]

    # Members never see jobs through the access layer; the one who started a job sees it (selectors.job_list).
    access_owner_paths: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def subject_key(self) -> int:
        """The id of the object the job is for (a kind that needs one calls this)."""
        if self.subject_id is None:
            raise ValueError(f"job {self.pk} has no subject")
        return self.subject_id

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def kind_label(self) -> str:
        from verbund.jobs.kinds import KINDS

        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def progress_text(self) -> str:
        """What is being done, in the language of whoever looks."""
        if not self.progress_message:
            return ""
        params: dict[str, Any] = self.progress_params or {}
        text = gettext(self.progress_message)
        try:
            return text % params if params else text
        except (KeyError, TypeError, ValueError):
            return text
