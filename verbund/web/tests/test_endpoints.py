"""Generic endpoint tests of the start page (verbund.core.testing): a member's dashboard shows its own figures,
never another member's."""

from verbund.core.testing import Endpoint, EndpointTests


class TestEndpoints(EndpointTests):
    endpoints = (
        Endpoint(
            "web:dashboard",
            kind="list",
            user="alice",
            setup=lambda ctx: {"registry": ctx.registry},
            shows=lambda ctx: "Telgte, Stadt",
        ),
    )
