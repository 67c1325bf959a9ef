"""Generic endpoint tests from a declaration (issue #11): every list, detail and write endpoint of the REST API
and of the HTML pages gets the same four tests.

    from verbund.core.testing import Endpoint, EndpointTests

    class TestEndpoints(EndpointTests):
        endpoints = (
            Endpoint("orders:order_detail", kwargs=lambda ctx: {"order_id": ctx.order.pk}, user="alice"),
            ...
        )

For each declaration the class runs (as separate pytest items, ids `<url name> <method>`):

1. `test_success` — the allowed `user` gets `status`; a list shows the `shows` marker; a write changes the
   database (compared with a snapshot of every Verbund table).
2. `test_another_member_cannot_see_it` — the contact of another member (`other`, default bob of Ahlen; the
   objects of the declarations belong to alice's Telgte) gets `other_status` (404 for an object: ADR 0008/0022,
   existence is not revealed); on a list the `shows` marker is absent. A write by the other member changes nothing.
3. `test_read_only_role_cannot_write` (writes only) — `read_only` (default the auditor) gets `read_only_status`
   (403, or the endpoint's existing answer) and nothing changes.
4. `test_bad_input_changes_nothing` (writes with `bad`) — the allowed user sends the bad payload, gets
   `bad_status` with an error that names `bad.field`, and nothing changes.

Objects come from the apps' pytest fixtures (conftest.py): `ctx.<fixture name>` returns the fixture's value
(`ctx.registry["telgte"]`, `ctx.catalogue["workplace"]`), and `setup(ctx)` may create more and return them as a
dict (`ctx.order`); `ctx.request("seller")` sets up a fixture needed only for its rows. The declarations live in
`verbund/<app>/tests/test_endpoints.py` so that the app's conftest fixtures are at hand;
`verbund/core/tests/test_endpoints.py` fails for any URL or API operation without one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

Kind = Literal["list", "detail", "write"]
Factory = Callable[["Context"], Any]


class Context:
    """What a declaration's callables see: pytest fixtures by attribute (`ctx.registry`) and the objects that
    `setup` returned (`ctx.order`)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self._objects: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._objects:
            return self._objects[name]
        return self._request.getfixturevalue(name)

    def request(self, *fixtures: str) -> None:
        """Set up fixtures that the declaration needs for their effect (rows), not for their value."""
        for name in fixtures:
            self._request.getfixturevalue(name)

    def add(self, objects: Mapping[str, Any] | None) -> None:
        self._objects.update(objects or {})


@dataclass(frozen=True)
class Bad:
    """Bad input for a write: the payload and the field the error message must name. `message` (optional) is
    a text the answer must contain instead, for pages that show the error as a message rather than a form."""

    data: Factory | Mapping[str, Any]
    field: str | Factory  # a callable for names that depend on the objects (the cells of a grid)
    message: Callable[[], Any] | None = None  # e.g. lambda: Form.base_fields["quantity"].label (translated)


@dataclass(frozen=True)
class Endpoint:
    """One endpoint: its URL name (`app:name`, or `api:<function name>` for the REST API) and how to call it.
    Users (`user`, `other`, `read_only`) are named like fixtures, or like keys that `setup` returned."""

    name: str
    kind: Kind = "detail"
    method: str = ""  # default: GET for list/detail, POST for write
    kwargs: Factory | None = None  # URL arguments for reverse()
    query: Factory | Mapping[str, Any] | None = None  # query string of a GET
    data: Factory | Mapping[str, Any] | None = None  # body of a write (JSON for the API, form data for pages)
    setup: Factory | None = None  # creates further objects; returns a dict added to the context
    user: str = "admin_user"  # fixture name of a user allowed to call it
    status: int = 0  # expected success status; default 200, 302 for page writes
    shows: Factory | None = None  # lists: a text the allowed user sees and the other member does not
    other: str | None = "bob"  # fixture name of another member's contact; None: not applicable (say why)
    other_status: int = 0  # default: 404 for detail/write, 200 for lists (without the `shows` marker)
    read_only: str | None = "auditor"  # writes: fixture name of a read-only user; None: not applicable
    read_only_status: int = 403
    bad: Bad | None = None  # writes: bad input
    bad_status: int = 0  # default 422 for the API, 200 (form shown again with the error) for pages
    changes: bool = True  # writes: a successful call changes the database (False for previews)
    other_xfail: str = ""  # a known leak: the other-member test is expected to fail (strict), with this reason

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    @property
    def http_method(self) -> str:
        return self.method or ("POST" if self.kind == "write" else "GET")

    @property
    def success_status(self) -> int:
        if self.status:
            return self.status
        return 302 if self.kind == "write" and not self.is_api else 200

    @property
    def expected_other_status(self) -> int:
        return self.other_status or (200 if self.kind == "list" else 404)

    @property
    def expected_bad_status(self) -> int:
        return self.bad_status or (422 if self.is_api else 200)


def _value(value: Factory | Mapping[str, Any] | None, ctx: Context) -> Any:
    if value is None:
        return {}
    return value(ctx) if callable(value) else dict(value)


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every Verbund table (many-to-many tables included), in primary-key order: two equal snapshots
    mean nothing was written. Raw SQL, without the fields' conversions: this runs twice in every generic test."""
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model.__module__.startswith("verbund.") and not model._meta.proxy:
                table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
                cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # table and column names from the models
                state[model._meta.label] = cursor.fetchall()
    return state


