# A stand-in for the dotnetwsgi worker, used by the master's tests until (and besides) the real
# worker: it honours the same contract (WorkerContract.cs / Scoreboard.cs) with the least code.
# It reads the options JSON, inherits the listening fds, loads the WSGI file in `wsgi-file`, marks
# its scoreboard slot Accepting, serves HTTP/1.0 (one request per connection) on `threads` threads,
# stops gracefully on SIGTERM/SIGHUP (finishes in-flight requests, exits 0), immediately on
# SIGINT/SIGQUIT (exit 30), recycles itself after `max-requests` (exit 0), exits 22 when the app
# fails to import, dumps Python stacks on SIGPWR, and dies with its master (PDEATHSIG).
import ctypes, faulthandler, json, mmap, os, signal, socket, struct, sys, threading, time

EXIT_OK, EXIT_BOOT, EXIT_APP, EXIT_NOW = 0, 3, 22, 30
STARTING, ACCEPTING, STOPPING = 1, 2, 3

ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(os.environ["DOTNETWSGI_MASTER_PID"]):
    os._exit(EXIT_NOW)
faulthandler.register(30, all_threads=True)  # WorkerContract.DumpStacksSignal (SIGPWR)

wid = int(os.environ["DOTNETWSGI_WORKER_ID"])
opts = json.load(open(os.environ["DOTNETWSGI_CONFIG"]))
fds = [int(f) for f in os.environ["DOTNETWSGI_FDS"].split(",") if f]

with open(os.environ["DOTNETWSGI_SCOREBOARD"], "r+b") as f:
    board = mmap.mmap(f.fileno(), 0)
_, _, _, cores, slot_bytes, core_bytes = struct.unpack_from("<6q", board, 0)
slot = 64 + (wid - 1) * slot_bytes

def put(offset, value):
    struct.pack_into("<q", board, offset, value)

def get(offset):
    return struct.unpack_from("<q", board, offset)[0]

put(slot, os.getpid())

try:
    scope = {"__file__": opts["WsgiFile"], "__name__": "app"}
    sys.path.insert(0, os.path.dirname(opts["WsgiFile"]))
    exec(compile(open(opts["WsgiFile"]).read(), opts["WsgiFile"], "exec"), scope)
    app = scope[opts.get("Callable") or "application"]
except Exception as e:
    print(f"worker {wid}: failed to load {opts.get('WsgiFile')}: {e!r}", flush=True)
    os._exit(EXIT_APP)

stopping = threading.Event()
lock = threading.Lock()
state = {"inflight": 0, "served": 0}
max_requests = int(opts.get("MaxRequests") or 0)

def on_graceful(*_):
    stopping.set()

signal.signal(signal.SIGTERM, on_graceful)
signal.signal(signal.SIGHUP, on_graceful)
signal.signal(signal.SIGINT, lambda *_: os._exit(EXIT_NOW))
signal.signal(signal.SIGQUIT, lambda *_: os._exit(EXIT_NOW))

def handle(conn, core):
    data = b""
    conn.settimeout(10)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    method, target = line.split(" ")[:2]
    path, _, query = target.partition("?")
    core_at = slot + 128 + core * core_bytes
    info = f"{method} {target}".encode()[:239]
    board[core_at + 16:core_at + 16 + 240] = info.ljust(240, b"\0")
    put(core_at, int(time.time() * 1000))
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": None}
    out = {}
    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, headers
    body = b"".join(app(env, start_response))
    head = f"HTTP/1.0 {out['status']}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    conn.sendall(head.encode() + body)
    put(core_at, 0)
    put(slot + 24, get(slot + 24) + 1)

def serve(listener, core):
    listener.settimeout(0.2)
    while not stopping.is_set():
        try:
            conn, _ = listener.accept()
        except (socket.timeout, BlockingIOError):
            continue
        except OSError:
            if stopping.wait(0.05):  # the master stopped listening (EINVAL): a stop is on its way
                return
            continue
        with lock:
            state["inflight"] += 1
        try:
            handle(conn, core)
        except Exception as e:
            print(f"worker {wid}: request failed: {e!r}", flush=True)
        finally:
            conn.close()
            with lock:
                state["inflight"] -= 1
                state["served"] += 1
                if max_requests and state["served"] >= max_requests:
                    print(f"...The work of process {os.getpid()} is done. Seeya!", flush=True)
                    stopping.set()

listeners = [socket.socket(fileno=fd) for fd in fds]
threads = int(opts.get("Threads") or 1)
for core in range(threads):
    for listener in listeners:
        threading.Thread(target=serve, args=(listener, core), daemon=True).start()
put(slot + 16, ACCEPTING)
print(f"worker {wid} (pid: {os.getpid()}) accepting", flush=True)

while not stopping.wait(0.2):
    if os.getppid() != int(os.environ["DOTNETWSGI_MASTER_PID"]):
        os._exit(EXIT_NOW)
put(slot + 16, STOPPING)
time.sleep(0.3)  # let accept loops notice the stop before counting in-flight requests
while True:
    with lock:
        if state["inflight"] == 0:
            break
    time.sleep(0.05)
os._exit(EXIT_OK)
