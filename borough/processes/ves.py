"""A small client for the DVLA Vehicle Enquiry Service (VES) API, and its embedded sandbox.

VES answers ``POST {base}/vehicle-enquiry/v1/vehicles`` with the header ``x-api-key`` and the
JSON body ``{"registrationNumber": "AB12CDE"}``: the vehicle's public record
(``registrationNumber``, ``make``, ``colour``, ``fuelType``, ``co2Emissions``,
``engineCapacity``, ``taxStatus``, ``motStatus``, ``yearOfManufacture``,
``monthOfFirstRegistration`` and others), or an ``errors`` array (``status``, ``code``,
``title``, ``detail``) with 400 (a registration number in the wrong format) or 404 (no such
vehicle). 5xx, a timeout or no connection mean the service is down: ``VesUnavailable``.

``ves_client()`` picks the base URL and key from the settings. With ``DVLA_VES_SANDBOX`` on, a
``requests`` adapter answers the client's real HTTP requests from ``sandbox_handle`` in this
process (as the GOV.UK Pay sandbox does), and ``/sandbox/dvla-ves/...`` serves the same API
over HTTP. The sandbox knows only the test registrations in ``SANDBOX_VEHICLES``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from requests.adapters import BaseAdapter

PATH = "/vehicle-enquiry/v1/vehicles"
# A registration number as the DVLA holds it: letters and digits, no spaces, 2 to 7 long.
VRM_PATTERN = re.compile(r"^[A-Z0-9]{2,7}$")


class VesError(Exception):
    def __init__(self, message: str, *, status: int = 0):
        super().__init__(message)
        self.status = status


class VesBadRegistration(VesError):
    """400: the DVLA refused the registration number's format."""


class VesNotFound(VesError):
    """404: the DVLA has no vehicle with that registration number."""


class VesUnavailable(VesError):
    """5xx, 429, a timeout or no connection: try again later."""


class BadRegistration(ValueError):
    """A registration number that cannot be one (checked before anything is sent)."""


def normalise_vrm(value: Any) -> str:
    """``ab12 cde`` -> ``AB12CDE``; raise ``BadRegistration`` for anything that cannot be a
    UK registration number."""
    text = re.sub(r"[\s-]", "", str(value or "")).upper()
    if not VRM_PATTERN.match(text):
        raise BadRegistration(
            "Enter the registration number as it is on the number plate, such as AB12 CDE"
        )
    return text


