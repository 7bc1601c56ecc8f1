"""Issue 16, hole 10: webhooks and connectors as a way into the council's own network.

A hostile admin form entry (or a name that later resolves somewhere else) must not make Borough
call loopback, private, link-local (cloud metadata) or other internal addresses; redirects are
not followed; the hub never shows what the receiver answered; deliveries carry Standard Webhooks
signatures a receiver's library verifies. Receivers are real HTTP servers on 127.0.0.1 in a
thread; no test sends anything anywhere else (refused addresses are refused before connecting).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from borough.cases.models import CaseEvent
from borough.clients.models import Scope
from borough.core.actors import StaffActor
from borough.integrations import outbound
from borough.integrations.connectors import handoffs_due
from borough.integrations.models import Connector, Delivery, Handoff, WebhookSubscription
from borough.integrations.services import connector_create, route_set, subscription_create
from borough.integrations.webhooks import deliver_due, standard_signature

SECRET_BODY = "internal-token-4711 <b>from the receiver</b>"


class Receiver:
    """A local HTTP server recording requests; answers ``(status, body, headers)`` in turn."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, str, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                receiver.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body,
                    }
                )
                status, content, headers = (
                    receiver.answers.pop(0) if receiver.answers else (200, '{"id": "X-1"}', {})
                )
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content.encode())))
                self.end_headers()
                self.wfile.write(content.encode())

            do_POST = _answer  # noqa: N815
            do_GET = _answer  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def admin_client(admin, staff_login):
    client = Client()
    staff_login(client, admin)
    return client


@pytest.fixture
def api_client(new_api_client):
    return new_api_client(Scope.CASES_READ, name="Back office").client


@pytest.fixture
def production(settings):
    settings.BOROUGH_MODE = "production"
    return settings


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _subscribe_in_hub(admin_client, api_client, url):
    return admin_client.post(
        "/hub/webhooks/new/",
        {"client": str(api_client.pk), "target_url": url, "event_types": ["case.created"]},
    )


def _connector_in_hub(admin_client, url):
    return admin_client.post(
        "/hub/connectors/new/",
        {"name": "Street works", "kind": "json", "endpoint": url, "credential": "t"},
    )


# ------------------------------------------------------------------------------ saving


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1:{port}/hook", "127.0.0.1 is a loopback address"),
        ("https://localhost:{port}/hook", "is a loopback address"),
        ("https://[::ffff:127.0.0.1]:{port}/hook", "::ffff:127.0.0.1 is a loopback address"),
        ("https://[::1]:{port}/hook", "::1 is a loopback address"),
        ("https://0.0.0.0:{port}/hook", "0.0.0.0 is an unspecified address"),
        ("https://[::]:{port}/hook", ":: is an unspecified address"),
        ("http://127.0.0.1:{port}/hook", "Borough sends only over HTTPS"),
    ],
)
def test_production_refuses_a_subscriber_on_this_machine(
    production, admin_client, api_client, receiver, url, reason
):
    response = _subscribe_in_hub(admin_client, api_client, url.format(port=receiver.port))
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not WebhookSubscription.objects.exists()
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/hook",
        "https://10.0.0.1/hook",
        "https://192.168.1.20/hook",
        "https://100.64.0.1/hook",
        "https://224.0.0.1/hook",
        "https://240.0.0.1/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:169.254.169.254]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
    ],
)
def test_internal_addresses_are_refused_in_every_mode(admin_client, api_client, url):
    # The embedded mode (these tests' default) allows loopback for local receivers, not these.
    for response in (
        _subscribe_in_hub(admin_client, api_client, url),
        _connector_in_hub(admin_client, url),
    ):
        assert response.status_code == 400
        assert "Borough does not call those" in response.content.decode()
    assert not WebhookSubscription.objects.exists()
    assert not Connector.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_refused(
    production, admin_client, api_client, monkeypatch
):
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["93.184.216.34", "10.1.2.3"]  # one public address is not enough: every one counts

    monkeypatch.setattr(outbound, "resolve", resolver)
    response = _subscribe_in_hub(admin_client, api_client, "https://hooks.partner.example/in")
    assert response.status_code == 400
    assert "10.1.2.3 is a private address" in response.content.decode()
    assert asked == ["hooks.partner.example"]
    assert not WebhookSubscription.objects.exists()


def test_the_allow_list_lets_a_council_reach_an_internal_system_on_purpose(
    production, admin_client, api_client, monkeypatch
):
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["10.20.0.7"])
    production.BOROUGH_OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert _subscribe_in_hub(admin_client, api_client, "https://crm.internal/in").status_code == 200
    assert WebhookSubscription.objects.count() == 1
    # Still HTTPS only in production, allow-listed or not.
    assert _subscribe_in_hub(admin_client, api_client, "http://crm.internal/in").status_code == 400
    assert WebhookSubscription.objects.count() == 1


# ------------------------------------------------------------------------------ delivering


