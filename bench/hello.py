"""Baseline (a) of `make bench`: the bare Flask hello-world app.

    gunicorn -c bench/gunicorn.conf.py --pythonpath bench hello:app

Every tracker endpoint's throughput is reported as a ratio to this app's, measured in the
same round of the same run on the same gunicorn configuration: what the tracker costs on
top of Flask and gunicorn themselves.
"""

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def hello():
    return Response("Hello, World!", mimetype="text/plain")
