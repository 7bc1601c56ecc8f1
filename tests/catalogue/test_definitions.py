from collections import Counter

import pytest

from borough.catalogue.catalogue_file import parse_catalogue
from borough.catalogue.definitions import QUESTION_TYPES, DefinitionError
from borough.catalogue.services import catalogue_read, lgsl_rows


def test_the_shipped_catalogue_is_valid_and_complete():
    catalogue = catalogue_read()
    assert len(catalogue.services) >= 20
    types = Counter(q.type for s in catalogue.services for q in s.form.questions)
    assert set(types) == set(QUESTION_TYPES)
    teams = {s.team for s in catalogue.services}
    assert {
        "waste",
        "street-scene",
        "highways",
        "parking",
        "housing-repairs",
        "council-tax",
        "environmental-health",
    } <= teams
    assert any(route for s in catalogue.services for q in s.form.questions for route in q.routes)
    assert any(s.fee_pence for s in catalogue.services)


def test_every_service_names_a_real_lgsl_entry():
    labels = {row["identifier"]: row["label"] for row in lgsl_rows()}
    assert len(labels) == 1519
    catalogue = catalogue_read()
    for service in catalogue.services:
        assert service.lgsl in labels, service.slug
    assert labels[524] == "Household waste collection"


def test_every_problem_in_a_broken_definition_is_reported_with_its_path():
    data = {
        "teams": [{"slug": "waste", "name": "Waste"}],
        "categories": [{"slug": "bins", "name": "Bins"}],
        "services": [
            {
                "slug": "Bad Slug",
                "lgsl": 99999,
                "name": "Report",
                "summary": "s",
                "description": "d",
                "category": "bins",
                "team": "nobody",
                "sla_working_days": 0,
                "what_happens_next": "w",
                "questions": [
                    {
                        "id": "bin",
                        "type": "selection",
                        "label": "Which?",
                        "options": [{"value": "a", "label": "A"}],
                        "routes": [{"when": {"equals": "a"}, "goto": "earlier"}],
                    },
                    {"id": "when", "type": "colour", "label": "When?"},
                    {
                        "id": "plate",
                        "type": "text",
                        "label": "Plate?",
                        "hint": "For example",
                        "AB12 CDE.": None,
                    },
                ],
            }
        ],
    }
    with pytest.raises(DefinitionError) as caught:
        parse_catalogue(data, lgsl_ids={524})
    assert sorted(caught.value.problems) == sorted(
        [
            "services[0].slug: must be lower-case words joined by hyphens",
            "services[0].lgsl: 99999 is not an LGSL service identifier",
            "services[0].team: 'nobody' is not a team",
            "services[0].sla_working_days: must be a whole number of days, 1 to 365",
            "services[0].questions[1].type: must be one of address, date, email, name, number, "
            "phone, selection, text, file, location (got 'colour')",
            "services[0].questions[0].options: a selection needs at least two options",
            "services[0].questions[0].routes[0].goto: 'earlier' is not a later question or "
            "check_answers",
            "services[0].questions[2]: unknown keys AB12 CDE.",
        ]
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_a_bad_file_loads_nothing(tmp_path):
    from django.core.management import CommandError, call_command

    from borough.catalogue.models import Service

    call_command("load_catalogue")
    first = sorted(Service.objects.values_list("slug", "sla_working_days"))
    call_command("load_catalogue")
    assert sorted(Service.objects.values_list("slug", "sla_working_days")) == first
    broken = tmp_path / "services.yaml"
    broken.write_text("teams: []\ncategories: []\nservices:\n  - slug: x\n")
    with pytest.raises(CommandError, match="The catalogue was not loaded"):
        call_command("load_catalogue", "--file", str(broken))
    assert sorted(Service.objects.values_list("slug", "sla_working_days")) == first


def _catalogue_with_service(**extra):
    location = extra.pop("location", "address")
    service = {
        "slug": "a-service",
        "lgsl": 524,
        "name": "A service",
        "summary": "s",
        "description": "d",
        "category": "bins",
        "team": "waste",
        "sla_working_days": 2,
        "what_happens_next": "w",
        "questions": [
            {"id": "where", "type": location, "label": "Where?", "case_location": True},
        ],
        **extra,
    }
    return {
        "teams": [{"slug": "waste", "name": "Waste"}],
        "categories": [{"slug": "bins", "name": "Bins"}],
        "services": [service],
    }


def test_services_at_an_address_are_private_unless_they_say_otherwise():
    """Issue 16: the requests of a private service are never in a public listing."""
    assert parse_catalogue(_catalogue_with_service()).services[0].private is True
    assert (
        parse_catalogue(_catalogue_with_service(location="location")).services[0].private is False
    )
    said = parse_catalogue(_catalogue_with_service(private=False)).services[0]
    assert said.private is False
    on_street = _catalogue_with_service(location="location", private=True)
    assert parse_catalogue(on_street).services[0].private is True
    with pytest.raises(DefinitionError) as caught:
        parse_catalogue(_catalogue_with_service(private="yes"))
    assert caught.value.problems == ["services[0].private: must be true or false"]


def test_the_shipped_catalogue_keeps_personal_services_private():
    private = {s.slug for s in catalogue_read().services if s.private}
    assert {
        "apply-single-person-discount",
        "request-assisted-bin-collection",
        "tell-us-you-have-moved",
        "report-housing-repair",
    } <= private
    assert "report-pothole" not in private