def test_every_delivery_checks_again_and_a_rebound_name_is_not_called(
    production, admin, api_client, make_case, receiver, monkeypatch, committed
):
    """Saved while the name pointed elsewhere; now it resolves to this machine: not sent."""
    monkeypatch.setattr(outbound, "resolve", lambda host, port: [])  # does not resolve yet
    subscription = subscription_create(
        client=api_client,
        target_url=f"https://hooks.partner.example:{receiver.port}/in",
        event_types=["case.created"],
        actor=StaffActor(admin),
    ).subscription
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.1"])
    with committed():
        make_case()
    deliver_due(now=timezone.now() + dt.timedelta(hours=1))
    assert receiver.requests == []
    delivery = Delivery.objects.get(subscription=subscription)
    assert delivery.status == Delivery.Status.PENDING and delivery.delivered_at is None
    assert delivery.attempts == 2 and delivery.last_status_code is None
    assert "127.0.0.1 is a loopback address" in delivery.last_error


def test_the_connection_goes_to_the_address_checked_with_the_name_as_host(
    admin, api_client, make_case, receiver, monkeypatch, committed
):
    """Resolved once per request, then connected to that address (no second lookup to rebind);
    the name is sent as the Host header. Embedded mode: loopback is allowed."""
    answers = iter([["127.0.0.1"], ["127.0.0.1"], ["10.66.0.1"], ["10.66.0.1"]])
    asked = []

    def resolver(host, port):
        asked.append(host)
        return next(answers)

    monkeypatch.setattr(outbound, "resolve", resolver)
    url = f"http://hooks.partner.example:{receiver.port}/in"
    subscription_create(
        client=api_client, target_url=url, event_types=["case.created"], actor=StaffActor(admin)
    )
    with committed():
        make_case()
    assert asked == ["hooks.partner.example"] * 2  # saving, then the one delivery
    assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.partner.example:{receiver.port}"
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def _certificate(name: str, *, issuer=None, issuer_key=None, ca=False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(usage, critical=True)
    else:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256()), key


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """An HTTPS receiver on 127.0.0.1 whose certificate names hooks.partner.example, signed by
    a test authority that Borough is made to trust (SSL_CERT_FILE); records the TLS server
    name each connection asked for."""
    authority, authority_key = _certificate("Test authority", ca=True)
    leaf, leaf_key = _certificate(
        "hooks.partner.example", issuer=authority, issuer_key=authority_key
    )
    (tmp_path / "ca.pem").write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = Receiver(tls=context)
    server.names = names  # type: ignore[attr-defined]
    yield server
    server.close()


def test_https_in_production_goes_to_the_checked_address_with_the_names_certificate(
    production, admin, api_client, make_case, tls_receiver, monkeypatch, committed
):
    """An allow-listed internal system over HTTPS: the connection goes to the address checked,
    the TLS server name and Host header are the URL's name, and the certificate must match it."""
    production.BOROUGH_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.1"])
    for host in ("hooks.partner.example", "impostor.example"):
        subscription_create(
            client=api_client,
            target_url=f"https://{host}:{tls_receiver.port}/in",
            event_types=["case.created"],
            actor=StaffActor(admin),
        )
    with committed():
        make_case()
    assert [r["headers"]["Host"] for r in tls_receiver.requests] == [
        f"hooks.partner.example:{tls_receiver.port}"
    ]
    assert sorted(tls_receiver.names) == ["hooks.partner.example", "impostor.example"]
    good, impostor = (
        Delivery.objects.get(subscription__target_url__contains=host)
        for host in ("hooks.partner", "impostor")
    )
    assert good.status == Delivery.Status.DELIVERED
    assert impostor.status == Delivery.Status.PENDING and impostor.delivered_at is None
    assert "certificate could not be verified" in impostor.last_error


def test_every_checked_address_is_tried_in_turn_and_no_other(
    admin, api_client, make_case, receiver, monkeypatch, committed
):
    """A name with several addresses (an IPv6 one this server cannot reach, say): the next
    checked address is tried, as for any name; nothing is looked up again."""
    monkeypatch.setattr(outbound, "resolve", lambda host, port: ["127.0.0.2", "127.0.0.1"])
    subscription_create(
        client=api_client,
        target_url=f"http://hooks.partner.example:{receiver.port}/in",
        event_types=["case.created"],
        actor=StaffActor(admin),
    )
    with committed():
        make_case()
    assert len(receiver.requests) == 1  # 127.0.0.2 refused the connection; 127.0.0.1 took it
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_a_redirect_is_a_failed_delivery_and_is_not_followed(
    admin, api_client, make_case, receiver, committed
):
    receiver.answers = [(303, "", {"Location": f"{receiver.url}/elsewhere"})]
    subscription_create(
        client=api_client,
        target_url=receiver.url + "/in",
        event_types=["case.created"],
        actor=StaffActor(admin),
    )
    with committed():
        make_case()
    assert [(r["method"], r["path"]) for r in receiver.requests] == [("POST", "/in")]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING and delivery.delivered_at is None
    assert delivery.last_status_code == 303
    assert "Borough does not follow redirects" in delivery.last_error
    assert delivery.next_attempt_at is not None  # retried by the usual policy


