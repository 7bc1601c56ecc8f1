import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, catalogue):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    # The one inline script (GOV.UK Frontend's js-enabled switch) carries this request's nonce.
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_browsing_sets_no_cookies(client, catalogue):
    assert not client.get("/").cookies
    assert not client.get("/services/report-missed-bin/").cookies


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "BOROUGH_MODE": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "services.council.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "BOROUGH_VAR_DIR": str(tmp_path),
        # What production must set (borough.core.checks, tests/security/test_ratelimits.py).
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BOROUGH_STORAGE_URL": "s3://council-uploads",
        "BOROUGH_TRUSTED_PROXIES": "1",
        "BOROUGH_FIELD_ENCRYPTION_KEYS": "mTvQepicKl7aayGpWwYRDXQlnxd0f63hUzgveeDihhw=",
        "BOROUGH_API_KEY_HASH_KEYS": "y" * 20 + "-a-long-random-api-key-hash-key-0123456789",
        # GOV.UK Pay (borough.payments.checks): payments.W001 and W002 without them.
        "GOVUK_PAY_API_KEY": "api_live_example",
        "GOVUK_PAY_WEBHOOK_SECRET": "webhook_live_example",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    env.pop("HUEY_IMMEDIATE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_refuses_production_without_encryption_and_api_key_hash_keys(tmp_path):
    env = {
        **os.environ,
        "BOROUGH_MODE": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "services.council.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "BOROUGH_VAR_DIR": str(tmp_path),
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "BOROUGH_STORAGE_URL": "file:///srv/borough-uploads",
        "BOROUGH_FIELD_ENCRYPTION_KEYS": "not-a-fernet-key",
    }
    for name in ("BOROUGH_API_KEY_HASH_KEYS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "borough.E280" in result.stderr and "not a Fernet key" in result.stderr
    assert "borough.E281" in result.stderr and "BOROUGH_API_KEY_HASH_KEYS" in result.stderr
    # Nothing was generated in var/ for production: the keys must come from outside.
    assert not (tmp_path / "field-encryption-key").exists()


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "BOROUGH_MODE": "production", "BOROUGH_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_stored_passwords_use_a_slow_salted_hash(tmp_path):
    # The tests hash with MD5 for speed (tests/conftest.py); Borough itself must not.
    env = {**os.environ, "BOROUGH_VAR_DIR": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'hash.sqlite3'}"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.contrib.auth.hashers import make_password; print(make_password('pw'))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    algorithm, iterations, salt, digest = result.stdout.strip().splitlines()[-1].split("$")
    assert algorithm == "pbkdf2_sha256"
    assert int(iterations) >= 600_000  # OWASP's floor for PBKDF2-HMAC-SHA256
    assert len(salt) >= 16 and digest
