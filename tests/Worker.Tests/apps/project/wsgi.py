"""A Django-style entry point (`module = project.wsgi`) without Django: exposes `application`."""
from project.settings import GREETING


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [GREETING.encode()]
