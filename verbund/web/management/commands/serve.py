"""`verbund serve`: the production web server, gunicorn, with the settings from the environment (ADR 0027).

    VERBUND_BIND=0.0.0.0:8000 VERBUND_WORKERS=4 verbund serve
    verbund serve --bind unix:/run/verbund/web.sock --workers 4

Workers default to 2 × CPU cores + 1 (`VERBUND_WORKERS=0`). Static files are served by the app itself
(WhiteNoise), so run `verbund collectstatic` once per release. Behind a reverse proxy set
`BEHIND_TLS_PROXY=true` and, if the proxy is not on 127.0.0.1, `FORWARDED_ALLOW_IPS`. Background jobs run in
separate `verbund jobs-worker` processes, not here.
"""

import multiprocessing
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def gunicorn_options(*, bind: str, workers: int, timeout: int, threads: int, keepalive: int = 5) -> dict[str, Any]:
    return {
        "bind": [part.strip() for part in bind.split(",") if part.strip()],
        "workers": workers if workers > 0 else 2 * multiprocessing.cpu_count() + 1,
        "threads": max(1, threads),
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": keepalive,  # seconds an idle connection stays open; keep it above clients' think time
        "max_requests": 2000,  # recycle workers now and then (memory)
        "max_requests_jitter": 200,
        "accesslog": "-",
        "errorlog": "-",
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "proc_name": "verbund",
        # gunicorn's control socket sits at one path per user ($HOME/.gunicorn): off, so that several instances
        # (staging beside production, a benchmark) can run under one account; systemd does the controlling.
        "control_socket_disable": True,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
    }


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (bind address and workers from the environment or flags)."
    requires_system_checks: list[str] = []  # gunicorn's workers load the app; checks run with `check --deploy`

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=settings.SERVE_BIND, help="host:port or unix:PATH (env VERBUND_BIND)")
        parser.add_argument(
            "--workers", type=int, default=settings.SERVE_WORKERS, help="0: 2 × cores + 1 (env VERBUND_WORKERS)"
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("VERBUND_THREADS", "1")))
        parser.add_argument("--timeout", type=int, default=settings.SERVE_TIMEOUT, help="seconds (VERBUND_TIMEOUT)")
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(os.environ.get("VERBUND_KEEPALIVE", "5")),
            help="seconds an idle connection stays open (env VERBUND_KEEPALIVE)",
        )
        parser.add_argument("--print-config", action="store_true", help="print the gunicorn options and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        config = gunicorn_options(
            bind=options["bind"],
            workers=options["workers"],
            timeout=options["timeout"],
            threads=options["threads"],
            keepalive=options["keep_alive"],
        )
        if options["print_config"]:
            for key, value in sorted(config.items()):
                self.stdout.write(f"{key} = {value!r}")
            return
        from gunicorn.app.base import BaseApplication

        from verbund.config.wsgi import application

        class VerbundApplication(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        VerbundApplication().run()
