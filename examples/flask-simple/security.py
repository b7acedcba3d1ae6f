"""HTTP hardening: the hosts the app answers to, and the security headers of every response.

A request for another host is a 400 problem: Flask's ``TRUSTED_HOSTS`` turns it into
werkzeug's ``SecurityError`` before routing. Every response, errors included, tells
browsers not to sniff, frame or run it and not to leak its URL; in production it also
asks them to use HTTPS only.
"""

from http import HTTPStatus

from flask import Flask, Response
from werkzeug.exceptions import SecurityError

from errors import problem
from settings import Settings

# Loopback names stay trusted whatever ALLOWED_HOSTS says: the container's
# healthchecks call the app on 127.0.0.1.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
# Not werkzeug's message, which echoes the forged Host back.
FOREIGN_HOST_DETAIL = "The Host header names a host this service does not serve."
# The API answers JSON only: nothing in a response may load, run or be framed.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# HTTPS only, for a year (production: development serves plain HTTP).
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def install_security(app: Flask, settings: Settings) -> None:
    """Trust only the configured hosts, and add the security headers to every response."""
    app.config["TRUSTED_HOSTS"] = [*settings.allowed_hosts, *LOOPBACK_HOSTS]
    app.register_error_handler(SecurityError, _answer_foreign_host)
    headers = dict(SECURITY_HEADERS)
    if settings.environment == "production":
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY

    def add_security_headers(response: Response) -> Response:
        response.headers.update(headers)
        return response

    app.after_request(add_security_headers)


def _answer_foreign_host(_error: SecurityError) -> Response:
    return problem(HTTPStatus.BAD_REQUEST, FOREIGN_HOST_DETAIL)
