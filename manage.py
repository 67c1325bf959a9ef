#!/usr/bin/env python
"""Django's command-line utility; `.venv/bin/verbund` is the same entry point."""

from verbund.manage import main

if __name__ == "__main__":
    main()
