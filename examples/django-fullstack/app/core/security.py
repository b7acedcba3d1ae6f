"""HTTP hardening: a bounded request body, and a Content-Security-Policy on every response.

The other security headers come from Django's own middleware and settings:
``SECURE_CONTENT_TYPE_NOSNIFF``, ``SECURE_REFERRER_POLICY``, ``X_FRAME_OPTIONS``
and, in production, HSTS.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware import csp
from django.utils.deprecation import MiddlewareMixin

from app.core.errors import payload_too_large

# The policy of every response that is no HTML page: it may load nothing, nor be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP middleware: HTML pages get ``SECURE_CSP``, everything else ``API_POLICY``.

    Django's middleware leaves a policy that is already set alone.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", API_POLICY)
        return super().process_response(request, response)


class RequestBodyLimitMiddleware(MiddlewareMixin):
    """A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413, before anything reads it.

    Django holds a body to the limit only where it reads the body itself
    (``request.body``, forms); Django REST Framework's parsers read the stream.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return payload_too_large(request)
        return None


def declared_length(request: HttpRequest) -> int:
    """The body's length as Content-Length declares it (0 without one, or a malformed one)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
