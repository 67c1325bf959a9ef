"""`python -m verbund.costing.engine MODEL.json`: the costing engine without Django or a database."""

import sys

from .cli import main

sys.exit(main())
