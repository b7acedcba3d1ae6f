"""Bad input a client can send to a generated service, and what the service must answer.

The project tier sends every case to the app under its real server with production
settings. Each must be refused with a 4xx in RFC 9457 problem details (never a 5xx,
never a stack trace), and the server must keep serving. Cases come from the items API
every project with a database has (``/api/v1/items``); each is one raw HTTP request on
its own connection, so bodies and headers are sent exactly as written.
"""

from __future__ import annotations

import contextlib
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

ITEMS = "/api/v1/items"
# Past the INTEGER id column, past a 64-bit integer, not a number at all, and numbers
# a lenient parser accepts (a sign, hex, padding, an Arabic-Indic digit, percent-escapes).
BAD_IDS = (
    "0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "1" + "0" * 30,
    "abc",
    "1.5",
    "1e3",
    "+1",
    "0x10",
    "%201",
    "%D9%A1",
    "1%00",
    "..%2F..%2Fetc%2Fpasswd",
)
BAD_TEXT = {
    "NUL": "a\x00b",
    "lone surrogate": "\ud800",
    "lone low surrogate": "\udfff",
    "too long": "x" * 100_000,
    "empty": "",
    "whitespace only": "   ",
}
BAD_VALUES = {"number": 1, "null": None, "list": ["x"], "object": {"x": 1}, "bool": True}
MALFORMED = {
    "truncated": b'{"name": "x"',
    "trailing comma": b'{"name": "x",}',
    "single quotes": b"{'name': 'x'}",
    "bare word": b"name",
    "empty": b"",
    "array": b"[]",
    "string": b'"x"',
    "NaN": b'{"name": NaN}',
    "invalid UTF-8": b'{"name": "\xff\xfe"}',
    "deep nesting": b"[" * 10_000 + b"]" * 10_000,
    "deep object": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "null": b"null",
    "number": b"1",
    "infinite number": b'{"name": 1e400}',
}
# Well past the 1 MiB default of MAX_REQUEST_BODY_BYTES.
OVERSIZED = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'


@dataclass(frozen=True)
class Case:
    label: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # The exact status, where only one is right; any 4xx otherwise.
    status: int | None = None


def _json(value: object) -> bytes:
    # ensure_ascii keeps lone surrogates as escapes: valid JSON text, as a client sends it.
    return json.dumps(value).encode()


