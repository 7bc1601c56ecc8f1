"""Contract tests: every request the client sends validates against GOV.UK Pay's published
OpenAPI description (tests/data/govuk_pay/publicapi_spec.json, copied with its licence) and,
for what that copy predates (agreements), against tests/data/govuk_pay/requests.json; and the
client reads Pay's answers and errors as typed results."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from jsonschema import Draft7Validator
from openapi_spec_validator import validate as validate_openapi
from requests.adapters import BaseAdapter

from borough.catalogue.fees import FeeRefused
from borough.payments import sandbox
from borough.payments.client import (
    NewPayment,
    PayClient,
    PayNotFound,
    PayRateLimited,
    PayRequestRefused,
    PayUnavailable,
)
from borough.payments.models import SandboxPayment

DATA = Path(__file__).parents[1] / "data" / "govuk_pay"
SPEC = json.loads((DATA / "requests.json").read_text())
PUBLISHED = json.loads((DATA / "publicapi_spec.json").read_text())
BASE = "https://pay.test"
# Which schema each request body must satisfy, by method and path shape.
BODIES = {
    ("POST", "payments"): "CreateCardPaymentRequest",
    ("POST", "refunds"): "PaymentRefundRequest",
    ("POST", "agreements"): "CreateAgreementRequest",
}


class Recording(BaseAdapter):
    """Answers from the sandbox, keeping every request sent."""

    def __init__(self):
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.inner = sandbox.SandboxAdapter()

    def send(self, request, **kwargs):
        self.sent.append(request)
        request.url = request.url.replace(BASE, "http://x/sandbox/pay")
        return self.inner.send(request, **kwargs)

    def close(self):
        pass


class Canned(BaseAdapter):
    """Answers every request with one status and body, or raises."""

    def __init__(self, status=200, body=None, raises=None):
        super().__init__()
        self.status, self.body, self.raises = status, body, raises

    def send(self, request, **kwargs):
        if self.raises:
            raise self.raises
        response = requests.Response()
        response.status_code = self.status
        response._content = json.dumps(self.body).encode() if self.body is not None else b""
        response.request = request
        return response

    def close(self):
        pass


def _client(adapter) -> PayClient:
    session = requests.Session()
    session.mount(BASE, adapter)
    return PayClient(BASE, "api_test_key", session=session)


@pytest.fixture
def recorded(settings):
    settings.GOVUK_PAY_BASE_URL = "http://x/sandbox/pay"
    adapter = Recording()
    return adapter, _client(adapter)


def _operation(method: str, path: str) -> tuple[dict, dict]:
    """The operation of the published file (or, for what it predates, of requests.json) that
    ``method`` and ``path`` are, and the document it is in."""
    parts = [p for p in path.split("/") if p]
    for document in (PUBLISHED, SPEC):
        for template, operations in document["paths"].items():
            pattern = [p for p in template.split("/") if p]
            same = len(pattern) == len(parts) and all(
                a == b or a.startswith("{") for a, b in zip(pattern, parts, strict=True)
            )
            if same and method.lower() in operations:
                return operations[method.lower()], document
    raise AssertionError(f"{method} {path} is not an operation GOV.UK Pay describes")


def _schema(document: dict, ref: str) -> Draft7Validator:
    return Draft7Validator({"components": document["components"], "$ref": ref})


def _check_against_published(request: requests.PreparedRequest) -> None:
    url = urlsplit(request.url)
    path = url.path.removeprefix("/sandbox/pay")
    operation, document = _operation(request.method, path)
    if document is SPEC:
        assert path.startswith("/v1/agreements"), "only agreements come from requests.json"
    declared = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    for name, values in parse_qs(url.query).items():
        assert name in declared, (path, name)
        for value in values:
            assert not list(Draft7Validator(declared[name]["schema"]).iter_errors(value))
    body_schema = (
        operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ).get("schema")
    if request.body:
        assert body_schema, f"{request.method} {path} takes no body"
        body = json.loads(request.body)
        errors = [e.message for e in _schema(document, body_schema["$ref"]).iter_errors(body)]
        if body.get("authorisation_mode") == "agreement":
            # The copied description predates payments taken from an agreement, which have no
            # page and so no return_url (requests.json checks they send none).
            errors.remove("'return_url' is a required property")
        assert not errors, (path, errors)


def _check_against_spec(request: requests.PreparedRequest) -> None:
    assert request.headers["Authorization"] == "Bearer api_test_key"
    _check_against_published(request)
    if request.method != "POST" or not request.body:
        return
    shape = request.url.rstrip("/").split("/")[-1]
    schema = SPEC["components"]["schemas"][BODIES[("POST", shape)]]
    body = json.loads(request.body)
    errors = [e.message for e in Draft7Validator(schema).iter_errors(body)]
    assert not errors, (request.url, errors)
    if shape == "payments":
        assert request.headers["Idempotency-Key"]
        limits = schema["properties"]["metadata"]["x-key-length"]
        for key in body.get("metadata", {}):
            assert limits["minLength"] <= len(key) <= limits["maxLength"]


def test_the_request_schemas_are_a_valid_openapi_document():
    validate_openapi(SPEC)
    validate_openapi(PUBLISHED)


@pytest.mark.django_db
def test_moto_search_and_agreement_requests_match_pays_description(recorded):
    adapter, client = recorded
    moto = client.create_payment(
        NewPayment(
            amount=2000,
            reference="PAY-M",
            description="Bulky waste, by phone",
            return_url="https://council.example/hub/requests/t/payment/p/",
            moto=True,
        ),
        idempotency_key="m1",
    )
    assert moto.moto and moto.next_url
    page = client.search_payments(from_date="2020-01-01T00:00:00Z", to_date="2999-01-01T00:00:00Z")
    assert page.total == 1 and page.results[0].payment_id == moto.payment_id
    agreement = client.create_agreement(
        reference="AGR-1", description="Garden waste: renews each year", user_identifier="PAY-G"
    )
    first = client.create_payment(
        NewPayment(
            amount=6500,
            reference="PAY-G",
            description="Garden waste",
            return_url="https://council.example/services/g/payment/t/",
            set_up_agreement=agreement.agreement_id,
        ),
        idempotency_key="g1",
    )
    sandbox.pay_with_card(
        SandboxPayment.objects.get(payment_id=first.payment_id), sandbox.SUCCESS_CARD
    )
    assert client.get_agreement(agreement.agreement_id).status == "active"
    renewal = client.create_payment(
        NewPayment(
            amount=6500,
            reference="PAY-G-2",
            description="Garden waste: renewal",
            agreement_id=agreement.agreement_id,
        ),
        idempotency_key="g2",
    )
    assert (renewal.status, renewal.agreement_id) == ("success", agreement.agreement_id)
    client.cancel_agreement(agreement.agreement_id)
    assert client.get_agreement(agreement.agreement_id).status == "cancelled"
    with pytest.raises(PayRequestRefused):  # nothing is taken from a cancelled agreement
        client.create_payment(
            NewPayment(
                amount=6500,
                reference="PAY-G-3",
                description="d",
                agreement_id=agreement.agreement_id,
            ),
            idempotency_key="g3",
        )
    assert len(adapter.sent) == 9
    for request in adapter.sent:
        _check_against_spec(request)


def test_a_body_pay_does_not_describe_fails_the_contract_check():
    strict = Draft7Validator(SPEC["components"]["schemas"]["CreateCardPaymentRequest"])
    assert list(
        strict.iter_errors(
            {
                "amount": 1,
                "reference": "r",
                "description": "d",
                "return_url": "https://x",
                "colour": "red",
            }
        )
    )
    with pytest.raises(AssertionError, match="not an operation"):
        _operation("DELETE", "/v1/payments/abc")


@pytest.mark.django_db
def test_every_request_the_client_sends_matches_pays_schemas(recorded):
    adapter, client = recorded
    made = client.create_payment(
        NewPayment(
            amount=4500,
            reference="PAY-1",
            description="Book a bulky waste collection",
            return_url="https://council.example/services/x/payment/abc/",
            email="ama@example.com",
            language="cy",
            metadata={"borough_reference": "PAY-1", "service": "book-bulky-waste-collection"},
        ),
        idempotency_key="9b6c",
    )
    assert made.status == "created" and made.next_url and made.amount == 4500
    assert client.get_payment(made.payment_id).payment_id == made.payment_id
    assert client.get_events(made.payment_id)[0]["state"]["status"] == "created"
    sandbox.pay_with_card(SandboxPayment.objects.get(), sandbox.SUCCESS_CARD)
    paid = client.get_payment(made.payment_id)
    assert (paid.status, paid.finished, paid.refund_amount_available) == ("success", True, 4500)
    half = client.refund(made.payment_id, amount=2250, refund_amount_available=4500)
    assert (half.amount, half.status) == (2250, "success")
    assert client.get_refund(made.payment_id, half.refund_id).amount == 2250
    client.refund(made.payment_id, amount=2250, refund_amount_available=2250)
    assert client.get_payment(made.payment_id).refund_amount_available == 0
    assert len(adapter.sent) == 8
    for request in adapter.sent:
        _check_against_spec(request)


@pytest.mark.django_db
def test_the_same_idempotency_key_makes_one_payment(recorded):
    _adapter, client = recorded
    new = NewPayment(amount=100, reference="R", description="D", return_url="https://x.test/r")
    first = client.create_payment(new, idempotency_key="k1")
    again = client.create_payment(new, idempotency_key="k1")
    assert first.payment_id == again.payment_id and SandboxPayment.objects.count() == 1
    changed = NewPayment(amount=200, reference="R", description="D", return_url="https://x.test/r")
    with pytest.raises(PayRequestRefused):
        client.create_payment(changed, idempotency_key="k1")


@pytest.mark.django_db
def test_a_stale_refund_amount_available_is_refused_so_nothing_is_refunded_twice(recorded):
    _adapter, client = recorded
    new = NewPayment(amount=1000, reference="R", description="D", return_url="https://x.test/r")
    made = client.create_payment(new, idempotency_key="k2")
    with pytest.raises(PayRequestRefused) as not_paid:
        client.refund(made.payment_id, amount=100, refund_amount_available=1000)
    assert not_paid.value.code == "P0603"
    sandbox.pay_with_card(SandboxPayment.objects.get(), sandbox.SUCCESS_CARD)
    client.refund(made.payment_id, amount=600, refund_amount_available=1000)
    with pytest.raises(PayRequestRefused) as stale:  # a second officer's out-of-date page
        client.refund(made.payment_id, amount=400, refund_amount_available=1000)
    assert stale.value.code == "P0604"
    with pytest.raises(PayRequestRefused):  # more than is left, refused before sending
        client.refund(made.payment_id, amount=500, refund_amount_available=400)


@pytest.mark.parametrize(
    ("amount", "why"),
    [(-1, "negative"), (10_000_001, "limit"), (12.5, "whole pence"), ("100", "number")],
)
def test_amounts_pay_cannot_take_are_never_sent(amount, why):
    adapter = Canned(201, {"payment_id": "x"})
    client = _client(adapter)
    new = NewPayment(amount=amount, reference="R", description="D", return_url="https://x.test")
    with pytest.raises(FeeRefused, match=why):
        client.create_payment(new, idempotency_key="k")


def test_pays_limit_itself_is_allowed():
    body = NewPayment(
        amount=10_000_000, reference="R", description="D", return_url="https://x.test"
    ).to_json()
    assert body["amount"] == 10_000_000


@pytest.mark.parametrize(
    ("adapter", "error", "code"),
    [
        (
            Canned(429, {"code": "P0900", "description": "Too many requests"}),
            PayRateLimited,
            "P0900",
        ),
        (
            Canned(500, {"code": "P0198", "description": "Downstream system error"}),
            PayUnavailable,
            "P0198",
        ),
        (Canned(503, None), PayUnavailable, ""),
        (Canned(raises=requests.ConnectionError("down")), PayUnavailable, ""),
        (Canned(raises=requests.Timeout("slow")), PayUnavailable, ""),
        (Canned(404, {"code": "P0200", "description": "Not found"}), PayNotFound, "P0200"),
        (
            Canned(422, {"code": "P0102", "description": "Invalid attribute value: amount"}),
            PayRequestRefused,
            "P0102",
        ),
        (Canned(401, None), PayRequestRefused, ""),
    ],
)
def test_pays_errors_are_typed(adapter, error, code):
    with pytest.raises(error) as raised:
        _client(adapter).get_payment("abc")
    assert raised.value.code == code


@pytest.mark.django_db
def test_the_sandbox_refuses_what_pay_refuses(settings):
    def call(body, key="Bearer k"):
        return sandbox.handle(
            "POST", "/v1/payments", {"Authorization": key}, json.dumps(body).encode()
        )

    good = {"amount": 100, "reference": "R", "description": "D", "return_url": "https://x.test"}
    assert call(good)[0] == 201
    assert call(good, key="")[0] == 401
    assert call({**good, "amount": -1})[1]["code"] == "P0102"
    assert call({**good, "amount": 10_000_001})[1]["code"] == "P0102"
    assert call({**good, "amount": 1.5})[1]["code"] == "P0102"
    assert call({**good, "language": "fr"})[1]["code"] == "P0102"
    assert call({k: v for k, v in good.items() if k != "return_url"})[1]["code"] == "P0101"
    assert sandbox.handle("GET", "/v1/payments/nope", {"Authorization": "Bearer k"}, b"")[0] == 404


def test_real_pay_without_a_key_or_secret_is_flagged_at_deploy(settings):
    from borough.payments.checks import govuk_pay_configured

    settings.GOVUK_PAY_SANDBOX = False
    settings.GOVUK_PAY_API_KEY = ""
    settings.GOVUK_PAY_WEBHOOK_SECRET = ""
    assert {w.id for w in govuk_pay_configured(None)} == {"payments.W001", "payments.W002"}
    settings.GOVUK_PAY_API_KEY, settings.GOVUK_PAY_WEBHOOK_SECRET = "api_live_x", "secret"
    assert govuk_pay_configured(None) == []