def _changed_tables(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


class Call:
    """One prepared call of an endpoint: the URL resolved from the context."""

    def __init__(self, endpoint: Endpoint, request: pytest.FixtureRequest) -> None:
        self.endpoint = endpoint
        self.ctx = Context(request)
        if endpoint.setup is not None:
            self.ctx.add(endpoint.setup(self.ctx))
        self.url = reverse(endpoint.name, kwargs=endpoint.kwargs(self.ctx) if endpoint.kwargs else None)
        # Everything the request needs is built now, before any snapshot (fixtures are created on first use).
        self.query = _value(endpoint.query, self.ctx)
        self.payload = _value(endpoint.data, self.ctx)
        self.bad_payload = _value(endpoint.bad.data, self.ctx) if endpoint.bad is not None else None
        bad_field = endpoint.bad.field if endpoint.bad is not None else ""
        self.bad_field = str(bad_field(self.ctx) if callable(bad_field) else bad_field)

    def client(self, fixture: str) -> Client:
        client = Client()
        client.force_login(getattr(self.ctx, fixture))  # before any snapshot: logging in writes last_login
        return client

    def send(self, client: Client, data: Any = None) -> Any:
        endpoint = self.endpoint
        if endpoint.http_method == "GET":
            return client.get(self.url, self.query)
        payload = self.payload if data is None else data
        method = getattr(client, endpoint.http_method.lower())
        if endpoint.is_api:
            return method(self.url, json.dumps(payload, default=str), content_type="application/json")
        return method(self.url, payload)


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _describe(response: Any) -> str:
    return f"{response.status_code}: {response.content[:600]!r}"


def _names_field(response: Any, bad: Bad, field: str) -> bool:
    """The answer names the bad field: the API's error detail, a page's form errors or error dict, or (pages
    that redirect with a message, or show the error as text) the `message` in the page or the flashed messages."""
    if bad.message is not None:
        text = str(bad.message())
        flashed = " ".join(str(message) for message in get_messages(response.wsgi_request))
        return text in flashed or text in response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return field in json.dumps(response.json().get("detail"))
    for context in response.context or ():
        values = context.flatten()
        errors = values.get("errors")
        if isinstance(errors, Mapping) and field in errors:
            return True
        for value in values.values():
            if hasattr(value, "is_bound") and field in (value.errors or {}):
                return True
    return False


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.name} {endpoint.http_method}"


class EndpointTests:
    """Mixin for a pytest test class with `endpoints = (Endpoint(...), ...)`; see the module docstring."""

    endpoints: tuple[Endpoint, ...] = ()

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "endpoint" not in metafunc.fixturenames:
            return
        test = metafunc.function.__name__
        selected = [
            e
            for e in self.endpoints
            if test == "test_success"
            or (test == "test_another_member_cannot_see_it" and e.other is not None)
            or (test == "test_read_only_role_cannot_write" and e.kind == "write" and e.read_only is not None)
            or (test == "test_bad_input_changes_nothing" and e.kind == "write" and e.bad is not None)
        ]
        params = [
            pytest.param(e, marks=pytest.mark.xfail(reason=e.other_xfail, strict=True))
            if e.other_xfail and test == "test_another_member_cannot_see_it"
            else e
            for e in selected
        ]
        metafunc.parametrize("endpoint", params, ids=endpoint_id)

    def test_success(self, endpoint: Endpoint, request: pytest.FixtureRequest, db: None) -> None:
        call = Call(endpoint, request)
        client = call.client(endpoint.user)
        before = database_state() if endpoint.kind == "write" else None
        response = call.send(client)
        assert response.status_code == endpoint.success_status, _describe(response)
        if endpoint.shows is not None:
            assert str(endpoint.shows(call.ctx)) in _text(response), "the list does not show its marker"
        if before is not None and endpoint.changes:
            assert _changed_tables(before, database_state()), "the write changed nothing"

    def test_another_member_cannot_see_it(self, endpoint: Endpoint, request: pytest.FixtureRequest, db: None) -> None:
        assert endpoint.other is not None
        call = Call(endpoint, request)
        client = call.client(endpoint.other)
        before = database_state()
        response = call.send(client)
        assert response.status_code == endpoint.expected_other_status, _describe(response)
        if endpoint.shows is not None:
            assert str(endpoint.shows(call.ctx)) not in _text(response), "another member sees it"
        assert not (changed := _changed_tables(before, database_state())), f"changed: {changed}"

    def test_read_only_role_cannot_write(self, endpoint: Endpoint, request: pytest.FixtureRequest, db: None) -> None:
        assert endpoint.read_only is not None
        call = Call(endpoint, request)
        client = call.client(endpoint.read_only)
        before = database_state()
        response = call.send(client)
        assert response.status_code == endpoint.read_only_status, _describe(response)
        assert not (changed := _changed_tables(before, database_state())), f"changed: {changed}"

    def test_bad_input_changes_nothing(self, endpoint: Endpoint, request: pytest.FixtureRequest, db: None) -> None:
        assert endpoint.bad is not None
        call = Call(endpoint, request)
        client = call.client(endpoint.user)
        before = database_state()
        response = call.send(client, call.bad_payload)
        assert response.status_code == endpoint.expected_bad_status, _describe(response)
        assert _names_field(response, endpoint.bad, call.bad_field), f"no error names {call.bad_field!r}: " + _describe(
            response
        )
        assert not (changed := _changed_tables(before, database_state())), f"changed: {changed}"
