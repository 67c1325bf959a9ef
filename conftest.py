"""Shared test fixtures: a small registry and a cast of users (alice and bob are contacts of two members)."""

import datetime as dt
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from verbund.accounts.roles import Role

PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_no_delete_triggers():
    """Django's test flush (transactional and browser tests) empties tables with DELETE on SQLite, which the
    append-only `*_no_delete` triggers refuse (PostgreSQL flushes with TRUNCATE, which fires no row trigger).
    For the flush's own statements only, drop those triggers and create them again afterwards."""
    from django.db.backends.sqlite3 import base  # importing operations first is a circular import

    DatabaseOperations = base.DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):  # type: ignore[no-untyped-def]
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_delete'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            original(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                for _name, sql in triggers:
                    cursor.execute(sql)

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture
def registry(db):
    """Land NRW → RB Münster → Kreis Warendorf → Telgte, Ahlen; provider citeq; an agreement with both towns."""
    from verbund.registry.choices import OrganizationKind as K
    from verbund.registry.services import agreement_accession_record, agreement_create, organization_create

    nrw = organization_create(actor=None, name="Nordrhein-Westfalen", kind=K.STATE, ags="05", land="05")
    rb = organization_create(actor=None, name="Reg.-Bez. Münster", kind=K.REGION, ags="055", parent=nrw)
    kreis = organization_create(
        actor=None, name="Warendorf", kind=K.DISTRICT, ags="05570", parent=rb, population=280000
    )
    telgte = organization_create(
        actor=None,
        name="Telgte, Stadt",
        kind=K.MUNICIPALITY,
        ags="05570044",
        ars="055700044044",
        parent=kreis,
        population=20222,
    )
    ahlen = organization_create(
        actor=None,
        name="Ahlen, Stadt",
        kind=K.MUNICIPALITY,
        ags="05570004",
        ars="055700004004",
        parent=kreis,
        population=53348,
    )
    citeq = organization_create(actor=None, name="citeq", short_name="citeq", kind=K.PROVIDER, land="05")
    agreement = agreement_create(actor=None, name="ÖrV citeq", provider=citeq, valid_from=dt.date(2019, 1, 1))
    agreement_accession_record(actor=None, agreement=agreement, organization=telgte, joined_on=dt.date(2019, 1, 1))
    agreement_accession_record(actor=None, agreement=agreement, organization=ahlen, joined_on=dt.date(2019, 1, 1))
    return {
        "nrw": nrw,
        "rb": rb,
        "kreis": kreis,
        "telgte": telgte,
        "ahlen": ahlen,
        "citeq": citeq,
        "agreement": agreement,
    }


def _user(username, role, organization, **extra):
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username=username,
        password=PASSWORD,
        role=role,
        organization=organization,
        validate_password=False,
        **extra,
    )


@pytest.fixture
def admin_user(registry):
    return _user("anna", Role.PROVIDER_ADMIN, registry["citeq"])


@pytest.fixture
def alice(registry):
    """Member contact of Telgte."""
    return _user("alice", Role.MEMBER_CONTACT, registry["telgte"])


@pytest.fixture
def bob(registry):
    """Member contact of Ahlen."""
    return _user("bob", Role.MEMBER_CONTACT, registry["ahlen"])


@pytest.fixture
def auditor(registry):
    return _user("rita", Role.AUDITOR, registry["citeq"])


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def english():
    """Messages in English, for tests that match message text (German is the default language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
