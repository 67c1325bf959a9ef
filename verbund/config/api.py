"""The REST API at /api/v1/: OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from verbund.accounts.selectors import user_for_api_token
from verbund.billing.api import router as billing_router
from verbund.catalog.api import router as catalog_router
from verbund.costing.api import router as costing_router
from verbund.governance.api import router as governance_router
from verbund.orders.api import router as orders_router
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
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/governance", governance_router)
api.add_router("/costing", costing_router)
api.add_router("/billing", billing_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A refused service call: 422 with one entry per field, in the same shape as ninja's input errors."""
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": " ".join(str(m) for m in messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        detail = [{"loc": ["body"], "msg": " ".join(exc.messages)}]
    return api.create_response(request, {"detail": detail}, status=422)
