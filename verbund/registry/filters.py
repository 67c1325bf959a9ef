"""One filter for the organisation list, used by the web page and the API alike."""

from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field

from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization


class OrganizationFilter(Schema):
    kind: OrganizationKind | None = Field(None, description="kind of organisation")
    land: str | None = Field(None, pattern=r"^(0[1-9]|1[0-6])$", description="Land code 01–16")
    ags_prefix: str | None = Field(None, pattern=r"^\d{1,8}$", description="leading digits of the AGS")
    q: str | None = Field(None, max_length=100, description="part of the name")
    active: bool | None = Field(None, description="only active (true) or inactive (false) organisations")

    def apply(self, queryset: QuerySet[Organization]) -> QuerySet[Organization]:
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.land:
            queryset = queryset.filter(land=self.land)
        if self.ags_prefix:
            queryset = queryset.filter(ags__startswith=self.ags_prefix)
        if self.q and self.q.strip():
            term = self.q.strip()
            queryset = queryset.filter(Q(name__icontains=term) | Q(short_name__icontains=term) | Q(ags=term))
        if self.active is not None:
            queryset = queryset.filter(is_active=self.active)
        return queryset
