"""dotnetwsgi's Python-side glue, embedded in the worker and run as module `_dotnetwsgi`.

Only what is clumsy in the C API lives here: wsgi.input's buffering (readline), the file wrapper,
loading a wsgi-file as a module, traceback formatting and the `uwsgi` module. The hot path
(environ, start_response, write, the response loop) is in C#. `_read` is a C function installed by
the host: _read(token, size, partial) -> bytes, reading the current request body without the GIL.
"""
import faulthandler
import importlib
import importlib.machinery
import importlib.util
import os
import signal
import socket
import stat
import sys
import threading
import time
import traceback
import types

_read = None  # set by the host before any request


class Input:
    """wsgi.input: reads this request's body in blocks; a stale object raises OSError."""

    __slots__ = ("_token", "_buf")

    def __init__(self, token):
        self._token = token
        self._buf = b""

    def read(self, size=-1):
        buf = self._buf
        if size is None or size < 0:
            self._buf = b""
            return buf + _read(self._token, -1, False)
        if len(buf) >= size:
            self._buf = buf[size:]
            return buf[:size]
        self._buf = b""
        return buf + _read(self._token, size - len(buf), False)

    def readline(self, size=-1):
        if size is None or size < 0:
            size = -1
        buf = self._buf
        nl = buf.find(b"\n", 0, len(buf) if size < 0 else size)
        if nl >= 0 or 0 <= size <= len(buf):
            end = nl + 1 if nl >= 0 else size
            self._buf = buf[end:]
            return buf[:end]
        # A line longer than what is buffered: collect blocks and join once (linear, not += per block).
        parts = [buf]
        have = len(buf)
        while True:
            chunk = _read(self._token, 65536, True)
            if not chunk:
                self._buf = b""
                return b"".join(parts)
            room = len(chunk) if size < 0 else size - have
            nl = chunk.find(b"\n", 0, room)
            if nl >= 0 or (size >= 0 and room <= len(chunk)):
                end = nl + 1 if nl >= 0 else room
                parts.append(chunk[:end])
                self._buf = chunk[end:]
                return b"".join(parts)
            parts.append(chunk)
            have += len(chunk)

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self):
        pass


class FileWrapper:
    """wsgi.file_wrapper: iterates a file-like object in blocks; close() is forwarded."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, "close"):
            self.close = filelike.close

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration

    def _dotnetwsgi_sendfile_range(self):
        """(fd, offset, count) when the file-like is a regular file the server can sendfile() from
        its current position to its end, else None (the server then iterates)."""
        try:
            fd = self.filelike.fileno()
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            offset = self.filelike.tell()
        except (AttributeError, OSError, ValueError):
            return None
        if not isinstance(fd, int) or not isinstance(offset, int) or offset > st.st_size:
            return None
        return (fd, offset, st.st_size - offset)


def format_exception(etype, value, tb):
    return "".join(traceback.format_exception(etype, value, tb))


def setup(argv0, paths, env_flat, dump_signal):
    """Interpreter-wide set-up before any app loads; returns the sys.path entries added.

    paths may hold globs (pythonpath); env_flat is [key, value, key, value, ...].
    """
    sys.argv = [argv0]
    # Worker output usually goes to a pipe or file: flush the app's print() lines as they come.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    expanded = []
    for path in paths:
        # glob (and the re module under it) is imported only for a pattern: ~7 ms of every start-up otherwise.
        if any(c in path for c in "*?["):
            import glob
            matches = sorted(glob.glob(path))
        else:
            matches = [path]
        expanded.extend(m for m in matches if m not in expanded)
    for path in reversed(expanded):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    for i in range(0, len(env_flat), 2):
        os.environ[env_flat[i]] = env_flat[i + 1]
    if dump_signal:
        faulthandler.register(dump_signal, all_threads=True)
    return expanded


def base_environ(multithread, multiprocess, version, node, file_wrapper):
    """The constant part of every environ; the gateway copies it per request."""
    env = {
        # PEP 3333 lets an empty SCRIPT_NAME be omitted (nginx's uwsgi_params omit it), but apps and
        # wsgiref.validate index it directly; request vars override this default.
        "SCRIPT_NAME": "",
        "wsgi.version": (1, 0),
        "wsgi.run_once": False,
        "wsgi.multithread": multithread,
        "wsgi.multiprocess": multiprocess,
        "wsgi.errors": sys.stderr,
        # Deliberate addition (uWSGI 2.0 lacks it): wsgi.input always ends at the end of the body,
        # even a chunked one; Werkzeug reads an empty body without CONTENT_LENGTH unless this is set.
        "wsgi.input_terminated": True,
        "uwsgi.version": version,
        "uwsgi.node": node,
    }
    if file_wrapper:
        env["wsgi.file_wrapper"] = FileWrapper
    return env


def load_file(path, name):
    """Runs a wsgi-file as module `name` (any extension, e.g. .wsgi) and returns the module."""
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_module(name):
    return importlib.import_module(name)


def install_uwsgi_module(sources, state, opt, numproc, version):
    """The `uwsgi` module (dotnetwsgi_uwsgi.py and its services part, run into one fresh module);
    state holds this process's identity and where the master's shared files are."""
    mod = types.ModuleType("uwsgi")
    mod.__dict__["__file__"] = "<dotnetwsgi uwsgi module>"
    for name, source in sources:
        exec(compile(source, "<dotnetwsgi %s>" % name, "exec"), mod.__dict__)
    mod._native = sys.modules[__name__]
    mod._state.update(state)
    mod.opt = opt
    mod.numproc = numproc
    mod.version = version
    mod.version_info = (2, 0, 21, 0, "dotnetwsgi")
    mod.hostname = socket.gethostname()
    mod.started_on = int(time.time())
    mod.magic_table = {}
    mod.applications = None
    sys.modules["uwsgi"] = mod
    return mod


def after_app_load():
    """Runs the @postfork hooks and starts the signal thread (worker, once its apps are loaded)."""
    sys.modules["uwsgi"]._after_load()


def run_mule(path):
    sys.modules["uwsgi"]._mule_main(path)


def run_spooler(directory, frequency):
    sys.modules["uwsgi"]._spooler_main(directory, frequency)


def _signal_master(masterpid, signum):
    if not masterpid:
        return False
    os.kill(masterpid, signum)
    return True


def start_autoreloader(interval, masterpid):
    """py-autoreload: a daemon thread compares the mtimes of loaded modules' files every interval
    seconds; on the first change it reports the file and asks the master for a graceful reload
    (SIGHUP), as uWSGI's python reloader does. Modules imported later are watched from first sight."""

    def scan(seen):
        for module in list(sys.modules.values()):
            path = getattr(module, "__file__", None)
            if not path:
                continue
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            if seen.setdefault(path, mtime) != mtime:
                return path
        return None

    def run():
        seen = {}
        scan(seen)
        while True:
            time.sleep(interval)
            changed = scan(seen)
            if changed:
                print("[uwsgi-python-reloader] module/file %s has been modified" % changed, file=sys.stderr, flush=True)
                _signal_master(masterpid, signal.SIGHUP)
                return

    threading.Thread(target=run, name="uwsgi-python-reloader", daemon=True).start()
