"""REST API for committees, meetings, papers, votes and decisions (/api/v1/governance/...).

Reads go through the access layer and the governance selectors (non-public agenda items and papers only for
those who may see them; the API serves the roles' permissions, not the seat rule of the pages: ADR 0029). Writes
check the role's Django permission first (403), then load the objects the caller may see (404) and leave every
business rule to the services, whose refusals become 422 with the field named. Voting is the exception: any
logged-in user may try; the service decides (only the seat's person, or its recorded proxy, votes for a seat, and
only in its own committee).

One module per area; each names its operation ids as they were when the API was one module
(`verbund_governance_api_<function>`), so that the published schema does not change with the layout.
"""

from ninja import Router

from verbund.governance.api import committees, meetings, papers, votes

router = Router(tags=["governance"])
for area in (committees, meetings, papers, votes):
    router.add_router("", area.router)
