import pytest

from borough.core import views


@pytest.mark.django_db
def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database_and_task_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "task_queue": "ok",
        "periodic_tasks": "ok",
    }


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_is_down(client, monkeypatch):
    def broken():
        raise ConnectionError("database down")

    monkeypatch.setattr(views, "_check_database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "task_queue": "ok", "periodic_tasks": "ok"},
    }
