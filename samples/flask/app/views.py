import json
import os
import traceback

from flask import Response, request

from app import app


@app.route("/")
def index():
    # The seeds read APP_NAME from the container's environment (docker-compose `environment:`).
    app_name = os.getenv("APP_NAME")
    if app_name:
        return f"Hello from {app_name} running in a Docker container behind Nginx!"
    return "Hello from flask"


def my_process_code(data):
    """Stands in for the user's own processing (seed 004): echoes the data with a summary."""
    return {"received": data, "keys": sorted(data) if isinstance(data, dict) else None}


@app.route("/my_python_apps", methods=["POST"])
def my_python_apps():
    try:
        request_data = json.loads(request.get_data())
        return Response(json.dumps(my_process_code(request_data)), mimetype="application/json")
    except Exception:
        traceback.print_exc()
        return Response(json.dumps({"msg": traceback.format_exc()}), status=400, mimetype="application/json")
