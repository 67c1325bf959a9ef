"""The OParl views: plain Django views answering GET (and HEAD) with JSON.

Stateless on purpose: no view reads `request.user` or `request.session`, so the session middleware sets no cookie
and adds no `Vary: Cookie`, and every answer carries `Cache-Control: public, max-age=300` and
`Access-Control-Allow-Origin: *`. Everything is public record; the published querysets in `queries` decide what
is shown, not the caller. Unknown ids and paths answer 404 with an OParl Error object.
"""

from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from verbund.governance.models import Attachment, Committee
from verbund.governance.oparl import serializers
from verbund.governance.oparl.common import context_for, error_response, oparl_response, with_headers
from verbund.governance.oparl.lists import list_response
from verbund.governance.oparl.queries import KINDS, ORGANIZATION_LISTS, body_ids, paper_published
from verbund.registry.models import Organization


def _not_found(what: str = "object") -> HttpResponse:
    return error_response(404, f"No such {what} in this OParl system.")


@require_safe
def system(request: HttpRequest) -> HttpResponse:
    # Public pages (the root asks for a login): the installation's "about" page and its section on the software.
    website = request.build_absolute_uri(reverse("web:about"))
    software = f"{website}#software"
    bodies = list(Organization.objects.filter(pk__in=body_ids()).order_by("pk").only("created", "modified", "email"))
    data = serializers.system(
        context_for(request),
        website=website,
        vendor=str(getattr(settings, "OPARL_VENDOR_URL", "") or software),
        product=str(getattr(settings, "OPARL_PRODUCT_URL", "") or software),
        bodies=bodies,
    )
    return oparl_response(data)


@require_safe
def body_list(request: HttpRequest) -> HttpResponse:
    return list_response(request, KINDS["body"], Q())  # the rows of Body are the published bodies already


@require_safe
def detail(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    obj = spec.published().filter(pk=pk).first()
    if obj is None:
        return _not_found(kind)
    return oparl_response(serializers.SERIALIZERS[kind](obj, context_for(request)))


@require_safe
def body_sublist(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if not body_ids().filter(pk=pk).exists():
        return _not_found("body")
    spec = KINDS[kind]
    return list_response(request, spec, spec.in_bodies([pk]))


@require_safe
def organization_sublist(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if not Committee.objects.filter(pk=pk, body__in=body_ids()).exists():
        return _not_found("organization")
    return list_response(request, KINDS[kind], ORGANIZATION_LISTS[kind](pk))


@require_safe
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes of a published, live file, with its type; sandboxed so that no uploaded HTML runs here."""
    attachment: Any = (
        Attachment.objects.alive()
        .filter(
            paper_published(ref="paper_id", prefix="paper__"),
            pk=pk,
            paper__deleted=False,
            paper__body__in=body_ids(),
        )
        .only("content", "mime_type", "file_name")
        .first()
    )
    if attachment is None:
        return _not_found("file")
    response = HttpResponse(bytes(attachment.content), content_type=attachment.mime_type or "application/octet-stream")
    disposition = content_disposition_header(as_attachment=False, filename=attachment.file_name)
    if disposition:
        response["Content-Disposition"] = disposition
    response["Content-Security-Policy"] = "sandbox"
    return with_headers(response)


@require_safe
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return _not_found("path")
