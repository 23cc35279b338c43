"""An app wrapped in wsgiref.validate: a PEP 3333 violation by the server fails the request.

The validator raises AssertionError for most violations and warns for some; warnings are turned
into an AssertionError here. The body is consumed inside the call so the validator's checks of
the iterable (and of close()) run while the warnings are being recorded.
"""
import warnings
from wsgiref.validate import validator


def _app(environ, start_response):
    if environ["REQUEST_METHOD"] == "POST":
        inp = environ["wsgi.input"]
        body = inp.read(int(environ.get("CONTENT_LENGTH") or 0))
        body += b"|" + inp.readline()
    else:
        body = b"get " + environ["wsgi.url_scheme"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


_validated = validator(_app)


def application(environ, start_response):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = _validated(environ, start_response)
        try:
            body = list(result)
        finally:
            result.close()
    if caught:
        raise AssertionError("wsgiref.validate warned: %s" % "; ".join(str(w.message) for w in caught))
    return body
