"""The one django-tasks task: run a recorded job. Each app's job kinds live in that app's `tasks.py`."""

from django_tasks import task

from verbund.jobs import services


@task()
def run_job(job_id: int, token: str) -> None:
    services.job_execute(job_id=job_id, token=token)
