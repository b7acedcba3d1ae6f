"""HTTP hardening: a trusted Host, a bounded JSON body, and security headers on every response.

Each guard answers with problem details, as every other error does: Starlette's
TrustedHostMiddleware, and FastAPI's max_body_size for a route that leaves the
body unread, answer in plain text.
"""

import re
from collections.abc import Iterable
from http import HTTPStatus

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem

# Loopback names stay trusted whatever ALLOWED_HOSTS says: the container's
# healthchecks call the app on 127.0.0.1.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
_PORT = re.compile(r":\d+$")

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)
# JSON loads nothing and is never framed. HTML (the docs UI) loads Swagger UI from a CDN: no CSP.
CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


class TrustedHostMiddleware:
    """Refuses (400) a request for any host but ``allowed_hosts`` and the loopback names.

    A forged Host would otherwise reach every absolute URL the service builds.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed_hosts = frozenset(host.lower() for host in (*allowed_hosts, *LOOPBACK_HOSTS))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _host(scope) in self.allowed_hosts:
            await self.app(scope, receive, send)
            return
        response = problem(
            Request(scope),
            HTTPStatus.BAD_REQUEST,
            "The Host header names a host this service does not serve.",
        )
        await response(scope, receive, send)


class RequestBodyMiddleware:
    """Admits the request bodies a JSON API reads: JSON (415 otherwise), at most ``max_bytes``.

    A declared Content-Length over the limit is refused at once; a streamed body
    when it grows past it (413 either way).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = f"The request body is larger than {max_bytes} bytes."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length", "")
        has_body = length not in {"", "0"} or "transfer-encoding" in headers
        if length.isdigit() and int(length) > self.max_bytes:
            response = problem(Request(scope), HTTPStatus.REQUEST_ENTITY_TOO_LARGE, self.too_large)
        elif has_body and not _is_json(headers.get("content-type", "")):
            response = problem(
                Request(scope), HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as JSON."
            )
        else:
            await self.app(scope, self._receive_at_most(receive), send)
            return
        await response(scope, receive, send)

    def _receive_at_most(self, receive: Receive) -> Receive:
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # FastAPI answers it through the HTTPException handler.
                raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, self.too_large)
            return message

        return receive_within_limit


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, and HSTS when ``hsts`` (production)."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        hsts_header = (("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY),)
        self.headers = SECURITY_HEADERS + hsts_header if hsts else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _host(scope: Scope) -> str:
    """The Host header without its port ("[::1]:8000" keeps its brackets)."""
    return _PORT.sub("", Headers(scope=scope).get("host", "")).lower()


def _is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