@dataclass(frozen=True)
class Vehicle:
    registration_number: str
    make: str = ""
    colour: str = ""
    fuel_type: str = ""
    co2_emissions: int | None = None
    engine_capacity: int | None = None
    tax_status: str = ""
    mot_status: str = ""
    year_of_manufacture: int | None = None
    month_of_first_registration: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vehicle:
        return cls(
            registration_number=str(data["registrationNumber"]),
            make=str(data.get("make", "")),
            colour=str(data.get("colour", "")),
            fuel_type=str(data.get("fuelType", "")),
            co2_emissions=_int(data.get("co2Emissions")),
            engine_capacity=_int(data.get("engineCapacity")),
            tax_status=str(data.get("taxStatus", "")),
            mot_status=str(data.get("motStatus", "")),
            year_of_manufacture=_int(data.get("yearOfManufacture")),
            month_of_first_registration=str(data.get("monthOfFirstRegistration", "")),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "registration_number": self.registration_number,
            "make": self.make,
            "colour": self.colour,
            "fuel_type": self.fuel_type,
            "co2_emissions": self.co2_emissions,
            "tax_status": self.tax_status,
            "mot_status": self.mot_status,
        }


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class VesClient:
    def __init__(self, base_url: str, api_key: str, *, session=None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.session = session or requests.Session()
        self.timeout = timeout

    def vehicle(self, registration: str) -> Vehicle:
        vrm = normalise_vrm(registration)
        try:
            response = self.session.post(
                self.base_url + PATH,
                json={"registrationNumber": vrm},
                headers={"x-api-key": self.api_key, "Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as failed:
            raise VesUnavailable(
                f"The DVLA vehicle enquiry service did not answer: {type(failed).__name__}"
            ) from failed
        if response.status_code == 200:
            try:
                return Vehicle.from_json(response.json())
            except (ValueError, KeyError, TypeError) as bad:
                raise VesUnavailable("The DVLA's answer was not a vehicle record") from bad
        detail = _detail(response)
        status = response.status_code
        if status == 404:
            raise VesNotFound(detail or "Vehicle not found", status=status)
        if status == 400:
            raise VesBadRegistration(detail or "Bad request", status=status)
        if status in (429,) or status >= 500:
            raise VesUnavailable(
                f"The DVLA vehicle enquiry service answered {status}: {detail}", status=status
            )
        raise VesError(
            f"The DVLA vehicle enquiry service refused: {status} {detail}", status=status
        )


def _detail(response: requests.Response) -> str:
    try:
        errors = response.json().get("errors") or []
        return str(errors[0].get("detail") or errors[0].get("title") or "")
    except (ValueError, AttributeError, IndexError):
        return response.reason or ""


def ves_client(session: requests.Session | None = None) -> VesClient:
    """The client the settings say: the embedded sandbox or the DVLA's service."""
    if not settings.DVLA_VES_SANDBOX and not settings.DVLA_VES_API_KEY:
        raise VesError("DVLA_VES_API_KEY is not set: the vehicle check cannot run")
    if session is None:
        session = requests.Session()
        if settings.DVLA_VES_SANDBOX:
            session.mount(settings.DVLA_VES_BASE_URL, SandboxAdapter())
    return VesClient(
        settings.DVLA_VES_BASE_URL,
        settings.DVLA_VES_API_KEY or SANDBOX_KEY,
        session=session,
        timeout=settings.DVLA_VES_TIMEOUT_SECONDS,
    )


# --- The embedded sandbox ------------------------------------------------------------------

SANDBOX_KEY = "sandbox-ves-api-key"


def _car(vrm: str, make: str, colour: str, fuel: str, co2: int | None, **more: Any) -> dict:
    record: dict[str, Any] = {
        "registrationNumber": vrm,
        "make": make,
        "colour": colour,
        "fuelType": fuel,
        "engineCapacity": more.pop("engineCapacity", 1598),
        "taxStatus": "Taxed",
        "taxDueDate": "2027-04-01",
        "motStatus": "Valid",
        "motExpiryDate": "2027-06-30",
        "yearOfManufacture": more.pop("yearOfManufacture", 2019),
        "monthOfFirstRegistration": more.pop("monthOfFirstRegistration", "2019-03"),
        "markedForExport": False,
        "typeApproval": "M1",
        "wheelplan": "2 AXLE RIGID BODY",
        "dateOfLastV5CIssued": "2024-05-14",
        "euroStatus": "EURO 6",
    }
    if co2 is not None:
        record["co2Emissions"] = co2
    record.update(more)
    return record


# The sandbox's test registrations (docs/how-to/processes.md lists them for testers).
SANDBOX_VEHICLES: dict[str, dict[str, Any]] = {
    "EV19ZAP": _car(
        "EV19ZAP", "NISSAN", "WHITE", "ELECTRICITY", 0, engineCapacity=0, euroStatus=""
    ),
    "LO21HYB": _car("LO21HYB", "TOYOTA", "SILVER", "HYBRID ELECTRIC", 92),
    "MD18PET": _car("MD18PET", "FORD", "BLUE", "PETROL", 128),
    "BG17DSL": _car("BG17DSL", "VOLVO", "GREY", "DIESEL", 178, engineCapacity=1969),
    "XL15SUV": _car("XL15SUV", "LAND ROVER", "BLACK", "DIESEL", 224, engineCapacity=2993),
    # First registered before March 2001: the DVLA holds no CO2 figure.
    "K123ABC": _car(
        "K123ABC",
        "ROVER",
        "RED",
        "PETROL",
        None,
        yearOfManufacture=1993,
        monthOfFirstRegistration="1993-01",
        engineCapacity=1396,
    ),
}
SANDBOX_NOT_FOUND = "NF00NOT"  # any registration not above is not found; this one is documented
SANDBOX_DOWN = "ER50DWN"  # answers 503, as VES does when it is down
BAD_FORMAT = "Invalid format for field - vehicle registration number"


def _errors(status: int, title: str, detail: str) -> dict[str, Any]:
    return {
        "errors": [{"status": str(status), "code": str(status), "title": title, "detail": detail}]
    }


def sandbox_handle(
    method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict]:
    """Answer one VES request as the DVLA's service does."""
    if path.split("?")[0].rstrip("/") != PATH:
        return 404, _errors(404, "Not Found", "No such resource")
    if method != "POST":
        return 405, _errors(405, "Method Not Allowed", "Use POST")
    key = {k.lower(): v for k, v in headers.items()}.get("x-api-key", "")
    if key != (settings.DVLA_VES_API_KEY or SANDBOX_KEY):
        return 403, {"message": "Forbidden"}
    try:
        vrm = str(json.loads(body or b"{}")["registrationNumber"])
    except (ValueError, KeyError, TypeError):
        return 400, _errors(400, "Bad Request", BAD_FORMAT)
    if not VRM_PATTERN.match(vrm):
        return 400, _errors(400, "Bad Request", BAD_FORMAT)
    if vrm == SANDBOX_DOWN:
        return 503, _errors(503, "Service Unavailable", "The service is temporarily unavailable")
    record = SANDBOX_VEHICLES.get(vrm)
    if record is None:
        return 404, _errors(404, "Vehicle Not Found", "Record for vehicle not found")
    return 200, record


class SandboxAdapter(BaseAdapter):
    """A ``requests`` adapter that answers the client's HTTP requests from the sandbox."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        base_path = "/" + settings.DVLA_VES_BASE_URL.split("://", 1)[-1].partition("/")[2]
        body = request.body or b""
        status, data = sandbox_handle(
            request.method or "GET",
            request.path_url.removeprefix(base_path.rstrip("/")),
            dict(request.headers),
            body.encode() if isinstance(body, str) else body,
        )
        response = requests.Response()
        response.status_code = status
        response.reason = "sandbox"
        response.url = request.url or ""
        response.request = request
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(data).encode()
        return response

    def close(self) -> None:
        pass
