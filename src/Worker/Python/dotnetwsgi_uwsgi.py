"""dotnetwsgi's `uwsgi` module: uWSGI's Python API as Debian's uwsgidecorators uses it.

Executed by the shim (install_uwsgi_module) into a fresh module registered as sys.modules["uwsgi"].
The shared services (cache, locks, signals, timers, the scoreboard) are C functions of the shim
(`_native`, mapped onto the master's shared memory); mule messages (unix datagram sockets in the
master's run directory) and spool files (uWSGI's packet format, one job per file) are plain Python.
"""
import fcntl
import os
import random
import signal as _os_signal
import socket
import struct
import sys
import threading
import time
import traceback

SPOOL_OK = -2
SPOOL_RETRY = -1
SPOOL_IGNORE = 0

_native = None  # the shim module (set by install)
_state = {}
_handlers = {}
_signal_thread = {"loaded": False, "started": False, "lock": threading.Lock()}


def _b(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("uwsgi.%s: expected str or bytes, not %s" % (what, type(value).__name__))


# ---- identity ----

def worker_id():
    return _state["worker_id"]


def mule_id():
    return _state["mule_id"]


def masterpid():
    return _state["masterpid"]


def i_am_the_spooler():
    return _state["spooler_dir"] is not None


def total_requests():
    return _native._total_requests()


def workers():
    keys = ("id", "pid", "requests", "exceptions", "status", "rss", "vsz", "running_time",
            "last_spawn", "tx", "avg_rt", "harakiri_count")
    result = []
    for row in _native._workers():
        w = dict(zip(keys, row))
        w["status"] = "busy" if w["status"] else "idle"
        result.append(w)
    return tuple(result)


def reload():
    return _signal_master(_os_signal.SIGHUP)


def stop():
    return _signal_master(_os_signal.SIGTERM)


def _signal_master(signum):
    pid = _state["masterpid"]
    if not pid:
        return False
    os.kill(pid, signum)
    return True


def log(message):
    print(message, file=sys.stderr, flush=True)
    return True


def set_logvar(key, value):
    """A variable for this request's log line: log-format writes it as %(key)."""
    _native._logvar(str(key), str(value))


def get_logvar(key):
    return _native._logvar(str(key))


# ---- locks ----

def lock(num=0):
    _native._lock(num)


def unlock(num=0):
    _native._unlock(num)


# ---- cache ----

def _cache(op, key=b"", value=b"", expires=0, cache=None):
    return _native._cache(op, cache, _b(key, "cache_" + op), value, int(expires or 0))


def cache_get(key, cache=None):
    return _cache("get", key, cache=cache)


def cache_set(key, value, expires=0, cache=None):
    return _cache("set", key, _b(value, "cache_set"), expires, cache)


def cache_update(key, value, expires=0, cache=None):
    return _cache("update", key, _b(value, "cache_update"), expires, cache)


def cache_exists(key, cache=None):
    return _cache("exists", key, cache=cache)


def cache_del(key, cache=None):
    return _cache("del", key, cache=cache)


def cache_clear(cache=None):
    return _native._cache("clear", cache, b"", b"", 0)


def cache_keys(cache=None):
    return _native._cache("keys", cache, b"", b"", 0)


def cache_inc(key, amount=1, expires=0, cache=None):
    return _cache("inc", key, int(amount), expires, cache)


def cache_dec(key, amount=1, expires=0, cache=None):
    return _cache("dec", key, int(amount), expires, cache)


def cache_mul(key, amount=2, expires=0, cache=None):
    return _cache("mul", key, int(amount), expires, cache)


def cache_div(key, amount=2, expires=0, cache=None):
    return _cache("div", key, int(amount), expires, cache)


def cache_num(key, cache=None):
    value = cache_get(key, cache)
    if value is None or len(value) != 8:
        return 0
    return struct.unpack("<q", value)[0]


# ---- signals and timers ----

def register_signal(signum, target, handler):
    if not callable(handler):
        raise TypeError("uwsgi.register_signal: the handler must be callable")
    _native._signal("register", int(signum), str(target or ""))
    _handlers[int(signum)] = handler
    _start_signal_thread()


def signal_registered(signum):
    return int(signum) in _handlers


def signal(signum, remote=None):
    if remote:
        raise NotImplementedError("uwsgi.signal to a remote instance is not provided by dotnetwsgi")
    _native._signal("raise", int(signum))


def add_timer(signum, seconds):
    _native._signal("timer", int(signum), int(seconds))


def add_rb_timer(signum, seconds, iterations=0):
    _native._signal("rbtimer", int(signum), int(seconds))


def add_cron(signum, minute, hour, day, month, weekday):
    _native._signal("cron", int(signum), int(minute), int(hour), int(day), int(month), int(weekday))


def _start_signal_thread():
    """Starts the signal thread once this process has loaded its app and has a handler: a process
    without handlers has nothing to run, and its thread would only wake 50 times a second to poll."""
    st = _signal_thread
    with st["lock"]:
        if st["started"] or not st["loaded"] or not _handlers or _native is None or not _state.get("api_dir"):
            return
        st["started"] = True
    threading.Thread(target=_signal_loop, name="uwsgi-signals", daemon=True).start()


def _signal_loop():
    """The signal thread: runs each handler this process is sent, off the request threads."""
    while True:
        for signum in _native._signal("wait", 1000):
            handler = _handlers.get(signum)
            if handler is None:
                continue
            try:
                handler(signum)
            except Exception:
                print("uwsgi signal %d handler failed:\n%s" % (signum, traceback.format_exc()), file=sys.stderr, flush=True)


def _unsupported(name):
    def fail(*args, **kwargs):
        raise NotImplementedError("uwsgi.%s is not provided by dotnetwsgi (see docs/python-api.md)" % name)
    fail.__name__ = name
    return fail


for _name in ("connection_fd", "websocket_handshake", "websocket_recv", "websocket_recv_nb", "websocket_send",
              "websocket_send_binary", "add_file_monitor", "register_rpc", "rpc", "farm_msg", "farm_get_msg",
              "in_farm", "set_user_harakiri", "sharedarea_read", "sharedarea_write", "queue_push", "queue_pop"):
    globals()[_name] = _unsupported(_name)
del _name
