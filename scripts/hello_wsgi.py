"""The yardstick for scripts/bench_scale.py: a Flask hello-world, served by the same
gunicorn settings as Trygg, so a page's req/s can be given as a share of it."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
