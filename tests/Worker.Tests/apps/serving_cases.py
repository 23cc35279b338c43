"""Flask app served through the real serving layer (tests/Worker.Tests/Serving/PythonServingTests)."""

import os
import time

from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/echo", methods=["POST"])
def echo():
    # Werkzeug reads the body only when CONTENT_LENGTH is set or wsgi.input_terminated is true.
    body = request.get_data()
    return "%d:%s" % (len(body), body.decode("latin-1"))


@app.route("/stream")
def stream():
    marker = request.args["marker"]

    def generate():
        yield b"first;"
        # The test creates the marker only after it has read the first chunk.
        deadline = time.monotonic() + 30
        while not os.path.exists(marker) and time.monotonic() < deadline:
            time.sleep(0.01)
        yield b"second;" if os.path.exists(marker) else b"gave up;"

    return Response(generate(), mimetype="text/plain")


@app.route("/read", methods=["POST"])
def read():
    try:
        data = request.environ["wsgi.input"].read(int(request.environ["CONTENT_LENGTH"]))
        return "read %d" % len(data)
    except Exception as e:  # the test checks which exception type the app sees
        # The serving layer answers the client 408 itself; the app's view goes to a file.
        with open(request.args["out"], "w") as f:
            f.write("%s: %s" % (type(e).__name__, e))
        raise


@app.route("/big")
def big():
    # More than loopback socket buffers hold: the write blocks while the client does not read.
    chunk = b"x" * (1 << 20)
    return Response((chunk for _ in range(64)), mimetype="application/octet-stream")
