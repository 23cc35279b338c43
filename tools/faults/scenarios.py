"""The faults, one function each: start an instance, drive load, inject the fault for `seconds`,
and return a row: (name, Tally, what else was measured)."""

import os
import random
import signal
import threading
import time

from instance import Instance, alive, free_port, get, uwsgi_packet
from load import Load, Slowloris, Tally, idle_keepalive


def _loaded(binary, seconds, fault, extra=(), processes=4, clients=8, keepalive=2):
    """Runs fault(instance, deadline) -> note under load on a fresh instance, sampling the accepting
    workers (stats server) all along; the instance is always closed."""
    inst = Instance(binary, extra, processes=processes)
    try:
        inst.wait_ready(processes)
        load = Load(inst.port, clients, keepalive).start()
        sampler = AcceptingSampler(inst).start()
        try:
            note = fault(inst, time.monotonic() + seconds)
        finally:
            tally = load.stop()
            note = {**note, **sampler.stop()}
        return tally, note
    finally:
        inst.close()


class AcceptingSampler:
    """Polls the stats server: the fewest accepting workers seen, and how many samples saw none."""

    def __init__(self, inst):
        self.inst, self.counts = inst, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.01):
            try:
                self.counts.append(self.inst.accepting())
            except (OSError, ValueError):
                pass  # stats server busy or gone: no sample

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=10)
        zero = sum(1 for c in self.counts if c == 0)
        return {"min accepting": min(self.counts, default="-"), "samples with 0 accepting": f"{zero}/{len(self.counts)}"}


def sigkill_workers(binary, seconds):
    def fault(inst, deadline):
        kills = 0
        while time.monotonic() < deadline:
            time.sleep(random.uniform(0.3, 0.8))
            pids = inst.worker_pids()
            if pids:
                os.kill(random.choice(pids), signal.SIGKILL)
                kills += 1
        return {"kills": kills}
    tally, note = _loaded(binary, seconds, fault)
    note["failed per kill"] = round(sum(tally.failed.values()) / max(1, note["kills"]), 2)
    return "worker SIGKILL", tally, note


def _repeat(sig_or_byte, every):
    def fault(inst, deadline):
        n = 0
        while time.monotonic() < deadline:
            if isinstance(sig_or_byte, str):
                inst.command(sig_or_byte)
            else:
                inst.signal(sig_or_byte)
            n += 1
            time.sleep(every)
        return {"reloads": n}
    return fault


def graceful_reloads(binary, seconds):
    return ("graceful reload (SIGHUP)",) + _loaded(binary, seconds, _repeat(signal.SIGHUP, 1.5))


def chain_reloads(binary, seconds):
    return ("chain reload (fifo c)",) + _loaded(binary, seconds, _repeat("c", 3.0))


def recycling(binary, seconds):
    def fault(inst, deadline):
        time.sleep(max(0.0, deadline - time.monotonic()))
        return {"workers seen": len(inst.seen)}
    # min-worker-lifetime = 1 (default 10): with a short run every worker reaches the limit many times.
    return ("recycle (max-requests = 50, min-worker-lifetime = 1)",) + _loaded(
        binary, seconds, fault, extra=["max-requests = 50", "min-worker-lifetime = 1"])


def stop_in_flight(binary, seconds):
    """8 clients with 1-second requests in flight, then SIGTERM: in-flight ones finish, later ones are refused."""
    inst = Instance(binary, processes=4)
    try:
        inst.wait_ready(4)
        load = Load(inst.port, clients=8, keepalive=0, path="/sleep?s=1").start()
        time.sleep(min(seconds, 2.5))
        t0 = time.monotonic()
        inst.signal(signal.SIGTERM)
        code = inst.proc.wait(timeout=60)
        exit_s = time.monotonic() - t0
        tally = load.stop()
        in_flight = tally.spanning(t0)
        note = {"in flight at the stop": dict(in_flight), "exit code": code, "exit after s": round(exit_s, 2),
                "note": "requests sent after the stop are refused at once (counted as failed)"}
        return "stop with requests in flight (SIGTERM)", tally, note
    finally:
        inst.close()


