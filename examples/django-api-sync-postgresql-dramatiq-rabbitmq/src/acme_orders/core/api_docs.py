"""The API's documentation, served only with DOCS_ENABLED (production turns it off).

The OpenAPI schema at ``/api/schema/``; ``make openapi`` prints the same schema
without a server. No documentation UI: one loaded from a CDN would break the
Content-Security-Policy, and any OpenAPI tool reads the schema.
DRF's browsable API (the API as HTML pages) is the other half of the documentation.
"""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON with ``?format=json``); 404 unless DOCS_ENABLED."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if not settings.DOCS_ENABLED:
            raise Http404
        super().initial(request, *args, **kwargs)
