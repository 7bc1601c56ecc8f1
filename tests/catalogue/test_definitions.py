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
