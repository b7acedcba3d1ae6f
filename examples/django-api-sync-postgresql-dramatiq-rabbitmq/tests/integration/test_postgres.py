"""A PostgreSQL server that stops answering mid-statement fails the statement in time."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from acme_orders.config.settings import base
from acme_orders.config.settings.base import PatientConnection

pytestmark = pytest.mark.django_db


class FreezableProxy:
    """Forwards a local port to the database until frozen: then no byte passes either way.

    As a network that silently drops packets, or a server that hangs: the connection
    stays open and nothing is refused, so only the client's own timeout can end a wait.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._flowing = threading.Event()
        self._flowing.set()
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._flowing.set()
        for each in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self._listener.accept()
                server = socket.create_connection(self._upstream)
                self._sockets += [client, server]
                for source, sink in ((client, server), (server, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxy() -> Iterator[FreezableProxy]:
    database = connection.settings_dict
    proxy = FreezableProxy((database["HOST"] or "localhost", int(database["PORT"] or 5432)))
    try:
        yield proxy
    finally:
        proxy.close()


def connect(**where: Any) -> PatientConnection:
    database = connection.settings_dict
    return PatientConnection.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=where.get("host", database["HOST"]),
        port=where.get("port", database["PORT"]),
        autocommit=True,
    )


def test_a_statement_the_server_never_answers_fails_in_time(
    proxy: FreezableProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "DATABASE_STATEMENT_TIMEOUT_SECONDS", 0.5)
    with connect(host="127.0.0.1", port=proxy.port) as patient:
        assert patient.execute("SELECT 1").fetchone() == (1,)
        proxy.freeze()
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError):
            patient.execute("SELECT 1")
        assert time.monotonic() - started < 3
        assert patient.closed


def test_a_statement_the_server_cancels_keeps_its_connection() -> None:
    with connect() as patient:
        patient.execute("SET statement_timeout = 100")
        with pytest.raises(psycopg.errors.QueryCanceled):
            patient.execute("SELECT pg_sleep(1)")
        assert not patient.closed
        assert patient.execute("SELECT 1").fetchone() == (1,)
