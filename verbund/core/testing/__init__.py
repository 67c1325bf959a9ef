"""Test helpers shared by the apps' test suites (imported by tests only, never by application code)."""

from verbund.core.testing.endpoints import Bad, Context, Endpoint, EndpointTests, database_state

__all__ = ["Bad", "Context", "Endpoint", "EndpointTests", "database_state"]
