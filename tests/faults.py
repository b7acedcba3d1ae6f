"""A TCP proxy the tests own, to cut a dependency away from a service under test.

The real PostgreSQL, Redis and RabbitMQ are never stopped or reconfigured: a
service under test reaches them through a :class:`Proxy`, which the test cuts
(every open connection is closed and new ones are refused, as when the server
goes down), or freezes (connections stay open but nothing passes, as on a network
that silently drops packets or a server that hangs) and restores (connections pass
again; the clients must reconnect on their own). Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit


class Proxy:
    """Forwards 127.0.0.1:<port> to ``upstream`` (host, port) until cut."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        # Cleared while frozen: bytes and new connections wait until it is set again.
        self._flowing = threading.Event()
        self._flowing.set()
        self.port = self._listen(0)

    def _listen(self, port: int) -> int:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return int(listener.getsockname()[1])

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut or closed
            self._flowing.wait()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._connections.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                self._close(end)

    def _close(self, end: socket.socket) -> None:
        with self._lock:
            self._connections.discard(end)
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def cut(self) -> None:
        """Refuse new connections and close the open ones, as a server that went down."""
        with self._lock:
            listener, self._listener = self._listener, None
            open_now = list(self._connections)
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not, and
            # the socket would go on accepting.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for end in open_now:
            self._close(end)

    def freeze(self) -> None:
        """Hold every byte and every new connection: nothing is refused, nothing answers."""
        self._flowing.clear()

    def restore(self) -> None:
        """Accept connections again, on the same port, and let held bytes pass."""
        if self._listener is None:
            self._listen(self.port)
        self._flowing.set()

    def close(self) -> None:
        self.cut()
        self._flowing.set()

    def url(self, url: str) -> str:
        """``url`` (whose host and port are the upstream's) pointed at this proxy."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@" if credentials else ""
        return urlunsplit(parts._replace(netloc=f"{netloc}127.0.0.1:{self.port}"))


@contextlib.contextmanager
def proxy_for(url: str) -> Iterator[Proxy]:
    """A proxy in front of the server ``url`` names; closed afterwards."""
    parts = urlsplit(url)
    assert parts.hostname is not None, url
    assert parts.port is not None, f"name the port in {url}"
    proxy = Proxy((parts.hostname, parts.port))
    try:
        yield proxy
    finally:
        proxy.close()
