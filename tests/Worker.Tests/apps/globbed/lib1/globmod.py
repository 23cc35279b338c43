"""Importable only when a pythonpath glob (apps/globbed/lib*) was expanded."""
import os


def application(environ, start_response):
    start_response("200 OK", [])
    return [os.environ.get("DWSGI_TEST_ENV", "<unset>").encode()]
