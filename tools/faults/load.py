"""Load for a fault run: clients that open a connection per request (as nginx's uwsgi_pass does) and
keep-alive clients (as browsers and proxy_pass with keepalive do), each request counted with what the
client saw; and the idle and slowloris connections of the attack scenarios."""

import collections
import select
import socket
import threading
import time

from instance import get


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.answered = 0
        self.failed = collections.Counter()
        self.latencies = []
        self.events = []  # (start, end, outcome), monotonic seconds

    def record(self, outcome, seconds):
        now = time.monotonic()
        with self.lock:
            self.events.append((now - seconds, now, outcome))
            self.sent += 1
            if outcome == "ok":
                self.answered += 1
                self.latencies.append(seconds)
            else:
                self.failed[outcome] += 1

    def spanning(self, instant):
        """Outcomes of the requests in progress at instant (started before, ended after)."""
        with self.lock:
            return collections.Counter(o for s, e, o in self.events if s < instant < e)

    def percentile(self, p):
        with self.lock:
            xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(len(xs) * p))] if xs else float("nan")


class KeepAliveClient:
    """HTTP/1.1 keep-alive: one connection reused until the server closes it."""

    def __init__(self, port):
        self.port = port
        self.sock = None

    def request(self, path):
        reused = self.sock is not None
        try:
            if not reused:
                self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: faults\r\n\r\n".encode())
            return self._read()
        except ConnectionRefusedError:
            return self._fail("refused")
        except (ConnectionResetError, BrokenPipeError):
            return self._fail("keep-alive reset" if reused else "reset")
        except socket.timeout:
            return self._fail("timeout")

    def _read(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                return self._fail("keep-alive closed unanswered" if data == b"" else "truncated")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                return self._fail("truncated")
            body += chunk
        if b"connection: close" in head.lower():
            self.close()
        return "ok" if head.startswith(b"HTTP/1.1 200") else f"status {head[9:12].decode(errors='replace')}"

    def _fail(self, outcome):
        self.close()
        return outcome

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class Load:
    """clients new-connection clients and keepalive keep-alive clients, from start() to stop()."""

    def __init__(self, port, clients=8, keepalive=2, path="/"):
        self.port, self.path = port, path
        self.tally = Tally()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._fresh, daemon=True) for _ in range(clients)]
        self._threads += [threading.Thread(target=self._kept, daemon=True) for _ in range(keepalive)]

    def start(self):
        for t in self._threads:
            t.start()
        return self

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)
        return self.tally

    def _fresh(self):
        while not self._stop.is_set():
            t0 = time.monotonic()
            outcome = get(self.port, self.path)
            self.tally.record(outcome, time.monotonic() - t0)
            if outcome == "refused":
                time.sleep(0.01)  # nothing listens: do not spin

    def _kept(self):
        client = KeepAliveClient(self.port)
        while not self._stop.is_set():
            t0 = time.monotonic()
            outcome = client.request(self.path)
            self.tally.record(outcome, time.monotonic() - t0)
            if outcome == "refused":
                time.sleep(0.01)
        client.close()


def idle_keepalive(port, count):
    """count connections that each get one answer and then stay open, idle."""
    socks = []
    for _ in range(count):
        c = KeepAliveClient(port)
        if c.request("/") == "ok":
            socks.append(c)
    return socks


class Slowloris:
    """count connections each sending a request head (HTTP, or head= a uwsgi packet) one byte per
    second, never finishing it. A
    connection the server closes (a head deadline) is replaced at once, as an attacker would, so
    count connections attack for the whole run; closed_by_server counts the replaced ones."""

    HEAD = b"GET / HTTP/1.1\r\nHost: faults\r\nX-Slow: " + b"a" * 4000

    def __init__(self, port, count, head=None):
        self.port = port
        self.head = head or self.HEAD
        self.closed_by_server = 0
        self.socks = [entry for entry in (self._connect() for _ in range(count)) if entry]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drip, daemon=True)
        self._thread.start()

    def _connect(self):
        try:
            return [socket.create_connection(("127.0.0.1", self.port), timeout=5), 0]
        except OSError:
            return None

    def _drip(self):
        while not self._stop.wait(1.0):
            for entry in list(self.socks):
                sock, sent = entry
                try:
                    if select.select([sock], [], [], 0)[0]:
                        raise OSError("answered or closed by the server")  # a 408, EOF or a reset
                    sock.send(self.head[sent:sent + 1])
                    entry[1] = sent + 1
                except OSError:
                    sock.close()
                    self.closed_by_server += 1
                    fresh = self._connect()
                    if fresh:
                        self.socks[self.socks.index(entry)] = fresh
                    else:
                        self.socks.remove(entry)

    def open_count(self):
        return len(self.socks)

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for sock, _ in self.socks:
            sock.close()
