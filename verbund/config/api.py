"""The REST API at /api/v1/: OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs."""

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from verbund.accounts.selectors import user_for_api_token
from verbund.registry.api import router as registry_router


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer vbd_…` for machine clients (tokens: `verbund create-api-token USER`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Verbund API",
    version="1",
    description="REST API of Verbund. Every list is scoped to what the caller may see.",
    auth=[ApiTokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
)
api.add_router("/", registry_router)
