# wsgi.file_wrapper cases: /file?path=P&skip=N answers the file from offset N through the wrapper,
# reading it through CountingFile so /reads can tell whether the body went through read() calls.
# /bytes?size=N answers N bytes made for the request (DeferredLastChunkTests).
import io
from urllib.parse import parse_qs

reads = [0]


class CountingFile(io.FileIO):
    def read(self, size=-1):
        reads[0] += 1
        return super().read(size)


def app(environ, start_response):
    path = environ["PATH_INFO"]
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    if path == "/reads":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(reads[0]).encode()]
    if path == "/bytes":
        # A body made for this request, returned as a one-item list: its last (only) chunk.
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [b"x" * int(query["size"])]
    if path == "/memory":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](io.BytesIO(b"in memory " * 1000), 4096)
    f = CountingFile(query["path"], "r")
    f.seek(int(query.get("skip", "0")))
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return environ["wsgi.file_wrapper"](f, 4096)
