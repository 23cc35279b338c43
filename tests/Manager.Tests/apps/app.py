# Test WSGI app for the master's tests: /pid answers the worker's pid, /sleep?s=N sleeps N seconds,
# /version answers VERSION (the tests rewrite it to check that reloads load new code), /thread
# answers "pid thread-ident" (which serving thread ran the request).
import os, threading, time

VERSION = "v1"

def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/sleep":
        seconds = float((environ.get("QUERY_STRING") or "s=1").split("=", 1)[1])
        time.sleep(seconds)
    if path == "/alloc":
        _alloc(environ)
    if path == "/version":
        body = VERSION
    elif path == "/thread":
        body = "%d %d" % (os.getpid(), threading.get_ident())
    else:
        body = str(os.getpid())
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]


_held = []


def _alloc(environ):
    mb = int((environ.get("QUERY_STRING") or "mb=1").split("=", 1)[1])
    _held.append(bytearray(mb * 1024 * 1024))
