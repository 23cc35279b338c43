"""Raw WSGI apps the Python host tests call (one callable per behaviour)."""
import json
import sys
import time
import threading


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello ", b"world"]


def environ_json(environ, start_response):
    """Echoes the environ: str values as-is, others by repr."""
    out = {k: (v if isinstance(v, str) else repr(v)) for k, v in environ.items()}
    out["_types"] = {k: type(v).__name__ for k, v in environ.items()}
    body = json.dumps(out).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def echo_read(environ, start_response):
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


def echo_read_n(environ, start_response):
    inp = environ["wsgi.input"]
    parts = []
    while True:
        block = inp.read(1000)
        if not block:
            break
        parts.append(block)
    start_response("200 OK", [])
    return [b"".join(parts)]


def echo_readline(environ, start_response):
    inp = environ["wsgi.input"]
    lines = []
    while True:
        line = inp.readline()
        if not line:
            break
        lines.append(line)
    start_response("200 OK", [("X-Lines", str(len(lines)))])
    return lines


def echo_iter(environ, start_response):
    lines = list(environ["wsgi.input"])
    start_response("200 OK", [("X-Lines", str(len(lines)))])
    return [b"".join(lines)]


def input_error(environ, start_response):
    try:
        environ["wsgi.input"].read()
    except OSError as e:
        start_response("400 Bad Request", [])
        return [("OSError: %s" % e).encode()]
    start_response("200 OK", [])
    return [b"no error"]


def big(environ, start_response):
    start_response("200 OK", [("Content-Length", str(10 * 1024 * 1024))])
    return [b"x" * (10 * 1024 * 1024)]


class Tracked:
    """An iterable that records whether close() was called."""
    closed = 0

    def __init__(self, chunks, fail_at=None):
        self.chunks = chunks
        self.fail_at = fail_at

    def __iter__(self):
        for i, c in enumerate(self.chunks):
            if i == self.fail_at:
                raise ValueError("boom in the body")
            yield c

    def close(self):
        Tracked.closed += 1


def stream(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Tracked([b"chunk%d\n" % i for i in range(500)])


def stream_fails(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Tracked([b"one", b"two", b"three"], fail_at=2)


def closed_count(environ, start_response):
    start_response("200 OK", [])
    return [str(Tracked.closed).encode()]


def cookies(environ, start_response):
    start_response("200 OK", [("Set-Cookie", "a=1"), ("Content-Type", "text/plain"),
                              ("Set-Cookie", "b=2"), ("Set-Cookie", "c=3")])
    return [b"ok"]


def raises_before(environ, start_response):
    raise RuntimeError("failed before start_response")


def raises_after_head(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"partial")
    raise RuntimeError("failed after the head")


def start_twice(environ, start_response):
    start_response("200 OK", [])
    start_response("201 Created", [])
    return [b"never"]


def exc_info_replaces(environ, start_response):
    start_response("200 OK", [("X-First", "1")])
    try:
        raise KeyError("handled")
    except KeyError:
        start_response("503 Service Unavailable", [("X-Second", "1")], sys.exc_info())
    return [b"replaced"]


def exc_info_after_head(environ, start_response):
    write = start_response("200 OK", [])
    write(b"sent")
    try:
        raise KeyError("late")
    except KeyError:
        start_response("500 Internal Server Error", [], sys.exc_info())
    return [b"unreachable"]


def bad_header(environ, start_response):
    start_response("200 OK", [("X-Evil", "a\r\nInjected: yes")])
    return [b"never"]


def non_str_header(environ, start_response):
    start_response("200 OK", [("X-Num", 5)])
    return [b"never"]


def str_chunk(environ, start_response):
    start_response("200 OK", [])
    return ["text is not bytes"]


def no_start_response(environ, start_response):
    return [b"body without a head"]


def latin1_header(environ, start_response):
    start_response("200 OK", [("X-Name", "caf\u00e9")])
    return [b"ok"]


def file_wrapper(environ, start_response):
    import io

    class F(io.BytesIO):
        closed_flag = False

        def close(self):
            F.closed_flag = True
            super().close()

    f = F(b"0123456789" * 2000)
    start_response("200 OK", [])
    result = environ["wsgi.file_wrapper"](f, 4096)
    environ_json.last_file = F
    return result


def file_wrapper_closed(environ, start_response):
    start_response("200 OK", [])
    return [str(environ_json.last_file.closed_flag).encode()]


_gate = threading.Event()


def sleeper(environ, start_response):
    """Signals it started (a write), then sleeps in Python (GIL released) until fast() ran or 30 s pass."""
    _gate.clear()
    write = start_response("200 OK", [])
    write(b"started;")
    deadline = time.time() + 30
    while not _gate.is_set() and time.time() < deadline:
        time.sleep(0.01)
    return [b"gate=%s" % str(_gate.is_set()).encode()]


def fast(environ, start_response):
    _gate.set()
    start_response("200 OK", [])
    return [b"fast"]


def uwsgi_module(environ, start_response):
    import uwsgi
    start_response("200 OK", [])
    return [json.dumps({"worker_id": uwsgi.worker_id(), "numproc": uwsgi.numproc,
                        "opt_callable": uwsgi.opt.get("callable", b"").decode()}).encode()]


def app_a(environ, start_response):
    start_response("200 OK", [])
    return [("A %s|%s" % (environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))).encode()]


def app_b(environ, start_response):
    start_response("200 OK", [])
    return [("B %s|%s" % (environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))).encode()]


def write_then_return(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written ")
    write(b"")
    return [b"returned"]


def bare_bytes(environ, start_response):
    start_response("200 OK", [])
    return b"not wrapped in a list"



def allocated_blocks(environ, start_response):
    """sys.getallocatedblocks() after a full collection: the leak tests compare it over many requests."""
    import gc
    gc.collect()
    start_response("200 OK", [])
    return [str(sys.getallocatedblocks()).encode()]


_stash = {}


def stash(environ, start_response):
    """Keeps this request's wsgi.input for use_stale to misuse later."""
    _stash["input"] = environ["wsgi.input"]
    start_response("200 OK", [])
    return [b"stashed"]


def use_stale(environ, start_response):
    results = []
    try:
        _stash["input"].read(10)
        results.append("input: no error")
    except OSError as e:
        results.append("input: %s" % e)
    start_response("200 OK", [])
    return [" | ".join(results).encode()]


def app_thread_ticks(environ, start_response):
    """Starts a Python thread of its own that ticks 50 times (sleeping 1 ms each) and answers the count."""
    import threading
    ticks = [0]

    def tick():
        end = time.time() + 30
        while ticks[0] < 50 and time.time() < end:
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick, daemon=True)
    t.start()
    t.join(60)
    start_response("200 OK", [])
    return [str(ticks[0]).encode()]
