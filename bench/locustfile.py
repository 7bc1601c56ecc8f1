"""The crowd for `make bench-load` (issue 24): residents, staff and API clients at once.

Run by bench/load.py, which makes the database, starts the servers and writes the plan this
file reads (``BENCH_LOAD_PLAN``: the answers to post, an API key, staff sessions). Every user
talks to 127.0.0.1 only. Requests are named by page (the URL pattern), so the results read by
page. Each submitted report's reference is written to ``BENCH_LOAD_SUBMITTED`` at the end, for
the check that every one exists exactly once.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, constant_pacing, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
PHOTO = base64.b64decode(PLAN["photo_base64"])
SUBMITTED: list[dict] = []


@events.test_stop.add_listener
def _write_submitted(environment, **_kwargs):
    with open(os.environ["BENCH_LOAD_SUBMITTED"], "w") as out:  # noqa: PTH123
        json.dump(SUBMITTED, out)


@contextlib.contextmanager
def _sending(channel: str):
    """Record a submission before it is sent: its reference once answered, else ``None`` (no
    answer: refused, the connection dropped, or the run ended before the reply)."""
    record = {"channel": channel, "reference": None}
    SUBMITTED.append(record)
    yield record


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    return found.group(1) if found else ""


class Resident(HttpUser):
    """Residents: browse, find their bin day, report with and without photos, sign in and
    check MyAccount, chat with the assistant."""

    weight = 60
    wait_time = between(2, 8)

    @task(6)
    def browse(self):
        self.client.get("/", name="home")
        self.client.get(f"/topics/{random.choice(PLAN['topics'])}/", name="topic")
        self.client.get(f"/search/?q={random.choice(PLAN['searches'])}", name="search")
        self.client.get(f"/services/{random.choice(PLAN['services'])}/", name="service start")
        self.client.get("/help/", name="help")

    @task(3)
    def bin_days(self):
        uprn = random.choice(PLAN["uprns"])
        self.client.get(f"/bin-days/{uprn}/", name="bin days at an address")

    @task(2)
    def report(self):
        self._report(random.choice(PLAN["reports"]))

    @task(2)
    def my_account(self):
        page = self.client.get("/account/login/", name="sign in page")
        with self.client.post(
            "/account/login/",
            {
                "login": PLAN["resident"]["email"],
                "password": PLAN["resident"]["password"],
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return
        self.client.get("/my-account/", name="my account")
        reference = random.choice(PLAN["resident_references"])
        self.client.get(f"/my-account/requests/{reference}/", name="my request")
        self.client.get("/my-account/", name="my account")
        leaving = self.client.get("/account/logout/", name="sign out page")
        self.client.post(
            "/account/logout/", {"csrfmiddlewaretoken": _csrf(leaving.text)}, name="sign out"
        )

    @task(2)
    def chat(self):
        started = self.client.post("/chat/api/conversations/", json={}, name="chat start")
        if started.status_code != 201:
            return
        url = f"/chat/api/conversations/{started.json()['id']}/messages/"
        for text in random.choice(PLAN["chats"]):
            self.client.post(url, json={"text": text}, name="chat message")
        self.client.get(f"{url}?after=0", name="chat poll")

    def _report(self, report: dict) -> None:
        base = f"/services/{report['slug']}/"
        start = self.client.post(base, name="report: start", allow_redirects=False)
        location = start.headers.get("Location", "")
        steps = 0
        while "/questions/" in location and steps < 20:
            steps += 1
            question_id = location.rstrip("/").rsplit("/", 1)[1]
            page = self.client.get(location, name="report: question page")
            token = _csrf(page.text)
            answer = report["answers"][question_id]
            if "postcode" in answer:
                self.client.post(
                    location,
                    {
                        "step": "postcode",
                        "postcode": answer["postcode"],
                        "csrfmiddlewaretoken": token,
                    },
                    name="report: find address",
                )
            fields = {"step": "answer", "csrfmiddlewaretoken": token, **answer["fields"]}
            files = None
            if answer.get("photo"):
                files = {answer["photo"]: ("photo.jpg", PHOTO, "image/jpeg")}
            sent = self.client.post(
                location,
                fields,
                files=files,
                name="report: answer (photo)" if files else "report: answer",
                allow_redirects=False,
            )
            location = sent.headers.get("Location", "")
        if not location.endswith("/check-answers/"):
            return
        check = self.client.get(location, name="report: check answers")
        with (
            _sending("portal") as record,
            self.client.post(
                location,
                {"csrfmiddlewaretoken": _csrf(check.text)},
                name="report: send",
                catch_response=True,
            ) as sent,
        ):
            found = REFERENCE.search(sent.text) if sent.status_code == 200 else None
            if found is None:
                sent.failure(f"no reference on the confirmation page ({sent.status_code})")
                return
            record["reference"] = found.group(0)


class Staff(HttpUser):
    """Officers and agents working the queue: the queue, its filters and case pages."""

    weight = 10
    wait_time = between(3, 10)

    def on_start(self):
        self.client.cookies.set(PLAN["session_cookie"], random.choice(PLAN["staff_sessions"]))

    @task(4)
    def queue(self):
        self.client.get("/hub/", name="hub queue")
        self.client.get(random.choice(PLAN["queue_filters"]), name="hub queue filtered")

    @task(3)
    def case_page(self):
        self.client.get(f"/hub/cases/{random.choice(PLAN['hub_references'])}/", name="hub case")

    @task(1)
    def live_chat(self):
        self.client.get("/hub/live-chat/", name="hub live chat queue")


class Integrator(HttpUser):
    """Back-office systems and FixMyStreet-like clients: Open311 and the REST API."""

    weight = 30
    wait_time = constant_pacing(5)

    def on_start(self):
        self.auth = {"Authorization": f"Bearer {PLAN['api_key']}"}

    @task(4)
    def open311_poll(self):
        self.client.get("/open311/v2/requests.json", name="open311 requests")
        self.client.get("/open311/v2/services.json", name="open311 services")

    @task(2)
    def rest_poll(self):
        self.client.get("/api/v1/cases", headers=self.auth, name="api cases")

    @task(1)
    def open311_post(self):
        fields = {**PLAN["open311_post"], "api_key": PLAN["api_key"]}
        with (
            _sending("open311") as record,
            self.client.post(
                "/open311/v2/requests.json", fields, name="open311 post", catch_response=True
            ) as sent,
        ):
            if sent.status_code != 200:
                sent.failure(f"answered {sent.status_code}")
                return
            record["reference"] = sent.json()[0]["service_request_id"]

    @task(1)
    def rest_post(self):
        headers = {**self.auth, "Idempotency-Key": str(uuid.uuid4())}
        with (
            _sending("api") as record,
            self.client.post(
                "/api/v1/cases",
                json=PLAN["rest_post"],
                headers=headers,
                name="api case post",
                catch_response=True,
            ) as sent,
        ):
            if sent.status_code != 201:
                sent.failure(f"answered {sent.status_code}")
                return
            record["reference"] = sent.json()["reference"]