def slowloris_and_idle(binary, seconds):
    """500 slowloris + 500 idle keep-alive connections while one normal client is served."""
    inst = Instance(binary, processes=4)
    slow = None
    idle = []
    try:
        inst.wait_ready(4)
        idle = idle_keepalive(inst.port, 500)
        slow = Slowloris(inst.port, 500)
        tally = Tally()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            tally.record(get(inst.port, "/"), time.monotonic() - t0)
            time.sleep(0.05)
        note = {"idle open": len(idle), "slowloris open at end": slow.open_count(),
                "slowloris closed by the server (replaced)": slow.closed_by_server,
                "normal p50 ms": round(tally.percentile(0.5) * 1000, 1), "normal p99 ms": round(tally.percentile(0.99) * 1000, 1)}
        return "500 slowloris + 500 idle keep-alive", tally, note
    finally:
        if slow:
            slow.close()
        for c in idle:
            c.close()
        inst.close()


def slowloris_uwsgi(binary, seconds):
    """500 slowloris connections trickling uwsgi packets on a uwsgi `socket` while one normal uwsgi client is served."""
    port = free_port()
    inst = Instance(binary, processes=4, extra=[f"socket = 127.0.0.1:{port}"])
    slow = None
    try:
        inst.wait_ready(4)
        slow = Slowloris(port, 500, head=uwsgi_packet({"REQUEST_METHOD": "GET", "PATH_INFO": "/", "X_SLOW": "a" * 4000}))
        tally = Tally()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            tally.record(get(port, "/", uwsgi=True), time.monotonic() - t0)
            time.sleep(0.05)
        note = {"slowloris open at end": slow.open_count(), "slowloris closed by the server (replaced)": slow.closed_by_server,
                "normal p50 ms": round(tally.percentile(0.5) * 1000, 1), "normal p99 ms": round(tally.percentile(0.99) * 1000, 1)}
        return "500 slowloris on the uwsgi socket", tally, note
    finally:
        if slow:
            slow.close()
        inst.close()


def kill_master(binary, seconds):
    """SIGKILL of the master under load: when are the workers gone, and how fast does a restart on the same port answer."""
    inst = Instance(binary, processes=4)
    second = None
    try:
        inst.wait_ready(4)
        workers = inst.worker_pids()
        load = Load(inst.port, clients=4, keepalive=1).start()
        time.sleep(min(seconds, 2))
        t0 = time.monotonic()
        inst.signal(signal.SIGKILL)
        while any(alive(p) for p in workers) and time.monotonic() - t0 < 10:
            time.sleep(0.01)
        gone = time.monotonic() - t0
        t1 = time.monotonic()
        second = Instance(binary, port=inst.port, processes=4)
        second.wait_ready(1)
        ready = time.monotonic() - t1
        time.sleep(1)
        tally = load.stop()
        note = {"workers gone after s": round(gone, 2), "restart answering after s": round(ready, 2)}
        return "master SIGKILL + restart", tally, note
    finally:
        inst.close()
        if second:
            second.close()


def log_faults(binary, seconds):
    """logto truncated (copytruncate) every 0.5 s under load, then logto = /dev/full under load."""
    def truncate(inst, deadline):
        log, nul_starts, truncations = os.path.join(inst.dir, "app.log"), 0, 0
        while time.monotonic() < deadline:
            time.sleep(0.5)
            with open(log, "r+b") as f:
                f.truncate(0)
            truncations += 1
            time.sleep(0.2)
            with open(log, "rb") as f:
                nul_starts += f.read(1) == b"\0"
        return {"truncations": truncations, "log starting with NUL": nul_starts}
    tally, note = _loaded(binary, seconds / 2, truncate, extra=["logto = app.log"])

    def full(inst, deadline):
        time.sleep(max(0.0, deadline - time.monotonic()))
        return {"log_dropped (stats)": inst.stats().get("log_dropped", 0),
                "said on stderr": open(os.path.join(inst.dir, "output.log"), errors="replace").read().count("cannot write to the log file")}
    tally2, note2 = _loaded(binary, seconds / 2, full, extra=["logto = /dev/full"])
    merged = Tally()
    for t in (tally, tally2):
        merged.sent += t.sent
        merged.answered += t.answered
        merged.failed.update(t.failed)
    return "log truncated / log device full", merged, {**note, **note2}


ALL = [sigkill_workers, graceful_reloads, chain_reloads, recycling, stop_in_flight, slowloris_and_idle, slowloris_uwsgi, kill_master, log_faults]
