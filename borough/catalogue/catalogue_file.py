"""The catalogue file (``data/services.yaml``, or a council's own): teams, categories, workflows
and services, parsed and checked as a whole (see docs/how-to/service-definitions.md).

Pure Python, no database: ``services.catalogue_load`` stores what this returns. Every problem
is collected with its path, so an author can fix them all in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .definitions import DefinitionError, ServiceForm, read_form, text_value
from .fees import FeeRule, read_fee
from .workflows import DEFAULT_WORKFLOW, Workflow, read_workflow

SERVICE_KEYS = {
    "slug",
    "lgsl",
    "name",
    "summary",
    "description",
    "category",
    "team",
    "sla_working_days",
    "fee",
    "keywords",
    "what_happens_next",
    "questions",
    "workflow",
    "private",
    "not_fixed",
    "audience",
}

#: Who a service is for (``audience:``): residents (the default); organisations, whose members
#: choose the organisation on check answers (issue 26); councillors only (member enquiries),
#: which residents never see; messages left on the phone (voicemails, issue 21), never online.
AUDIENCES = ("residents", "organisations", "councillors", "phone")

#: Forms only a signed-in resident may send (their finances; the outcome is in their account):
#: the portal asks them to sign in first (``portal.signed_in_forms``), and the chat, which
#: answers anyone, offers the form's page instead of asking its questions.
SIGN_IN_SERVICES = frozenset({"care-financial-assessment"})


def not_fixed_by_kind(slug: str) -> bool:
    """Does "it is not fixed" mean something for this service, when its definition does not
    say (``not_fixed``)? For reports of a problem ("report-..."), yes; for applications,
    subscriptions, bookings and orders, no: there is nothing to be fixed."""
    return slug.startswith("report-")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ServiceDefinition:
    slug: str
    lgsl: int
    name: str
    summary: str
    description: str
    category: str
    team: str
    sla_working_days: int
    fee_pence: int | None
    fee_description: str
    keywords: tuple[str, ...]
    what_happens_next: str
    questions: list[dict]
    form: ServiceForm
    workflow: Workflow = DEFAULT_WORKFLOW
    fee_rule: FeeRule | None = None
    # Its requests say something about a person: never in a public (keyless) listing.
    private: bool = True
    not_fixed: bool = True
    audience: str = "residents"


@dataclass(frozen=True)
class Catalogue:
    teams: list[dict]
    categories: list[dict]
    services: list[ServiceDefinition]
    workflows: dict[str, Workflow] = field(default_factory=dict)


def private_by_default(form: ServiceForm) -> bool:
    """Whether a service's requests say something about a person unless its definition says
    otherwise (``private:``): those located at an address (a home, as a rule) and those with no
    place at all (a complaint, a benefit claim, a homelessness application). Only requests about
    a street or a park, located by a point or a street, are public by default."""
    location = form.location_question
    return location is None or location.type == "address"


def parse_catalogue(data: Any, *, lgsl_ids: set[int] | None = None) -> Catalogue:
    """Parse and check a whole catalogue file. Raises ``DefinitionError`` with every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise DefinitionError(["the file must be a mapping with teams, categories and services"])
    teams: list[dict] = []
    categories: list[dict] = []
    for key, target in (("teams", teams), ("categories", categories)):
        for n, raw in enumerate(data.get(key) or []):
            path = f"{key}[{n}]"
            if not isinstance(raw, dict) or not _SLUG.match(str(raw.get("slug", ""))):
                problems.append(f"{path}.slug: must be lower-case words joined by hyphens")
                continue
            target.append(
                {
                    "slug": raw["slug"],
                    "name": text_value(problems, path, raw, "name"),
                    "description": text_value(problems, path, raw, "description", required=False),
                }
            )
    workflows: dict[str, Workflow] = {}
    raw_workflows = data.get("workflows") or []
    if not isinstance(raw_workflows, list):
        problems.append("workflows: must be a list of workflows")
        raw_workflows = []
    for n, raw in enumerate(raw_workflows):
        path = f"workflows[{n}]"
        wkey = raw.get("key") if isinstance(raw, dict) else None
        if not isinstance(wkey, str) or not _SLUG.match(wkey):
            problems.append(f"{path}.key: must be lower-case words joined by hyphens")
            continue
        if wkey in workflows:
            problems.append(f"{path}.key: {wkey!r} is used by another workflow")
            continue
        workflows[wkey] = read_workflow(raw, path, problems, key=wkey)
    team_slugs = {t["slug"] for t in teams}
    category_slugs = {c["slug"] for c in categories}
    services = []
    for n, raw in enumerate(data.get("services") or []):
        path = f"services[{n}]"
        if not isinstance(raw, dict):
            problems.append(f"{path}: must be a mapping")
            continue
        unknown = sorted(set(raw) - SERVICE_KEYS, key=str)
        if unknown:
            problems.append(f"{path}: unknown keys {', '.join(map(str, unknown))}")
        slug = str(raw.get("slug", ""))
        if not _SLUG.match(slug):
            problems.append(f"{path}.slug: must be lower-case words joined by hyphens")
        lgsl = raw.get("lgsl")
        if not isinstance(lgsl, int) or (lgsl_ids is not None and lgsl not in lgsl_ids):
            problems.append(f"{path}.lgsl: {lgsl!r} is not an LGSL service identifier")
        if raw.get("category") not in category_slugs:
            problems.append(f"{path}.category: {raw.get('category')!r} is not a category")
        if raw.get("team") not in team_slugs:
            problems.append(f"{path}.team: {raw.get('team')!r} is not a team")
        sla = raw.get("sla_working_days")
        if not isinstance(sla, int) or not 0 < sla <= 365:
            problems.append(f"{path}.sla_working_days: must be a whole number of days, 1 to 365")
        keywords = raw.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            problems.append(f"{path}.keywords: must be a list of words")
            keywords = []
        form = read_form(raw.get("questions"), f"{path}.questions", problems)
        fee = raw.get("fee")
        fee_rule = read_fee(fee, f"{path}.fee", problems, form)
        fee_description = (
            text_value(problems, f"{path}.fee", fee, "description") if fee_rule else ""
        )
        not_fixed = raw.get("not_fixed", not_fixed_by_kind(slug))
        if not isinstance(not_fixed, bool):
            problems.append(f"{path}.not_fixed: must be true or false")
            not_fixed = False
        workflow = DEFAULT_WORKFLOW
        raw_workflow = raw.get("workflow")
        if isinstance(raw_workflow, str):
            if raw_workflow not in workflows:
                problems.append(f"{path}.workflow: {raw_workflow!r} is not a workflow in this file")
            else:
                workflow = workflows[raw_workflow]
        elif raw_workflow is not None:
            workflow = read_workflow(
                raw_workflow, f"{path}.workflow", problems, key=f"{slug}-workflow"
            )
        private = raw.get("private")
        if private is None:
            private = private_by_default(form)
        elif not isinstance(private, bool):
            problems.append(f"{path}.private: must be true or false")
            private = True
        audience = raw.get("audience", "residents")
        if audience not in AUDIENCES:
            problems.append(f"{path}.audience: must be one of {', '.join(AUDIENCES)}")
            audience = "residents"
        services.append(
            ServiceDefinition(
                slug=slug,
                lgsl=lgsl if isinstance(lgsl, int) else 0,
                name=text_value(problems, path, raw, "name"),
                summary=text_value(problems, path, raw, "summary"),
                description=text_value(problems, path, raw, "description"),
                category=str(raw.get("category")),
                team=str(raw.get("team")),
                sla_working_days=sla if isinstance(sla, int) else 0,
                fee_pence=fee_rule.amount_pence if fee_rule else None,
                fee_description=fee_description,
                keywords=tuple(k.strip().lower() for k in keywords),
                what_happens_next=text_value(problems, path, raw, "what_happens_next"),
                questions=raw.get("questions") or [],
                form=form,
                workflow=workflow,
                private=private,
                not_fixed=not_fixed,
                fee_rule=fee_rule,
                audience=audience,
            )
        )
    slugs = [s.slug for s in services]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        problems.append(f"services: slugs used twice: {', '.join(duplicates)}")
    if problems:
        raise DefinitionError(problems)
    return Catalogue(teams=teams, categories=categories, services=services, workflows=workflows)
