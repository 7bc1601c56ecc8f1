"""A small typed client for GOV.UK Pay's public API (there is no official Python one).

It speaks to real Pay or to the embedded sandbox alike: only the base URL, the key and the
``requests`` session differ (``pay_client()`` picks them from the settings). Every request
has the bearer key; creates carry an ``Idempotency-Key`` so a retry cannot make a second
payment. Pay's answers become dataclasses; its errors become typed exceptions:

- ``PayRequestRefused``: 4xx with a Pay error code (P01xx bad request, P06xx refund refused);
- ``PayNotFound``: 404 (P0200, P0700);
- ``PayRateLimited``: 429 (P0900): too many requests, try later;
- ``PayUnavailable``: 5xx (P0050, P0198, P0298, P0999), a timeout or no connection.

The states a payment's ``state.code`` may carry (P0010 declined, P0020 expired, P0030
cancelled by the user, P0040 cancelled by the service, P0050 provider error) are read into
``PayPayment.code``; what they mean to a resident is ``payments.outcomes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings

from borough.catalogue.fees import check_amount

from .sandbox import SandboxAdapter


class PayError(Exception):
    """Anything GOV.UK Pay refused or could not do."""

    def __init__(self, message: str, *, status: int = 0, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code


class PayRequestRefused(PayError):
    """Pay refused what we sent (4xx with a code): do not retry it unchanged."""


class PayNotFound(PayError):
    """No such payment or refund."""


class PayRateLimited(PayError):
    """429: too many requests; try again later."""


class PayUnavailable(PayError):
    """5xx, a timeout or no connection: try again later; nothing was taken twice."""


@dataclass(frozen=True)
class PayPayment:
    payment_id: str
    status: str
    finished: bool
    amount: int
    reference: str
    code: str = ""
    message: str = ""
    next_url: str = ""
    refund_status: str = ""
    refund_amount_available: int = 0
    refund_amount_submitted: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    created_date: str = ""
    moto: bool = False
    agreement_id: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayPayment:
        state = data.get("state") or {}
        links = data.get("_links") or {}
        refunds = data.get("refund_summary") or {}
        return cls(
            payment_id=str(data["payment_id"]),
            status=str(state.get("status", "")),
            finished=bool(state.get("finished", False)),
            amount=int(data.get("amount", 0)),
            reference=str(data.get("reference", "")),
            code=str(state.get("code", "")),
            message=str(state.get("message", "")),
            next_url=str((links.get("next_url") or {}).get("href", "")),
            refund_status=str(refunds.get("status", "")),
            refund_amount_available=int(refunds.get("amount_available", 0)),
            refund_amount_submitted=int(refunds.get("amount_submitted", 0)),
            metadata=dict(data.get("metadata") or {}),
            created_date=str(data.get("created_date", "")),
            moto=bool(data.get("moto", False)),
            agreement_id=str(data.get("agreement_id", "")),
        )


@dataclass(frozen=True)
class PaySearchPage:
    """One page of Pay's payment search (``GET /v1/payments``)."""

    total: int
    page: int
    results: list[PayPayment]
    has_next: bool


@dataclass(frozen=True)
class PayAgreement:
    """A recurring-payments agreement (``/v1/agreements``)."""

    agreement_id: str
    reference: str
    status: str
    card_last4: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayAgreement:
        instrument = data.get("payment_instrument") or {}
        card = instrument.get("card_details") or {}
        return cls(
            agreement_id=str(data["agreement_id"]),
            reference=str(data.get("reference", "")),
            status=str(data.get("status", "")),
            card_last4=str(card.get("last_digits_card_number", "")),
        )


@dataclass(frozen=True)
class PayRefund:
    refund_id: str
    amount: int
    status: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PayRefund:
        return cls(
            refund_id=str(data["refund_id"]),
            amount=int(data["amount"]),
            status=str(data.get("status", "")),
        )


@dataclass(frozen=True)
class NewPayment:
    """The body of a create-payment request (Pay's ``CreateCardPaymentRequest``).

    Three kinds: a resident paying on Pay's page (``return_url``; with ``set_up_agreement``
    the card is kept for an agreement's renewals); a member of staff taking a caller's card
    (``moto``: Pay's page without 3-D Secure, the agent types what the caller reads out); and
    a renewal Pay takes from an agreement's card (``agreement_id``, authorisation mode
    ``agreement``: no page, no ``return_url``)."""

    amount: int
    reference: str
    description: str
    return_url: str = ""
    email: str = ""
    language: str = "en"
    metadata: dict[str, str | int | bool] = field(default_factory=dict)
    moto: bool = False
    set_up_agreement: str = ""
    agreement_id: str = ""

    def to_json(self) -> dict[str, Any]:
        check_amount(self.amount)
        if self.language not in {"en", "cy"}:
            raise ValueError("GOV.UK Pay's pages are in English or Welsh only")
        if bool(self.agreement_id) == bool(self.return_url):
            raise ValueError("a payment has a return_url, or an agreement_id and no page")
        if self.moto and (self.agreement_id or self.set_up_agreement):
            raise ValueError("a MOTO payment cannot set up or use a recurring agreement")
        body: dict[str, Any] = {
            "amount": self.amount,
            "reference": self.reference[:255],
            "description": self.description[:255],
            "language": self.language,
        }
        if self.agreement_id:
            body["agreement_id"] = self.agreement_id
            body["authorisation_mode"] = "agreement"
        else:
            body["return_url"] = self.return_url
        if self.set_up_agreement:
            body["set_up_agreement"] = self.set_up_agreement
        if self.moto:
            body["moto"] = True
        if self.email:
            body["email"] = self.email
        if self.metadata:
            body["metadata"] = self.metadata
        return body


class PayClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        session: requests.Session | None = None,
        timeout: float = 10.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.session = session or requests.Session()
        self.timeout = timeout

    def create_payment(self, new: NewPayment, *, idempotency_key: str) -> PayPayment:
        data = self._call(
            "POST",
            "/v1/payments",
            json=new.to_json(),
            headers={"Idempotency-Key": idempotency_key},
        )
        return PayPayment.from_json(data)

    def get_payment(self, payment_id: str) -> PayPayment:
        return PayPayment.from_json(self._call("GET", f"/v1/payments/{payment_id}"))

    def get_events(self, payment_id: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/v1/payments/{payment_id}/events").get("events", []))

    def cancel_payment(self, payment_id: str) -> None:
        self._call("POST", f"/v1/payments/{payment_id}/cancel")

    def refund(self, payment_id: str, *, amount: int, refund_amount_available: int) -> PayRefund:
        """Refund ``amount`` pence (all or part). ``refund_amount_available`` is what we believe
        may still be refunded; Pay refuses (P0604) if it has changed since, so two officers
        cannot refund the same money twice."""
        if check_amount(amount) < 1 or amount > refund_amount_available:
            raise PayRequestRefused(
                "the refund must be at least 1p and no more than is left to refund",
                code="P0603",
            )
        data = self._call(
            "POST",
            f"/v1/payments/{payment_id}/refunds",
            json={"amount": amount, "refund_amount_available": refund_amount_available},
        )
        return PayRefund.from_json(data)

    def get_refund(self, payment_id: str, refund_id: str) -> PayRefund:
        return PayRefund.from_json(
            self._call("GET", f"/v1/payments/{payment_id}/refunds/{refund_id}")
        )

    def search_payments(
        self, *, from_date: str, to_date: str, page: int = 1, display_size: int = 500
    ) -> PaySearchPage:
        """One page of the payments Pay made from ``from_date`` (inclusive) to ``to_date``
        (exclusive), both ISO 8601 UTC like ``2026-12-07T00:00:00Z``."""
        data = self._call(
            "GET",
            "/v1/payments",
            params={
                "from_date": from_date,
                "to_date": to_date,
                "page": str(page),
                "display_size": str(display_size),
            },
        )
        links = data.get("_links") or {}
        return PaySearchPage(
            total=int(data.get("total", 0)),
            page=int(data.get("page", page)),
            results=[PayPayment.from_json(item) for item in data.get("results", [])],
            has_next=bool(links.get("next_page")),
        )

    def search_all_payments(self, *, from_date: str, to_date: str) -> list[PayPayment]:
        """Every page of a search (Pay gives at most 500 a page)."""
        found: list[PayPayment] = []
        page = 1
        while True:
            result = self.search_payments(from_date=from_date, to_date=to_date, page=page)
            found.extend(result.results)
            if not result.has_next or not result.results:
                return found
            page += 1

    def create_agreement(
        self, *, reference: str, description: str, user_identifier: str
    ) -> PayAgreement:
        data = self._call(
            "POST",
            "/v1/agreements",
            json={
                "reference": reference[:255],
                "description": description[:255],
                "user_identifier": user_identifier[:255],
            },
        )
        return PayAgreement.from_json(data)

    def get_agreement(self, agreement_id: str) -> PayAgreement:
        return PayAgreement.from_json(self._call("GET", f"/v1/agreements/{agreement_id}"))

    def cancel_agreement(self, agreement_id: str) -> None:
        self._call("POST", f"/v1/agreements/{agreement_id}/cancel")

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                json=json,
                params=params,
                headers={**sent, **(headers or {})},
                timeout=self.timeout,
            )
        except requests.RequestException as failed:
            raise PayUnavailable(f"GOV.UK Pay did not answer: {type(failed).__name__}") from failed
        if response.status_code < 300:
            if not response.content:
                return {}
            try:
                return dict(response.json())
            except ValueError as bad:
                raise PayUnavailable("GOV.UK Pay's answer was not JSON", status=200) from bad
        raise _error(response)


def _error(response: requests.Response) -> PayError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    code = str(body.get("code", ""))
    message = str(body.get("description", "")) or response.reason or "GOV.UK Pay error"
    status = response.status_code
    if status == 429:
        return PayRateLimited(message, status=status, code=code or "P0900")
    if status >= 500:
        return PayUnavailable(message, status=status, code=code)
    if status == 404:
        return PayNotFound(message, status=status, code=code)
    return PayRequestRefused(message, status=status, code=code)


def pay_client(session: requests.Session | None = None) -> PayClient:
    """The client the settings say: the embedded sandbox (in this process, through a
    ``requests`` adapter on the sandbox's base URL) or real GOV.UK Pay."""
    if session is None:
        session = requests.Session()
        if settings.GOVUK_PAY_SANDBOX:
            session.mount(settings.GOVUK_PAY_BASE_URL, SandboxAdapter())
    return PayClient(
        settings.GOVUK_PAY_BASE_URL,
        settings.GOVUK_PAY_API_KEY or "sandbox-api-key",
        session=session,
        timeout=settings.GOVUK_PAY_TIMEOUT_SECONDS,
    )
