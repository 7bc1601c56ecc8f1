"""The understanding's data: training utterances, FAQs, the catalogue's services.

Plain YAML readers with no Django and no model, so the portal's help pages can use ``faqs()``
without loading the assistant.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from borough.catalogue.catalogue_file import SIGN_IN_SERVICES
from borough.core import yamlfile

DATA = Path(__file__).resolve().parent / "data"
CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue" / "data" / "services.yaml"


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yamlfile.load(handle) or {}


def _strings(values, where: str) -> list[str]:
    out = []
    for value in values or []:
        if not isinstance(value, str):
            # YAML reads a bare yes/no as a boolean: quote such phrases in the data file.
            raise ValueError(f"{where}: {value!r} is not a string (quote it)")
        out.append(value.strip())
    return out


def catalogue_file() -> Path:
    configured = os.environ.get("BOROUGH_CATALOGUE_FILE")
    return Path(configured) if configured else CATALOGUE


@functools.cache
def services() -> tuple[dict, ...]:
    return tuple(_read(catalogue_file()).get("services") or ())


def chat_services() -> tuple[dict, ...]:
    """The services the chat raises requests for: a resident's own (not an organisation's or a
    councillor's: the chat speaks for one resident), except forms only a signed-in resident
    may send (``SIGN_IN_SERVICES``), whose pages the chat finds as answers instead."""
    return tuple(
        service
        for service in services()
        if service.get("audience", "residents") == "residents"
        and service["slug"] not in SIGN_IN_SERVICES
    )


@dataclass(frozen=True)
class Faq:
    key: str
    title: str
    questions: tuple[str, ...]
    answer: tuple[str, ...]  # paragraphs
    summary: str
    # Pages for people who may be in danger carry GOV.UK's "Exit this page" (issue 22).
    exit_this_page: bool = False

    @property
    def url(self) -> str:
        return f"/help/{self.key}/"


@functools.cache
def faqs() -> tuple[Faq, ...]:
    items = []
    for item in _read(DATA / "faqs.yaml").get("faqs") or ():
        paragraphs = [p.strip() for p in item["answer"].strip().split("\n\n") if p.strip()]
        items.append(
            Faq(
                key=item["key"],
                title=item["title"],
                questions=tuple(_strings(item.get("questions"), item["key"])),
                answer=tuple(" ".join(p.split()) for p in paragraphs),
                summary=item.get("summary", paragraphs[0]).strip(),
                exit_this_page=bool(item.get("exit_this_page")),
            )
        )
    return tuple(items)


def faq_get(key: str) -> Faq | None:
    return next((faq for faq in faqs() if faq.key == key), None)


def safety_intents() -> frozenset[str]:
    """The help pages for people who may be in danger (domestic abuse, a child or an adult at
    risk). Their example phrases are not ordinary requests: the safeguarding triage must not
    learn from them that abuse is an everyday question."""
    return frozenset(f"faq:{faq.key}" for faq in faqs() if faq.exit_this_page)


def training() -> tuple[dict[str, list[str]], list[str]]:
    """({intent: utterances}, out-of-scope phrases). Each catalogue service's name and summary
    are utterances of its ``service:<slug>`` intent, so a council's own new service is
    understood from its catalogue entry before anyone writes examples for it."""
    data = _read(DATA / "training.yaml")
    intents = {
        str(name): _strings(examples, str(name))
        for name, examples in (data.get("intents") or {}).items()
    }
    for service in chat_services():
        examples = intents.setdefault(f"service:{service['slug']}", [])
        for text in (service.get("name"), service.get("summary")):
            if text and text.strip() not in examples:
                examples.append(text.strip())
    return intents, _strings(data.get("out_of_scope"), "out_of_scope")


def heldout() -> dict:
    return _read(DATA / "heldout.yaml")
