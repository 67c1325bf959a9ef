"""Local demo (`make demo`): served over plain http on 127.0.0.1, SQLite in var/."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SERVED_OVER_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECRET_KEY", "demo-only-secret-key-not-for-production-0123456789abcdef")

from verbund.config.settings.base import *  # noqa: F403
