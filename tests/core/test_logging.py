import json
import logging

import pytest

from borough.core.logging import RequestIdFilter


@pytest.mark.django_db
def test_each_request_is_logged_as_one_json_line_without_personal_data(
    client, catalogue, gazetteer, caplog
):
    caplog.set_level(logging.INFO, logger="borough.access")
    client.post("/services/report-missed-bin/")
    response = client.post(
        "/services/report-missed-bin/questions/address/",
        {"step": "postcode", "postcode": "UB8 1QA"},
    )
    assert response.status_code == 302
    record = caplog.records[-1]
    assert record.name == "borough.access"
    assert record.status == 302
    assert record.route == "services/<slug:slug>/questions/<slug:question_id>/"
    assert len(record.request_id) == 32
    assert response["X-Request-Id"] == record.request_id
    # What the resident typed never reaches the log.
    assert "UB8" not in json.dumps(record.__dict__, default=str)


def test_the_json_formatter_emits_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(levelname)s %(message)s %(request_id)s")
    record = logging.LogRecord("borough", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line == {"levelname": "INFO", "message": "hello", "request_id": "-"}


@pytest.mark.django_db
def test_django_request_warnings_name_the_page_not_the_path(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    client.get("/track/BO-ABC123/secret-token-value/")
    client.get("/no-such-page-for-BO-XYZ987/")
    warnings = [r for r in caplog.records if r.name == "django.request"]
    assert len(warnings) == 2
    lines = [record.getMessage() for record in warnings]
    assert lines[0] == "Not Found: /track/<str:reference>/<str:token>/"
    assert lines[1] == "Not Found: [unknown path]"
    assert "secret-token-value" not in " ".join(lines) and "XYZ987" not in " ".join(lines)
