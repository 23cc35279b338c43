# Appended to dotnetwsgi_uwsgi.py's namespace by the shim: mules, the spooler and the start-up hooks.


# ---- mules: one unix datagram socket per mule in the master's run directory ----

def _mule_path(n):
    return os.path.join(_state["api_dir"], "mule-%d.sock" % n)


def mule_msg(message, mule=0):
    data = _b(message, "mule_msg")
    count = _state["mules"]
    if count == 0:
        raise RuntimeError("uwsgi.mule_msg: no mule is configured (set mule or mules)")
    if isinstance(mule, str):
        raise NotImplementedError("uwsgi.mule_msg to a farm is not provided by dotnetwsgi")
    targets = [int(mule)] if mule else random.sample(range(1, count + 1), count)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        for n in targets:
            try:
                sock.sendto(data, _mule_path(n))
                return True
            except (FileNotFoundError, ConnectionRefusedError):
                continue
    finally:
        sock.close()
    return False


def mule_get_msg(signals=True, farms=True, buffer_size=65536, timeout=-1):
    sock = _state.get("mule_socket")
    if sock is None:
        raise RuntimeError("uwsgi.mule_get_msg: only a mule can receive mule messages")
    sock.settimeout(None if timeout is None or timeout < 0 else timeout)
    try:
        return sock.recv(max(buffer_size, 1 << 20))
    except socket.timeout:
        return None


def _mule_main(path):
    """A mule: its socket, the postfork hooks, then `mule = FILE` runs the file; a bare mule
    passes each message to uwsgi.mule_msg_hook (set by uwsgidecorators)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    own = _mule_path(_state["mule_id"])
    try:
        os.unlink(own)
    except FileNotFoundError:
        pass
    sock.bind(own)
    _state["mule_socket"] = sock
    _after_load()
    if path:
        import runpy
        runpy.run_path(path, run_name="__main__")
        return
    module = sys.modules["uwsgi"]
    while True:
        message = mule_get_msg()
        hook = getattr(module, "mule_msg_hook", None)
        if hook is None:
            continue
        try:
            hook(message)
        except Exception:
            print("mule %d: message handler failed:\n%s" % (_state["mule_id"], traceback.format_exc()), file=sys.stderr, flush=True)


# ---- the spooler: one job per file, uWSGI's packet format (vars, then an optional body) ----

_spool_counter = [0]


def _pack(d):
    out = bytearray()
    for k, v in d.items():
        k, v = _b(k, "spool"), _b(v, "spool")
        out += struct.pack("<H", len(k)) + k + struct.pack("<H", len(v)) + v
    return struct.pack("<BHB", 17, len(out), 0) + bytes(out)


def _unpack(data):
    _, size, _ = struct.unpack_from("<BHB", data, 0)
    pos, end, d = 4, 4 + size, {}
    while pos < end:
        (kl,) = struct.unpack_from("<H", data, pos)
        k = data[pos + 2:pos + 2 + kl]
        pos += 2 + kl
        (vl,) = struct.unpack_from("<H", data, pos)
        d[k] = data[pos + 2:pos + 2 + vl]
        pos += 2 + vl
    return d, data[end:]


def spool(*args, **kwargs):
    dirs = _state["spoolers"]
    if not dirs:
        raise RuntimeError("uwsgi.spool: no spooler is configured (set spooler = DIR)")
    job = dict(args[0]) if args else {}
    job.update(kwargs)
    job = {_b(k, "spool").decode("utf-8"): v for k, v in job.items()}
    target = _b(job.pop("spooler"), "spool").decode() if "spooler" in job else dirs[0]
    body = _b(job.pop("body"), "spool") if "body" in job else b""
    _spool_counter[0] += 1
    name = "uwsgi_spoolfile_on_%s_%d_%d_%d_%d" % (socket.gethostname(), os.getpid(), _spool_counter[0],
                                                 int(time.time()), random.randint(0, 1 << 30))
    tmp = os.path.join(target, "." + name)
    with open(tmp, "wb") as f:
        f.write(_pack(job) + body)
    os.rename(tmp, os.path.join(target, name))
    return os.path.join(target, name).encode()


def spooler_jobs():
    d = _state["spooler_dir"] or (_state["spoolers"] or [None])[0]
    if d is None:
        return []
    return [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.startswith("uwsgi_spoolfile_on_")]


def _spooler_state(running):
    """The master's stats server reads "TASKS RUNNING" from this file (uWSGI's `tasks`, `running`)."""
    if not _state["api_dir"]:
        return
    path = os.path.join(_state["api_dir"], "spooler-%d.state" % os.getpid())
    with open(path + ".tmp", "w") as f:
        f.write("%d %d" % (_spool_tasks[0], 1 if running else 0))
    os.replace(path + ".tmp", path)


_spool_tasks = [0]


def _run_job(path):
    """Runs one job file under an flock (another spooler process skips it). The handler's return
    value decides, as in uWSGI: SPOOL_OK removes the file, SPOOL_RETRY (or an exception) keeps it
    for the next scan, SPOOL_IGNORE leaves it alone. uwsgidecorators' @spool returns SPOOL_OK,
    @spoolforever SPOOL_RETRY (the job runs at every scan, forever), @spoolraw the function's own
    return value."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        if not os.path.exists(path):
            return
        with os.fdopen(os.dup(fd), "rb") as f:
            job, body = _unpack(f.read())
        at = job.get(b"at")
        if at and float(at) > time.time():
            return
        if body:
            job[b"body"] = body
        handler = getattr(sys.modules["uwsgi"], "spooler", None)
        _spooler_state(True)
        try:
            ret = handler(job) if handler else SPOOL_RETRY
        except Exception:
            print("spooler: job %s failed (kept for retry):\n%s" % (path, traceback.format_exc()), file=sys.stderr, flush=True)
            ret = SPOOL_RETRY
        _spool_tasks[0] += 1
        _spooler_state(False)
        if ret == SPOOL_OK:
            os.unlink(path)
    finally:
        os.close(fd)


def _spooler_main(directory, frequency):
    """Scans the directory every `frequency` seconds, and at once when a new job file appears."""
    _after_load()
    print("spooler %s: scanning every %d s" % (directory, frequency), file=sys.stderr, flush=True)
    seen = None
    next_scan = 0.0
    while True:
        mtime = os.stat(directory).st_mtime_ns
        if mtime != seen or time.time() >= next_scan:
            seen = mtime
            next_scan = time.time() + frequency
            for path in spooler_jobs():
                _run_job(path)
        time.sleep(0.2)


# ---- start-up ----

def _after_load():
    """Once the app is loaded in this process: the postfork hooks (uwsgidecorators' @postfork), then
    the signal thread (when a handler is registered; else at the first register_signal)."""
    hook = getattr(sys.modules["uwsgi"], "post_fork_hook", None)
    if callable(hook):
        hook()
    _signal_thread["loaded"] = True
    _start_signal_thread()
