"""Bare WSGI app reading request bodies through every wsgi.input method
(tests/Worker.Tests/Serving/UploadBodyTests). Answers "<length>:<sha256 hex>:<pieces>" of what it read."""

import hashlib


def _read_all(inp):
    return [inp.read()]


def _read_n(inp, n):
    # read(n) returns n bytes until the body ends: only the last piece may be shorter.
    pieces = []
    while True:
        piece = inp.read(n)
        if not piece:
            return pieces
        if pieces and len(pieces[-1]) != n or len(piece) > n:
            raise AssertionError("read(%d) returned %d bytes before the end" % (n, len(pieces[-1] if pieces else piece)))
        pieces.append(piece)


def _read_length(inp, environ):
    n = int(environ.get("CONTENT_LENGTH") or 0)
    return [inp.read(n)] + _read_n(inp, 65536)  # a chunked body has no CONTENT_LENGTH: read on


def _readline(inp, size):
    pieces = []
    while True:
        line = inp.readline(size)
        if not line:
            return pieces
        if b"\n" in line[:-1] or (size > 0 and len(line) > size):
            raise AssertionError("readline(%d) returned a bad line of %d bytes" % (size, len(line)))
        pieces.append(line)


def _mixed(inp):
    # readline, then a sized read, then the rest: the shim's line buffer and direct reads interleave.
    return [inp.readline(), inp.read(5000), inp.readline(100), inp.read()]


def application(environ, start_response):
    inp = environ["wsgi.input"]
    mode = environ["PATH_INFO"].strip("/")
    if mode in RESPONDERS:  # one app (one host in the test process) for every case
        return RESPONDERS[mode](environ, start_response)
    if mode == "read":
        pieces = _read_all(inp)
    elif mode == "readcl":
        pieces = _read_length(inp, environ)
    elif mode.startswith("readn"):
        pieces = _read_n(inp, int(mode[5:]))
    elif mode == "readline":
        pieces = _readline(inp, -1)
    elif mode.startswith("readline"):
        pieces = _readline(inp, int(mode[8:]))
    elif mode == "iter":
        pieces = list(inp)
    elif mode == "mixed":
        pieces = _mixed(inp)
    else:
        raise ValueError("unknown mode %r" % mode)
    body = b"".join(pieces)
    answer = ("%d:%s:%d" % (len(body), hashlib.sha256(body).hexdigest(), len(pieces))).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
    return [answer]


def echo(environ, start_response):
    """The bench's echo app: read(CONTENT_LENGTH) and send it back as one bytes object."""
    n = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(n) if n > 0 else b""
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))])
    return [body]


LARGE = bytes(range(256)) * 4096  # 1 MiB, built once


def large(environ, start_response):
    """The bench's large_response app: a list of one 1 MiB bytes object."""
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(LARGE)))])
    return [LARGE]


def large_bare(environ, start_response):
    """A bare bytes result, no Content-Length from the app (the server adds it)."""
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return LARGE


def two_small(environ, start_response):
    """A small first chunk known to be followed: held (copied) to go out with the second."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"a" * 100, b"b" * 100]


RESPONDERS = {"echo": echo, "large": large, "large_bare": large_bare, "two_small": two_small}
