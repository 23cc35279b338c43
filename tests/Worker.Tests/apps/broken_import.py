"""Fails at import, as an app with a missing dependency does."""
import module_that_does_not_exist  # noqa: F401


def application(environ, start_response):
    start_response("200 OK", [])
    return [b"unreachable"]