def cases() -> Iterator[Case]:
    """Every bad request, named."""
    for bad in BAD_IDS:
        for method in ("GET", "DELETE"):
            yield Case(f"{method} id {bad}", method, f"{ITEMS}/{bad}")
        yield Case(f"PATCH id {bad}", "PATCH", f"{ITEMS}/{bad}", _json({"name": "x"}))
        # A bad id with a bad body: either refusal is right.
        yield Case(f"PATCH id {bad} with NUL", "PATCH", f"{ITEMS}/{bad}", _json({"name": "\x00"}))
    for value in ("0", "-5", "101", "x", "1e2", "1.5", "", "99999999999999999999", "1%00"):
        yield Case(f"list limit={value}", "GET", f"{ITEMS}?limit={value}")
    for value in ("-1", "x", "1.5", "2147483648", "9223372036854775808", "1" + "0" * 30):
        yield Case(f"list offset={value}", "GET", f"{ITEMS}?offset={value}")
    for method, path in (("POST", ITEMS), ("PATCH", f"{ITEMS}/1")):
        for fieldname in ("name", "description"):
            for label, text in BAD_TEXT.items():
                if fieldname == "description" and label in {"empty", "whitespace only"}:
                    continue  # an empty description is a valid one
                body = {"name": "x", fieldname: text} if method == "POST" else {fieldname: text}
                yield Case(f"{method} {fieldname} {label}", method, path, _json(body))
            for label, value in BAD_VALUES.items():
                if fieldname == "description" and label == "null":
                    continue  # clears the description: valid
                body = {"name": "x", fieldname: value} if method == "POST" else {fieldname: value}
                yield Case(f"{method} {fieldname} {label}", method, path, _json(body))
        yield Case(f"{method} unknown field", method, path, _json({"name": "x", "colour": "red"}))
        for label, raw in MALFORMED.items():
            yield Case(f"{method} {label}", method, path, raw)
        yield Case(f"{method} over the size limit", method, path, OVERSIZED, status=413)
        yield Case(
            f"{method} form-encoded",
            method,
            path,
            b"name=x",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        yield Case(
            f"{method} text/plain", method, path, b'{"name": "x"}', {"Content-Type": "text/plain"}
        )
    yield Case("POST missing name", "POST", ITEMS, _json({"description": "no name"}))
    yield Case("POST no body", "POST", ITEMS, None)
    yield Case("POST a list of items", "POST", ITEMS, _json([{"name": "x"}]))
    yield Case("PUT the collection", "PUT", ITEMS, _json({"name": "x"}), status=405)
    yield Case("DELETE the collection", "DELETE", ITEMS, status=405)
    yield Case("PUT an item", "PUT", f"{ITEMS}/1", _json({"name": "x"}), status=405)
    yield Case("POST to an item", "POST", f"{ITEMS}/1", _json({"name": "x"}), status=405)
    yield Case("unknown route", "GET", "/api/v1/no-such-thing", status=404)
    yield Case("unknown version", "GET", "/api/v9/items", status=404)
    yield Case("foreign Host", "GET", ITEMS, headers={"Host": "evil.example.com"}, status=400)


JOBS = "/api/v1/jobs"
HOOK = "https://hooks.example.com/orders"


def job_cases() -> Iterator[Case]:
    """Bad submissions to the jobs API of a project with a task queue."""
    for label, url in (
        ("missing", None),
        ("not a URL", "not a url"),
        ("another scheme", "ftp://hooks.example.com/x"),
        ("no host", "http://"),
        ("NUL", "https://hooks.example.com/\x00"),
        ("number", 1),
    ):
        body = {"payload": {}} if url is None else {"url": url, "payload": {}}
        yield Case(f"job url {label}", "POST", JOBS, _json(body))
    for label, payload in (
        ("a list", [1]),
        ("a string", "x"),
        ("null", None),
        ("a lone surrogate", {"text": "\ud800"}),
        ("a lone surrogate key", {"\udfff": 1}),
    ):
        yield Case(f"job payload {label}", "POST", JOBS, _json({"url": HOOK, "payload": payload}))
    yield Case("job unknown field", "POST", JOBS, _json({"url": HOOK, "colour": "red"}))
    big = {"url": HOOK, "payload": {"blob": "x" * (2 * 1024 * 1024)}}
    yield Case("job over the size limit", "POST", JOBS, _json(big), status=413)
    for label, key in (("empty", ""), ("too long", "k" * 256)):
        yield Case(
            f"job idempotency key {label}",
            "POST",
            JOBS,
            _json({"url": HOOK}),
            {"Idempotency-Key": key},
        )
    for label, raw in (("truncated", b'{"url": '), ("deep nesting", b"[" * 10_000 + b"]" * 10_000)):
        yield Case(f"job {label}", "POST", JOBS, raw)
    yield Case("GET an unknown job", "GET", f"{JOBS}/no-such-job", status=404)
    for label, bad in (("a long id", "x" * 300), ("a NUL id", "%00")):
        yield Case(f"GET job with {label}", "GET", f"{JOBS}/{bad}")


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def send(port: int, case: Case, timeout: float = 15) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {
            "Accept": "application/json",
            # As a TLS-terminating proxy sends it (production redirects plain HTTP).
            "X-Forwarded-Proto": "https",
        }
        if case.body is not None:
            headers["Content-Type"] = "application/json"
        headers.update(case.headers)
        connection.putrequest(case.method, case.path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        if case.body is not None:
            connection.putheader("Content-Length", str(len(case.body)))
        # The server may answer (413) and close before reading a body it refuses.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.endheaders(case.body)
        response = connection.getresponse()
        return Answer(response.status, response.getheader("content-type", ""), response.read())
    finally:
        connection.close()


def judge(case: Case, answer: Answer) -> str | None:
    """What is wrong with the answer to ``case`` (None: nothing)."""
    where = f"{case.method} {case.path[:80]} ({case.label}): {answer.status}"
    if case.status is not None and answer.status != case.status:
        return f"{where}, expected {case.status}: {answer.body[:300]!r}"
    if not 400 <= answer.status < 500:
        return f"{where}, expected a 4xx: {answer.body[:300]!r}"
    if b"Traceback" in answer.body:
        return f"{where}: the body carries a stack trace"
    if not answer.content_type.startswith("application/problem+json"):
        return f"{where}: content type {answer.content_type!r}, not problem details"
    try:
        document = json.loads(answer.body)
    except ValueError:
        return f"{where}: the body is not JSON: {answer.body[:300]!r}"
    if not isinstance(document, dict) or document.get("status") != answer.status:
        return f"{where}: the problem's status is not the response's: {document!r}"
    return None


def attack(port: int, *, items: bool, jobs: bool) -> tuple[int, list[str]]:
    """Send the cases of the APIs the project has; the number sent, and what went wrong."""
    problems = []
    sent = 0
    for case in (*(cases() if items else ()), *(job_cases() if jobs else ())):
        sent += 1
        try:
            answer = send(port, case)
        except (OSError, http.client.HTTPException) as error:
            problems.append(f"{case.method} {case.path[:80]} ({case.label}): {error!r}")
            continue
        if (problem := judge(case, answer)) is not None:
            problems.append(problem)
    return sent, problems
