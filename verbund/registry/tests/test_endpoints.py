"""Generic endpoint tests of the registry (verbund.core.testing): organisations and agreements, API and pages."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from verbund.core.testing import Bad, Endpoint, EndpointTests


def _telgte(ctx):
    return {"organization_id": ctx.registry["telgte"].pk}


def _agreement(ctx):
    return {"agreement_id": ctx.registry["agreement"].pk}


def _directory_file():
    from verbund.registry.tests.test_import import SAMPLE

    return SimpleUploadedFile("GV100AD_3112.txt", SAMPLE.encode("utf-8"))


CONTACT: dict[str, Any] = {"street": "Baßfeld 4", "postcode": "48291", "city": "Telgte", "email": "", "leitweg_id": ""}


class TestEndpoints(EndpointTests):
    endpoints = (
        # Organisations: a member sees its own record only (ADR 0022).
        Endpoint("api:organizations_list", kind="list", user="alice", shows=lambda ctx: "Telgte, Stadt"),
        Endpoint("api:organizations_get", kwargs=_telgte, user="alice"),
        Endpoint("registry:organization_list", kind="list", user="alice", shows=lambda ctx: "Telgte, Stadt"),
        Endpoint("registry:organization_detail", kwargs=_telgte, user="alice"),
        Endpoint("registry:organization_contact_edit", kwargs=_telgte),
        Endpoint(
            "registry:organization_contact_edit",
            kind="write",
            kwargs=_telgte,
            data=CONTACT,
            bad=Bad({**CONTACT, "postcode": "4829a"}, field="postcode"),
        ),
        # Agreements: every member of the agreement sees it (its own party row only), so another member's
        # contact sees the shared agreement too; the check is that Ahlen's party row stays hidden from alice.
        # The directory upload (provider staff only; it starts the import job): bob and the auditor get 403.
        Endpoint(
            "registry:directory_import",
            kind="write",
            data=lambda ctx: {"file": _directory_file()},
            bad=Bad({"deactivate_missing": "on"}, field="file"),
            other_status=403,
        ),
        Endpoint("api:agreements_list", kind="list", user="alice", shows=lambda ctx: "ÖrV citeq", other=None),
        Endpoint("api:agreements_get", kwargs=_agreement, user="alice", other=None),
        Endpoint("registry:agreement_list", kind="list", user="alice", shows=lambda ctx: "ÖrV citeq", other=None),
        Endpoint("registry:agreement_detail", kwargs=_agreement, user="alice", other=None),
    )
