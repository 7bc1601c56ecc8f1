"""The optional LLM backend: off unless configured, checked against a fake server, grounded."""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from borough.assistant import llm
from borough.assistant.nlu import Passage

PASSAGES = [
    Passage(
        title="Contact us",
        url="/pages/contact/",
        text="Our offices are open 9am to 5pm, Monday to Friday. Call 020 7946 0001.",
        score=0.9,
    )
]


class FakeModel:
    """An OpenAI-compatible chat-completions endpoint on an ephemeral port."""

    def __init__(self, answer: str):
        self.answer = answer
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
                reply = json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": fake.answer}}]}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_model(settings):
    def make(answer: str) -> FakeModel:
        model = FakeModel(answer)
        settings.BOROUGH_ASSISTANT_LLM_URL = model.url
        settings.BOROUGH_ASSISTANT_LLM_MODEL = "llama-3.1-8b-instruct"
        settings.BOROUGH_ASSISTANT_LLM_KEY = "test-key"
        made.append(model)
        return model

    made: list[FakeModel] = []
    yield make
    for model in made:
        model.close()


def test_nothing_is_sent_when_no_model_is_configured(settings, monkeypatch):
    settings.BOROUGH_ASSISTANT_LLM_URL = ""

    def no_network(*args, **kwargs):
        raise AssertionError("the LLM client opened a connection while switched off")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert not llm.configured()
    assert llm.rephrase(question="When are you open?", passages=PASSAGES) is None
    assert llm.translate_reply("Hello", "so") is None
    assert llm.translate_to_english("Salaan") is None


def test_a_grounded_answer_is_used_and_the_request_has_the_right_shape(fake_model):
    model = fake_model("We are open 9am to 5pm, Monday to Friday. You can call 020 7946 0001.")
    answer = llm.rephrase(question="When are you open?", passages=PASSAGES)
    assert answer.startswith("We are open 9am to 5pm")
    (request,) = model.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer test-key"
    body = request["json"]
    assert body["model"] == "llama-3.1-8b-instruct"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    # Only the retrieved content and the resident's message go to the model.
    assert "Our offices are open 9am to 5pm" in body["messages"][1]["content"]
    assert "When are you open?" in body["messages"][1]["content"]


@pytest.mark.parametrize(
    "made_up",
    [
        "We are open 9am to 5pm. Call 0800 123 4567 for help.",  # a number not in the content
        "We are open 9am to 5pm. See https://example.com/hours for more.",  # a link
        "Email hours@example.com to ask.",  # an email address
        "NO ANSWER",
    ],
)
def test_an_answer_that_is_not_grounded_is_refused(fake_model, made_up):
    fake_model(made_up)
    assert llm.rephrase(question="When are you open?", passages=PASSAGES) is None


def test_translation_keeps_references_or_is_refused(fake_model):
    fake_model("Tixraacaaga waa ABCD-1234.")
    assert llm.translate_reply("Your reference is ABCD-1234.", "so") == (
        "Tixraacaaga waa ABCD-1234."
    )
    fake_model("Tixraacaaga waa ABCD-9999.")
    assert llm.translate_reply("Your reference is ABCD-1234.", "so") is None


def test_an_unreachable_model_falls_back(settings):
    settings.BOROUGH_ASSISTANT_LLM_URL = "http://127.0.0.1:9/v1"  # the discard port: refused
    settings.BOROUGH_ASSISTANT_LLM_TIMEOUT = 1
    assert llm.rephrase(question="When are you open?", passages=PASSAGES) is None
