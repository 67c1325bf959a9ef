from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)
