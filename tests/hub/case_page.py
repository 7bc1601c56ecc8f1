"""Helpers of the case page's tests (``tests/hub/test_case_page*.py``): read the case again,
post an action with the page's version, get the page, make a response template."""

from django.utils import timezone

from borough.cases.models import Case, ResponseTemplate


def fresh(case):
    return Case.objects.get(pk=case.pk)


def act(client, case, action, **data):
    data.setdefault("version", fresh(case).version)
    return client.post(f"/hub/cases/{case.reference}/{action}/", data)


def page(client, case, **query):
    response = client.get(f"/hub/cases/{case.reference}/", query)
    assert response.status_code == 200
    return response.content.decode()


def template(team, title, body, *, service=None, status=""):
    now = timezone.now()
    return ResponseTemplate.objects.create(
        team=team,
        service=service,
        status=status,
        title=title,
        body=body,
        created_at=now,
        updated_at=now,
    )
