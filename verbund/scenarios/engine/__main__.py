"""`python -m verbund.scenarios.engine MODEL.json`: the scenario engine without Django or a database."""

import sys

from .cli import main

sys.exit(main())
