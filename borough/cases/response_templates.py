"""Response templates: team leads write the wording their teams start public updates from
(save, delete), and Borough seeds the starter templates it ships (ADR 0006). The placeholders
and how a case fills them are in ``responses``."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from borough.accounts.models import Team
from borough.accounts.policies import may_manage_templates
from borough.catalogue.models import Service
from borough.core import yamlfile
from borough.core.actors import Actor

from .errors import TemplateInvalid, refuse_unless
from .models import ResponseTemplate, Status
from .responses import placeholder_problems

STARTER_TEMPLATES = Path(__file__).resolve().parent / "data" / "response_templates.yaml"


@transaction.atomic
def response_template_save(
    *,
    actor: Actor,
    team,
    title: str,
    body: str,
    service: Service | None = None,
    status: str = "",
    template: ResponseTemplate | None = None,
) -> ResponseTemplate:
    """Create a response template, or change ``template``. Checks every field and placeholder.

    Team leads save their own teams' templates; admins any team's.
    """
    refuse_unless(may_manage_templates(actor, team))
    if template is not None:
        refuse_unless(may_manage_templates(actor, template.team))
    title, body = title.strip(), body.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Enter a title"
    elif len(title) > 120:
        errors["title"] = "The title must be 120 characters or less"
    elif (
        ResponseTemplate.objects.filter(team=team, title__iexact=title)
        .exclude(Q(pk=template.pk) if template else Q())
        .exists()
    ):
        errors["title"] = f"The {team} team already has a template called {title!r}"
    if service is not None and service.team_id != team.pk:
        errors["service"] = f"{service.name} is not a service of the {team} team"
    if status and status not in Status.values:
        errors["status"] = "Choose a status from the list"
    if not body:
        errors["body"] = "Enter the message"
    elif len(body) > 2000:
        errors["body"] = "The message must be 2,000 characters or less"
    else:
        problems = placeholder_problems(body)
        if problems:
            errors["body"] = problems[0]
    if errors:
        raise TemplateInvalid(errors)
    now = timezone.now()
    if template is None:
        template = ResponseTemplate(team=team, created_at=now)
    template.team = team
    template.service = service
    template.status = status
    template.title = title
    template.body = body
    template.updated_at = now
    template.save()
    return template


@transaction.atomic
def response_template_delete(*, actor: Actor, template: ResponseTemplate) -> None:
    """Delete a response template. Updates already sent keep their wording."""
    refuse_unless(may_manage_templates(actor, template.team))
    template.delete()


def response_templates_seed(path: Path | str | None = None) -> int:
    """Add the starter templates in ``data/response_templates.yaml`` that a team lacks.

    Templates are matched by team and title, so a template a team lead has changed or deleted
    on purpose is not brought back in another form, and running it again adds nothing.
    Returns how many were added. Teams or services not in the catalogue are skipped.
    """
    data = yamlfile.load(Path(path or STARTER_TEMPLATES).read_text(encoding="utf-8")) or {}
    teams = {team.slug: team for team in Team.objects.all()}
    services = {service.slug: service for service in Service.objects.all()}
    added = 0
    now = timezone.now()
    with transaction.atomic():
        for item in data.get("response_templates", []):
            team = teams.get(item["team"])
            service = services.get(item["service"]) if item.get("service") else None
            if team is None or (item.get("service") and service is None):
                continue
            problems = placeholder_problems(item["body"])
            if problems:
                raise ValueError(f"starter template {item['title']!r}: {problems[0]}")
            _, created = ResponseTemplate.objects.get_or_create(
                team=team,
                title=item["title"],
                defaults={
                    "service": service,
                    "status": item.get("status", ""),
                    "body": item["body"].strip(),
                    "created_at": now,
                    "updated_at": now,
                },
            )
            added += created
    return added