def test_a_connector_redirect_is_not_followed_and_the_case_is_not_marked_sent(
    admin, missed_bin, make_case, receiver, committed
):
    receiver.answers = [(307, "", {"Location": f"{receiver.url}/elsewhere"})]
    connector = connector_create(
        name="Street works", kind="json", endpoint=receiver.url + "/cases", actor=StaffActor(admin)
    ).connector
    route_set(service=missed_bin, connector=connector, actor=StaffActor(admin))
    with committed():
        case = make_case()
    assert [r["path"] for r in receiver.requests] == ["/cases"]
    handoff = Handoff.objects.get(case=case)
    assert handoff.status == Handoff.Status.PENDING and handoff.external_id is None
    assert "does not follow redirects" in handoff.last_error


def test_the_hub_shows_the_status_and_borough_words_never_the_receivers_body(
    admin, admin_client, api_client, missed_bin, make_case, receiver, committed
):
    receiver.answers = [(500, SECRET_BODY, {}), (502, SECRET_BODY, {})]
    subscription = subscription_create(
        client=api_client,
        target_url=receiver.url,
        event_types=["case.created"],
        actor=StaffActor(admin),
    ).subscription
    connector = connector_create(
        name="Street works", kind="json", endpoint=receiver.url + "/cases", actor=StaffActor(admin)
    ).connector
    route_set(service=missed_bin, connector=connector, actor=StaffActor(admin))
    with committed():
        case = make_case()
    assert len(receiver.requests) == 2
    webhook_page = admin_client.get(f"/hub/webhooks/{subscription.pk}/").content.decode()
    connector_page = admin_client.get(f"/hub/connectors/{connector.pk}/").content.decode()
    assert "HTTP 500" in webhook_page and "the receiver had an error" in webhook_page
    assert "HTTP 502" in connector_page
    for text in (webhook_page, connector_page):
        assert "internal-token-4711" not in text and "from the receiver" not in text
    notes = case.events.filter(kind=CaseEvent.Kind.NOTE).values_list("text", flat=True)
    assert notes and not any("internal-token-4711" in note for note in notes)
    assert not Delivery.objects.filter(status=Delivery.Status.DELIVERED).exists()
    handoffs_due(now=timezone.now() + dt.timedelta(minutes=5))  # the retry is taken
    assert Handoff.objects.get(case=case).status == Handoff.Status.SENT


# ------------------------------------------------------------------------------ signatures


def test_deliveries_are_signed_as_standard_webhooks_verified_by_the_reference_library(
    admin_client, api_client, make_case, receiver, committed
):
    created = _subscribe_in_hub(admin_client, api_client, receiver.url + "/in")
    secret = created.context["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    with committed():
        make_case()
    sent = receiver.requests[0]
    headers = {name.lower(): value for name, value in sent["headers"].items()}
    body = json.loads(sent["body"])
    assert headers["webhook-id"] == body["id"]
    assert Webhook(secret).verify(sent["body"], headers) == body
    for wrong in (
        {**headers, "webhook-id": "another-id"},
        {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 600)},
    ):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(sent["body"], wrong)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(sent["body"] + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"x" * 32).decode()).verify(sent["body"], headers)
    assert headers["borough-signature"].startswith("t=")  # the deprecated header, one release


def test_a_retry_is_signed_with_the_time_it_is_sent(
    admin, api_client, make_case, receiver, committed
):
    """The periodic task passes the batch's start time; the signature must carry the time of the
    try itself, or a receiver's library refuses it as too old (or too new)."""
    new = subscription_create(
        client=api_client,
        target_url=receiver.url,
        event_types=["case.created"],
        actor=StaffActor(admin),
    )
    receiver.answers = [(503, "", {})]
    with committed():
        make_case()
    deliver_due(now=timezone.now() + dt.timedelta(minutes=30))
    retry = receiver.requests[-1]
    assert len(receiver.requests) == 2
    Webhook(new.secret).verify(retry["body"], dict(retry["headers"]))
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_borough_signs_the_reference_implementations_test_vector():
    # standard-webhooks/libraries/python/tests/test_webhooks.py, test_sign_function
    assert (
        standard_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_json_connector_with_a_whsec_secret_is_verified_by_the_reference_library(
    admin, missed_bin, make_case, receiver, committed
):
    secret = "whsec_" + base64.b64encode(b"street works secret, 32 bytes!!!").decode()
    connector = connector_create(
        name="Street works",
        kind="json",
        endpoint=receiver.url + "/cases",
        signing_secret=secret,
        actor=StaffActor(admin),
    ).connector
    route_set(service=missed_bin, connector=connector, actor=StaffActor(admin))
    with committed():
        case = make_case()
    sent = receiver.requests[0]
    document = Webhook(secret).verify(sent["body"], dict(sent["headers"]))
    assert document["reference"] == case.reference
