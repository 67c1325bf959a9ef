"""Performance measurements for Verbund (`make bench`). Speed is measured here, never asserted in tests."""
