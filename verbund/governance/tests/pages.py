"""Helpers of the governance page tests (test_views*.py): a logged-in client, the messages of a response, and
the committee fixture's meeting with everybody present and a proposed catalogue on its agenda."""

import datetime as dt

from django.test import Client

from verbund.governance import services


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def attend_all(setup):
    for key in ("telgte", "ahlen", "kreis"):
        services.attendance_record(actor=None, meeting=setup["meeting"], membership=setup["seats"][key], present=True)


def propose_version(registry, year=2027):
    from verbund.catalog.services import catalogue_version_compose, catalogue_version_create, catalogue_version_propose

    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=year, name=f"Katalog {year}")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    return version


def put_catalogue_on_agenda(setup, registry):
    version = propose_version(registry)
    paper = services.paper_create(
        actor=None,
        body=registry["citeq"],
        reference="ZA-V-2026/07",
        name="Produktkatalog 2027",
        date=dt.date(2026, 11, 1),
        subject_kind="catalogue_version",
        subject_id=version.pk,
        proposed_resolution="Der Zentralausschuss beschließt den Produktkatalog 2027.",
    )
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Produktkatalog 2027", paper=paper)
    return version, item
