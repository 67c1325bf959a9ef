"""Every endpoint has a declaration for the generic endpoint tests (verbund.core.testing), or a reason why not.

The URL names come from Django's resolver (pages, and the REST API, whose operations are named `api:<name>`);
the declarations from the `TestEndpoints` classes in `verbund/<app>/tests/test_endpoints.py`. A new URL without
a declaration fails here: declare it in its app's `test_endpoints.py` (see docs/development.md, "Endpoint tests").
"""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver

import verbund
from verbund.core.testing import Endpoint, EndpointTests, database_state

# Endpoints that cannot have the four generic tests, each with the reason. Keep this list short.
EXEMPT = {
    # Language switch (Django's own view): no object, no role; any visitor may switch.
    "set_language": "Django's language switch, for every visitor",
    # The API's description and its interactive page are public documentation, no data.
    "api:openapi-json": "public schema, no data (covered by config/tests/test_api_fuzz.py)",
    "api:openapi-view": "public documentation page, no data",
    "api:api-root": "ninja's index of the API, no data",
    # Signing in and out happens before (or after) there is a user with a role (accounts/tests/test_login.py).
    "accounts:login": "before authentication (accounts/tests/test_login.py)",
    "accounts:logout": "ends the session, no object (accounts/tests/test_login.py)",
    # Public pages without members' data.
    "web:about": "public page about the software, no data",
    "web:healthz": "load balancer probe without authentication (web/tests/test_serve.py)",
    # OParl 1.1 is public by design (ADR 0016): every client, logged in or not, sees the same public committee
    # data; there is no member scope to test (governance/tests/test_oparl*.py test what is published).
    "oparl:system": "public OParl (ADR 0016)",
    "oparl:body_list": "public OParl (ADR 0016)",
    "oparl:body": "public OParl (ADR 0016)",
    "oparl:organization": "public OParl (ADR 0016)",
    "oparl:person": "public OParl (ADR 0016)",
    "oparl:membership": "public OParl (ADR 0016)",
    "oparl:meeting": "public OParl (ADR 0016)",
    "oparl:agendaItem": "public OParl (ADR 0016)",
    "oparl:paper": "public OParl (ADR 0016)",
    "oparl:consultation": "public OParl (ADR 0016)",
    "oparl:file": "public OParl (ADR 0016)",
    "oparl:legislativeTerm": "public OParl (ADR 0016)",
    "oparl:location": "public OParl (ADR 0016)",
    "oparl:file_download": "public OParl (ADR 0016)",
    "oparl:not_found": "public OParl's JSON 404 for any other path",
    **{
        f"oparl:body_{name}": "public OParl (ADR 0016)"
        for name in (
            "organization",
            "person",
            "meeting",
            "paper",
            "membership",
            "agendaItem",
            "consultation",
            "file",
            "legislativeTerm",
            "location",
        )
    },
    "oparl:organization_meeting": "public OParl (ADR 0016)",
    "oparl:organization_consultation": "public OParl (ADR 0016)",
}
# Django's admin (/admin/) is for superusers and staff, with Django's own permission checks: not declared.
EXEMPT_NAMESPACES = ("admin",)


def _url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"every URL needs a name: {pattern.pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_names() -> set[str]:
    return set(_url_names())


def declared_endpoints() -> list[Endpoint]:
    """The declarations of every app's `tests/test_endpoints.py`."""
    found: list[Endpoint] = []
    for app in pkgutil.iter_modules(verbund.__path__):
        if app.name == "core":
            continue
        try:
            module = importlib.import_module(f"verbund.{app.name}.tests.test_endpoints")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"verbund.{app.name}.tests", f"verbund.{app.name}.tests.test_endpoints"):
                raise
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EndpointTests):
                found.extend(value.endpoints)
    return found


def test_every_endpoint_is_declared_or_exempt():
    declared = {endpoint.name for endpoint in declared_endpoints()}
    missing = sorted(url_names() - declared - set(EXEMPT))
    assert not missing, f"endpoints without a declaration in <app>/tests/test_endpoints.py: {missing}"


def test_declarations_and_exemptions_name_existing_endpoints():
    names = url_names()
    declared = {endpoint.name for endpoint in declared_endpoints()}
    assert not declared - names, f"declared but not a URL: {sorted(declared - names)}"
    assert not set(EXEMPT) - names, f"exempt but not a URL: {sorted(set(EXEMPT) - names)}"
    assert not declared & set(EXEMPT), f"both declared and exempt: {sorted(declared & set(EXEMPT))}"


def test_a_new_url_without_a_declaration_is_noticed(settings):
    settings.ROOT_URLCONF = "verbund.core.tests.urls_with_an_undeclared_page"
    declared = {endpoint.name for endpoint in declared_endpoints()}
    assert sorted(url_names() - declared - set(EXEMPT)) == ["undeclared"]


def test_the_snapshot_sees_an_update_not_only_new_rows(registry):
    from verbund.registry.models import Organization

    before = database_state()
    Organization.objects.filter(pk=registry["telgte"].pk).update(population=20223)
    assert database_state() != before


def test_writes_are_declared_with_a_writing_method():
    """A write declared as GET would run its read-only and bad-input checks against a page that writes nothing."""
    writes = [e for e in declared_endpoints() if e.kind == "write"]
    assert writes
    assert not [e.name for e in writes if e.http_method not in {"POST", "PUT", "PATCH", "DELETE"}]
