import io

from django.core.management import call_command

from verbund.web.management.commands.serve import gunicorn_options


def test_serve_takes_bind_and_workers_from_flags_and_environment(settings):
    out = io.StringIO()
    call_command("serve", "--print-config", "--bind", "0.0.0.0:9000,unix:/tmp/v.sock", "--workers", "3", stdout=out)
    text = out.getvalue()
    assert "bind = ['0.0.0.0:9000', 'unix:/tmp/v.sock']" in text and "workers = 3" in text


def test_zero_workers_means_two_per_core_plus_one(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)
    assert gunicorn_options(bind="127.0.0.1:8000", workers=0, timeout=60, threads=1)["workers"] == 9
