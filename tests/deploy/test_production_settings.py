"""Production settings (issue 24): no silent one-machine fallbacks, secrets from files, uploads
in object storage, periodic tasks claimed once across consumers, and sign-in confirmation only
by password or authenticator app."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from huey import crontab

from borough.core.queue import SharedRedisHuey
from config import deployment

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_shared_services_and_names_each(tmp_path):
    env = {**os.environ, "BOROUGH_MODE": "production", "BOROUGH_VAR_DIR": str(tmp_path)}
    for name in [*deployment.PRODUCTION_REQUIRED, "HUEY_IMMEDIATE"]:
        env.pop(name, None)
    env["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "secret-key")
    (tmp_path / "secret-key").write_text("x" * 60 + "\n")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    error = result.stderr.splitlines()
    message = "\n".join(
        error[next(i for i, line in enumerate(error) if "ImproperlyConfigured" in line) :]
    )
    assert "will not start without these settings" in message
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "BOROUGH_STORAGE_URL"):
        assert f"  {name}: " in message
    assert "DJANGO_SECRET_KEY:" not in message  # read from its _FILE
    # Nothing was made on the local disk to fall back on.
    assert not (tmp_path / "huey.sqlite3").exists() and not (tmp_path / "borough.sqlite3").exists()


def test_secrets_are_read_from_the_files_named_by_their_file_settings(tmp_path):
    (tmp_path / "redis").write_text("redis://cache:6379/0\n")
    environ = {
        "REDIS_URL_FILE": str(tmp_path / "redis"),
        "CACHE_URL": "redis://given:6379/1",
        "CACHE_URL_FILE": str(tmp_path / "ignored"),
    }
    deployment.read_file_secrets(environ)
    assert environ["REDIS_URL"] == "redis://cache:6379/0"
    assert environ["CACHE_URL"] == "redis://given:6379/1"  # set directly: the file is not read
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL_FILE names .*cannot be read"):
        deployment.read_file_secrets({"DATABASE_URL_FILE": str(tmp_path / "missing")})


def test_uploads_go_to_object_storage_or_a_shared_folder(tmp_path):
    environ = {
        "BOROUGH_S3_ENDPOINT_URL": "https://s3.council.example",
        "BOROUGH_S3_ACCESS_KEY_ID": "borough",
        "BOROUGH_S3_SECRET_ACCESS_KEY": "secret",
    }
    s3 = deployment.storage("s3://council-uploads/borough?region=eu-west-2", tmp_path, environ)
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = import_string(s3["BACKEND"])(**s3["OPTIONS"])
    assert storage.bucket_name == "council-uploads" and storage.location == "borough"
    assert storage.default_acl == "private" and storage.file_overwrite is False
    assert storage.endpoint_url == "https://s3.council.example"
    assert storage.region_name == "eu-west-2"
    shared = deployment.storage("file:///srv/borough/uploads", tmp_path, {})
    assert shared["OPTIONS"]["location"] == "/srv/borough/uploads"
    assert deployment.storage("", tmp_path, {})["OPTIONS"]["location"] == str(tmp_path)
    with pytest.raises(ImproperlyConfigured, match="neither s3://bucket"):
        deployment.storage("ftp://files.example/uploads", tmp_path, {})


def test_each_periodic_task_is_enqueued_once_a_minute_however_many_consumers():
    name = f"borough-test-{uuid.uuid4().hex[:8]}"
    consumers = [SharedRedisHuey(name, url="redis://127.0.0.1:6379/0") for _ in range(3)]
    for huey in consumers:  # every consumer's process registers the same tasks
        huey.periodic_task(crontab(minute="*"), name="every_minute")(lambda: None)
        huey.periodic_task(crontab(minute="0"), name="on_the_hour")(lambda: None)
    try:
        at_noon = dt.datetime(2026, 12, 7, 12, 0, 20)
        due = [[t.name for t in huey.read_periodic(at_noon)] for huey in consumers]
        assert sorted(due, key=len) == [[], [], ["every_minute", "on_the_hour"]]
        # The next minute is claimed afresh, and again only once.
        next_minute = [huey.read_periodic(at_noon.replace(minute=1)) for huey in consumers]
        assert sorted(len(tasks) for tasks in next_minute) == [0, 0, 1]
    finally:
        keys = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in keys.scan_iter(f"huey.{name}.*"):
            keys.delete(key)


@pytest.mark.django_db
def test_confirming_it_is_you_by_an_emailed_code_is_off(client, agent, staff_login):
    staff_login(client, agent)
    # allauth 65.22 serves it only when "code" is among ACCOUNT_REAUTHENTICATION_METHODS.
    assert client.get("/account/reauthenticate/code/").status_code == 403
    page = client.get("/account/reauthenticate/").content.decode()
    assert "Send me a sign-in code" not in page and "reauthenticate/code" not in page
