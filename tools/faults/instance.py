"""One dotnetwsgi instance for a fault run: a temp dir with a small WSGI app and an ini, the published
binary started on free loopback ports (HTTP and stats), worker pids learnt from the stats server, and
close() ending the master and every worker it was seen with, by PID (start time checked, so a pid the
kernel has handed to another process since is never signalled)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

APP = '''
import os, time
def application(environ, start_response):
    if environ.get("PATH_INFO") == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING", "s=1").partition("=")[2] or 1))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_time(pid):
    """Field 22 of /proc/PID/stat (ticks since boot), or None when the process is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])


def alive(pid):
    return start_time(pid) is not None


class Instance:
    def __init__(self, binary, extra=(), port=None, processes=4, threads=2):
        self.binary = binary
        self.dir = tempfile.mkdtemp(prefix="dnw-faults-")
        self.port = port or free_port()
        self.stats_port = free_port()
        self.fifo = os.path.join(self.dir, "fifo")
        self.seen = {}  # worker pid -> start time
        with open(os.path.join(self.dir, "app.py"), "w") as f:
            f.write(APP)
        lines = ["[uwsgi]", f"http-socket = 127.0.0.1:{self.port}", "wsgi-file = app.py",
                 f"processes = {processes}", f"threads = {threads}", f"stats = 127.0.0.1:{self.stats_port}",
                 f"master-fifo = {self.fifo}", "worker-reload-mercy = 30", *extra]
        self.ini = os.path.join(self.dir, "app.ini")
        with open(self.ini, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.output = open(os.path.join(self.dir, "output.log"), "wb")
        self.proc = subprocess.Popen([binary, "--ini", self.ini], cwd=self.dir, stdout=self.output,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.master_start = start_time(self.proc.pid)

    @property
    def pid(self):
        return self.proc.pid

    def wait_ready(self, workers, timeout=60):
        """Until `workers` workers accept (stats) and a request is answered; returns the seconds it took."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dotnetwsgi exited {self.proc.returncode}: see {self.dir}/output.log")
            try:
                if self.accepting() >= workers and get(self.port, "/") == "ok":
                    return time.monotonic() - t0
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"dotnetwsgi not ready within {timeout} s")

    def stats(self):
        with socket.create_connection(("127.0.0.1", self.stats_port), timeout=5) as s:
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        doc = json.loads(b"".join(chunks))
        for w in doc.get("workers", []):
            if w.get("pid", 0) > 0 and w["pid"] not in self.seen and (st := start_time(w["pid"])):
                self.seen[w["pid"]] = st
        return doc

    def worker_pids(self, accepting_only=True):
        return [w["pid"] for w in self.stats()["workers"] if w["pid"] > 0 and (w["accepting"] or not accepting_only)]

    def accepting(self):
        return sum(1 for w in self.stats()["workers"] if w["accepting"])

    def signal(self, sig):
        os.kill(self.pid, sig)

    def command(self, byte):
        with open(self.fifo, "w") as f:
            f.write(byte)

    def close(self):
        try:
            self.stats()  # remember the workers of a master that is still up
        except (OSError, ValueError):
            pass
        if self.proc.poll() is None and start_time(self.pid) == self.master_start:
            os.kill(self.pid, signal.SIGKILL)
        for pid, st in self.seen.items():
            if start_time(pid) == st:
                os.kill(pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        self.output.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def uwsgi_packet(variables):
    """A uwsgi request packet (modifier1 0) carrying the given vars (a dict of str to str)."""
    body = b"".join(len(x).to_bytes(2, "little") + x for k, v in variables.items() for x in (k.encode(), v.encode()))
    return b"\0" + len(body).to_bytes(2, "little") + b"\0" + body


def get(port, path, timeout=10, uwsgi=False):
    """One request on a new connection (as nginx's uwsgi_pass does): "ok" or what the client saw.
    uwsgi: the port is a uwsgi-protocol `socket`, spoken to as nginx's uwsgi_pass does."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "connect timeout"
    with s:
        try:
            s.sendall(uwsgi_packet({"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1"}) if uwsgi
                      else f"GET {path} HTTP/1.1\r\nHost: faults\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            return "reset"
        except BrokenPipeError:
            return "reset"
        except socket.timeout:
            return "timeout"
    if not data:
        return "empty reply"
    status = data.split(b"\r\n", 1)[0]
    return "ok" if status.startswith(b"HTTP/1.1 200") else f"status {status[9:12].decode(errors='replace')}"
