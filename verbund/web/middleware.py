"""Security headers that Django does not set itself: Content-Security-Policy and Permissions-Policy.

Verbund loads nothing from elsewhere (no CDN, no inline script or style: htmx is a static file configured by a
<meta> tag, charts are SVG with presentation attributes), so the policy can be strict (ADR 0023). A browser test
opens the main pages and fails on any CSP violation.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Adds the policies from settings (CONTENT_SECURITY_POLICY on HTML answers, PERMISSIONS_POLICY on all)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = str(getattr(settings, "CONTENT_SECURITY_POLICY", ""))
        self.permissions = str(getattr(settings, "PERMISSIONS_POLICY", ""))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        if self.csp and response.headers.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        return response
