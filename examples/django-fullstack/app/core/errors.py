"""Domain errors, and their answers as RFC 9457 problem details.

Services and selectors raise the domain errors below. Every error reaches the
client as ``application/problem+json``: from Django REST Framework views
through ``app.core.rest.problem_exception_handler``, from plain views through
:class:`ProblemDetailsMiddleware`, and Django's own 400, 403, 404 and 500
answers (and a failed CSRF check) through the handlers the settings and the URL
configuration name. A stack trace never reaches a client.
A browser asking for a page gets an HTML error page with the same status instead.
"""

from http import HTTPStatus
from typing import Any

import structlog
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.utils.deprecation import MiddlewareMixin
from django.views import csrf, defaults

PROBLEM_CONTENT_TYPE = "application/problem+json"
# While a dependency is down, clients are asked to try again after this many seconds.
RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "The database is unavailable; retry shortly."

logger = structlog.stdlib.get_logger(__name__)


class DomainError(Exception):
    """Base class of the errors services raise on purpose."""

    status_code = HTTPStatus.BAD_REQUEST

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFoundError(DomainError):
    status_code = HTTPStatus.NOT_FOUND


class ConflictError(DomainError):
    status_code = HTTPStatus.CONFLICT


class InvalidInputError(DomainError):
    """The request failed validation; ``errors`` lists each problem."""

    status_code = HTTPStatus.UNPROCESSABLE_ENTITY


class ServiceUnavailableError(DomainError):
    """A dependency is down: the answer says when to retry (Retry-After)."""

    status_code = HTTPStatus.SERVICE_UNAVAILABLE


def domain_problem(request: HttpRequest, error: DomainError) -> JsonResponse:
    """The problem a domain error answers with; a 503 also says when to retry."""
    response = problem(request, error.status_code, error.detail, **error.extensions)
    if isinstance(error, ServiceUnavailableError):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def problem(
    request: HttpRequest,
    status: HTTPStatus,
    detail: str | None = None,
    **extensions: Any,
) -> JsonResponse:
    """An RFC 9457 response: ``type``, ``title``, ``status``, ``detail``, ``instance``."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": status.phrase,
        "status": int(status),
        "instance": request.path,
    }
    if detail is not None:
        body["detail"] = detail
    body.update(extensions)
    return JsonResponse(body, status=int(status), content_type=PROBLEM_CONTENT_TYPE)


def error_page(status: HTTPStatus, detail: str = "") -> HttpResponse:
    """Django's plain HTML error page, for a status Django has no handler of its own for."""
    context = {"title": f"{status.phrase} ({int(status)})", "details": detail}
    return HttpResponse(defaults.ERROR_PAGE_TEMPLATE % context, status=int(status))


def payload_too_large(request: HttpRequest) -> HttpResponse:
    """413: the request body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    detail = f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
    if _wants_html(request):
        return error_page(status, detail)
    return problem(request, status, detail)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 while the database does not answer, with the seconds to wait in Retry-After."""
    status = HTTPStatus.SERVICE_UNAVAILABLE
    if _wants_html(request):
        response = error_page(status, DATABASE_UNAVAILABLE)
    else:
        response = problem(request, status, DATABASE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ProblemDetailsMiddleware(MiddlewareMixin):
    """Problem details for what a view raises or refuses that has an answer.

    Domain errors, a database that is down, and a method the view does not take
    (``require_safe`` and ``require_POST`` answer it with a bare 405). Anything
    else is a bug: Django logs it and answers with the 500 handler.
    """

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_problem(request, exception)
        # Refused or timed-out connections, a pool that lent none in time, a statement
        # the server cancelled: the database is down or overloaded, not the request wrong.
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.warning("database_unavailable", error=type(exception).__name__)
            return database_unavailable(request)
        return None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if isinstance(response, HttpResponseNotAllowed) and not _wants_html(request):
            status = HTTPStatus.METHOD_NOT_ALLOWED
            refused = problem(request, status, f'Method "{request.method}" not allowed.')
            refused["Allow"] = response["Allow"]
            return refused
        return response


def _wants_html(request: HttpRequest) -> bool:
    """A browser asking for a page gets an HTML error page instead of JSON."""
    return request.get_preferred_type(["application/json", "text/html"]) == "text/html"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_html(request):
        return defaults.bad_request(request, exception)
    return problem(request, HTTPStatus.BAD_REQUEST)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_html(request):
        return defaults.permission_denied(request, exception)
    return problem(request, HTTPStatus.FORBIDDEN)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_html(request):
        return defaults.page_not_found(request, exception)
    return problem(request, HTTPStatus.NOT_FOUND)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_html(request):
        return defaults.server_error(request)
    return problem(request, HTTPStatus.INTERNAL_SERVER_ERROR)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an unsafe request to a view that wants a CSRF token."""
    if _wants_html(request):
        return csrf.csrf_failure(request, reason)
    return problem(request, HTTPStatus.FORBIDDEN, f"CSRF verification failed: {reason}")
