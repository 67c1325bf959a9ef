"""The REST API at /api/v1/: OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs.

One place maps every exception to the declared error schema (`core.api_types.Error`) and declares the error
answers of every operation in the published schema, so that the schema is true for every response (ADR 0023).
The parser refuses control characters in every query value and every string of a JSON body before any
endpoint sees them.
"""

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic.json_schema import models_json_schema

from verbund.accounts.selectors import user_for_api_token
from verbund.availability.api import router as availability_router
from verbund.billing.api import router as billing_router
from verbund.catalog.api import router as catalog_router
from verbund.closing.api import router as closing_router
from verbund.controlling.api import router as controlling_router
from verbund.core.api_types import Error, ErrorItem, error_items
from verbund.core.params import control_character_position
from verbund.costing.api import router as costing_router
from verbund.evidence.api import router as evidence_router
from verbund.governance.api import router as governance_router
from verbund.orders.api import router as orders_router
from verbund.ownership.api import router as ownership_router
from verbund.registry.api import router as registry_router
from verbund.scenarios.api import router as scenarios_router
from verbund.strategy.api import router as strategy_router
from verbund.surveys.api import router as surveys_router

CONTROL_CHARACTER_MESSAGE = "The text contains a control character (position {position}); remove it."


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer vbd_…` for machine clients (tokens: `verbund create-api-token USER`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is not None:
            request.user = user
        return user


class RefusedText(ValueError):
    """A string in the request body with a control character; `loc` says where."""

    def __init__(self, loc: list[str | int], position: int) -> None:
        super().__init__(CONTROL_CHARACTER_MESSAGE.format(position=position + 1))
        self.loc = loc


def _check_strings(value: Any, loc: list[str | int]) -> None:
    if isinstance(value, str):
        if (position := control_character_position(value)) is not None:
            raise RefusedText(loc, position)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, loc)
            _check_strings(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, [*loc, index])


class TextCheckingParser(Parser):
    """JSON bodies and query strings as ninja parses them, but refusing control characters."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        _check_strings(data, ["body"])  # ninja turns any exception here into a 400; the handler below into 422
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        try:
            _check_strings(result, ["query"])
        except RefusedText as exc:
            raise NinjaValidationError([{"loc": exc.loc, "msg": str(exc), "type": "control_character"}]) from exc
        return result


class VerbundAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_error_responses(schema)
        return schema


_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_DESCRIPTIONS = {
    400: "The request body is not valid JSON.",
    401: "No valid session or API token.",
    403: "The caller's role does not allow this.",
    404: "No such object, or not one the caller may see.",
    422: "A parameter or field is invalid, or the service refused the request; `detail` names the field.",
}


def declare_error_responses(schema: dict[str, Any]) -> None:
    """Add the error answers every operation can give, all with the `Error` schema."""
    _, definitions = models_json_schema(
        [(Error, "serialization"), (ErrorItem, "serialization")], ref_template="#/components/schemas/{model}"
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definitions.get("$defs", {}))
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            codes = [403, 404, 422]
            if operation.get("security"):
                codes.append(401)
            if "requestBody" in operation:
                codes.append(400)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {"description": _ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": _ERROR_REF}}},
                )


api = VerbundAPI(
    title="Verbund API",
    version="1",
    description="REST API of Verbund. Every list is scoped to what the caller may see. Every error answer has "
    "the `Error` schema: `detail` is a message or a list of refused fields.",
    auth=[ApiTokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    parser=TextCheckingParser(),
)
api.add_router("/", registry_router)
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/governance", governance_router)
api.add_router("/costing", costing_router)
api.add_router("/billing", billing_router)
api.add_router("/closing", closing_router)
api.add_router("/strategy", strategy_router)
api.add_router("/availability", availability_router)
api.add_router("/scenarios", scenarios_router)
api.add_router("/evidence", evidence_router)
api.add_router("/controlling", controlling_router)
api.add_router("/surveys", surveys_router)
api.add_router("/ownership", ownership_router)


# ---------------------------------------------------------------- the one mapping from exceptions to errors


def _error(request: HttpRequest, status: int, detail: str | list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


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
    return _error(request, 422, detail)


@api.exception_handler(NinjaValidationError)
def input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return _error(request, 422, error_items(list(exc.errors)))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, RefusedText):
        return _error(request, 422, [{"loc": cause.loc, "msg": str(cause), "type": "control_character"}])
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not Found")


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "You are not allowed to do this.")
