"""A small HTTP server the tests start on port 0 (in a thread), playing the other system."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from borough.clients.models import Scope
from borough.core.actors import StaffActor
from borough.integrations.services import connector_create, subscription_create


class Receiver:
    """Records every request; answers with ``answers`` in turn (then ``default``)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict | str]] = []
        self.default: tuple[int, dict | str] = (200, {"ok": True})
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with receiver.lock:
                    receiver.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": dict(self.headers.items()),
                            "body": body,
                        }
                    )
                    status, content = (
                        receiver.answers.pop(0) if receiver.answers else receiver.default
                    )
                data = content if isinstance(content, str) else json.dumps(content)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())

            do_POST = _answer  # noqa: N815
            do_GET = _answer  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def json_bodies(self) -> list:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def api_client(new_api_client):
    return new_api_client(Scope.CASES_READ, name="Back office").client


@pytest.fixture
def subscribed(admin, api_client):
    """``(subscription, connector)``: ``api_client``'s subscription to new cases and an email
    connector, both made by ``admin``."""
    actor = StaffActor(admin)
    subscription = subscription_create(
        client=api_client,
        target_url="https://x.example/",
        event_types=["case.created"],
        actor=actor,
    ).subscription
    connector = connector_create(
        name="Mailbox", kind="email", email="bo@council.example", actor=actor
    ).connector
    return subscription, connector


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...``: what is queued on commit inside runs at the end of the block,
    as it would after a real commit (and what that queues runs too)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
