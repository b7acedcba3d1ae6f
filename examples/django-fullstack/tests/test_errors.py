"""Every error reaches the client as RFC 9457 problem details, never as a stack trace."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config import urls as project_urls

PROBLEM = "application/problem+json"
SECRET = "secret internal state"


def explode(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


class FailingApi(APIView):
    """Raises what its URL names: Django's 404 or 403, or an unexpected error."""

    def get(self, request: Request, failure: str) -> Response:
        if failure == "missing":
            raise Http404
        if failure == "forbidden":
            raise PermissionDenied
        raise RuntimeError(SECRET)


# This module is the URL configuration of its tests: the project's routes and
# error handlers, plus views that fail on purpose.
urlpatterns = [
    path("explode", explode),
    path("forbidden", forbidden),
    path("api/failing/<str:failure>", FailingApi.as_view()),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def client() -> Client:
    """A client that answers server errors like a real server instead of raising them."""
    return Client(raise_request_exception=False)


def test_unknown_route_is_a_problem(client: Client) -> None:
    response = client.get("/no-such-route")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/no-such-route",
    }


@pytest.mark.parametrize("url", ["/explode", "/api/failing/explode"])
def test_unexpected_error_hides_its_details(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["title"] == "Internal Server Error"
    assert SECRET not in response.text


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/forbidden", 403),
        ("/api/failing/forbidden", 403),
        ("/api/failing/missing", 404),
    ],
)
def test_django_errors_are_problems(client: Client, url: str, status: int) -> None:
    response = client.get(url)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM


def test_a_failed_csrf_check_is_a_problem() -> None:
    response = Client(enforce_csrf_checks=True).post("/forbidden")

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"].startswith("CSRF verification failed")


def test_a_method_a_view_does_not_take_is_a_problem(client: Client) -> None:
    response = client.post("/health/live")

    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.json()["detail"] == 'Method "POST" not allowed.'


@pytest.mark.parametrize(
    ("url", "host", "status"),
    [
        ("/no-such-page", "localhost", 404),
        ("/explode", "localhost", 500),
        ("/forbidden", "localhost", 403),
        ("/health/live", "evil.example", 400),
    ],
)
def test_browsers_get_html_error_pages(client: Client, url: str, host: str, status: int) -> None:
    response = client.get(url, headers={"Accept": "text/html", "Host": host})

    assert response.status_code == status
    assert response["content-type"].startswith("text/html")
    assert SECRET not in response.text


def test_browsers_get_django_s_own_405(client: Client) -> None:
    response = client.post("/", headers={"Accept": "text/html"})

    assert response.status_code == 405
    assert response.headers["content-type"] != PROBLEM


def test_browsers_get_django_s_own_csrf_failure_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/forbidden", headers={"Accept": "text/html"})

    assert response.status_code == 403
    assert response["content-type"].startswith("text/html")
