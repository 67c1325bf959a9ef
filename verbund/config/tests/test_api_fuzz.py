"""Fuzzing the REST API against its own published OpenAPI schema (schemathesis, ADR 0023).

Every operation gets valid and invalid input generated from the schema; every answer must be a documented status
with a body that matches the documented schema, and none may be a 500. Bounded (examples per operation) and
deterministic (derandomised), so that it runs in the normal suite on SQLite and PostgreSQL.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from verbund.accounts.services import api_token_create
from verbund.config.api import api

EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def in_process(db):
    """Keep the test's database connection open across in-process WSGI requests (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The published schema, exactly as /api/v1/openapi.json serves it; requests go in-process to the WSGI application.
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=EXAMPLES_PER_OPERATION,
    deterministic=True,
    with_security_parameters=False,
    database="none",
)


@pytest.fixture
def token(admin_user, registry):
    """A provider administrator's token: the role that may call every operation, so that input reaches the code."""
    _token, raw = api_token_create(actor=None, user=admin_user, name="fuzz")
    return raw


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_yields_a_server_error_or_an_undocumented_answer(case, token, in_process):
    # A valid request may still be refused by the business rules (422) or name an object that does not exist
    # (404): that is documented, so the "schema-valid request rejected" check does not apply to this API.
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance])
