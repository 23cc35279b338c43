#!/usr/bin/python3
"""Faults under load against the published dotnetwsgi, on loopback only.

    /usr/bin/python3 tools/faults/faults.py [--binary artifacts/bin/dotnetwsgi] [--seconds 10] [--only NAME ...]

For each fault (worker SIGKILL, graceful and chain reloads, recycling with max-requests = 50, stop
with requests in flight, 500 slowloris + 500 idle keep-alive connections, 500 slowloris on a uwsgi
socket, master SIGKILL and restart, log truncation and a full log device) a fresh instance (4 workers
x 2 threads) is loaded by clients that open a connection per request and keep-alive clients; every
request is counted as answered or failed with what the client saw. Each fault runs for --seconds;
every process started is ended by PID. Standard library only (Debian's /usr/bin/python3)."""

import argparse
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenarios  # noqa: E402


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.environ.get("DOTNETWSGI_BIN") or os.path.join(root, "artifacts", "bin", "dotnetwsgi"))
    ap.add_argument("--seconds", type=float, default=10.0, help="duration of each fault (default 10)")
    ap.add_argument("--only", nargs="*", choices=[f.__name__ for f in scenarios.ALL], help="run only these faults")
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"faults.py: {args.binary} is not an executable: run ./build.sh first")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))  # 1000+ client sockets
    rows = []
    for fault in scenarios.ALL:
        if args.only and fault.__name__ not in args.only:
            continue
        t0 = time.monotonic()
        try:
            name, tally, note = fault(args.binary, args.seconds)
        except Exception as e:  # one broken fault must not hide the others' figures
            rows.append((fault.__name__, "-", "-", "-", f"ERROR {e!r}", ""))
            continue
        kinds = ", ".join(f"{k}: {v}" for k, v in tally.failed.most_common())
        rows.append((name, tally.sent, tally.answered, sum(tally.failed.values()), kinds or "-",
                     "; ".join(f"{k}: {v}" for k, v in note.items()) + f" ({time.monotonic() - t0:.0f} s)"))
        print(f"done: {name}", file=sys.stderr, flush=True)
    print_table(["fault", "sent", "answered", "failed", "failures (what the client saw)", "measured"], rows)


def print_table(header, rows):
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in cells[1:]:
        print(line(r))


if __name__ == "__main__":
    main()
