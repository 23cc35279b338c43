# An app written for uWSGI's Python API, unchanged: Debian's uwsgidecorators (@postfork, @timer,
# @cron, @lock, @spool, @spoolforever, @spoolraw, @mulefunc) and the shared cache. Every effect is a file in OUT_DIR, or an
# answer naming the worker that gave it.
import json
import os
import time

import uwsgi
from uwsgidecorators import cron, lock, mulefunc, postfork, spool, spoolforever, spoolraw, timer

OUT = os.environ["OUT_DIR"]


def _write(name, text, mode="w"):
    with open(os.path.join(OUT, name), mode) as f:
        f.write(text)


@postfork
def reopen_connections():
    _write("postfork-%d-%d" % (uwsgi.worker_id(), os.getpid()), "")


@timer(1)
def every_second(signum):
    _write("timer", "%d %d %.3f\n" % (signum, uwsgi.worker_id(), time.time()), "a")


@cron(-1, -1, -1, -1, -1, target="workers")
def every_minute(signum):
    _write("cron-%d" % uwsgi.worker_id(), "%d\n" % signum, "a")


@lock
def locked_append(text):
    _write("locked", text + "\n", "a")


@spool
def background_job(args):
    _write("job-" + args["name"], json.dumps({"name": args["name"], "spooler": uwsgi.i_am_the_spooler()}))


@spoolforever
def forever_job(args):
    _write("forever-" + args["name"], "%d\n" % os.getpid(), "a")


@spoolraw
def raw_job(args):
    """Asks for a retry until its third run, then says done: the return value is the spool status."""
    _write("raw-" + args["name"], "%d\n" % os.getpid(), "a")
    with open(os.path.join(OUT, "raw-" + args["name"])) as f:
        runs = len(f.readlines())
    return uwsgi.SPOOL_OK if runs >= 3 else uwsgi.SPOOL_RETRY


@spool
def once_job(args):
    _write("once-" + args["name"], "%d\n" % os.getpid(), "a")


@mulefunc
def in_a_mule(name):
    _write("mule-" + name, "%d %d" % (uwsgi.mule_id(), os.getpid()))


def application(environ, start_response):
    path, qs = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    body = {"worker": uwsgi.worker_id(), "pid": os.getpid()}
    if path == "/set":
        key, value = qs.split("=")
        body["stored"] = uwsgi.cache_update(key, value, 0, "shared")
    elif path == "/get":
        value = uwsgi.cache_get(qs, "shared")
        body["value"] = None if value is None else value.decode()
    elif path == "/spool":
        background_job.spool(name=qs)
    elif path == "/spool-forever":
        forever_job.spool(name=qs)
    elif path == "/spool-raw":
        raw_job.spool(name=qs)
    elif path == "/spool-many":
        for i in range(int(qs)):
            once_job.spool(name=str(i))
    elif path == "/mule":
        in_a_mule(qs)
    elif path == "/lock":
        locked_append(qs)
    elif path == "/die-holding-lock":
        uwsgi.lock()
        os.kill(os.getpid(), 9)
    elif path == "/sleep":
        time.sleep(float(qs))
    elif path == "/logvar":
        uwsgi.set_logvar("who", qs)
        body["who"] = uwsgi.get_logvar("who")
    elif path == "/opt":
        body["custom"] = uwsgi.opt.get("acc-custom", b"").decode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
