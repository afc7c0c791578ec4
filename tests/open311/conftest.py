import socket
import threading

import pytest
from werkzeug.serving import make_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app):
    """The app over real HTTP, for a client library that speaks HTTP (tests committed)."""
    server = make_server("127.0.0.1", _free_port(), app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


from tests.integrations.conftest import make_key  # noqa: E402, F401
