"""GOV.UK Notify through its embedded sandbox, with a test key and callback token."""

from __future__ import annotations

import uuid

import pytest

CALLBACK_TOKEN = "callback-token-for-tests-0123456789"


@pytest.fixture
def notify_on(settings):
    """Borough sends through Notify (the sandbox), as ``make run`` does."""
    settings.BOROUGH_NOTIFY_PROVIDER = "notify"
    settings.NOTIFY_SANDBOX = True
    settings.NOTIFY_API_KEY = f"borough_test-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.NOTIFY_BASE_URL = "http://notify-sandbox.invalid"
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    settings.NOTIFY_TEMPLATES = {}
    return settings


@pytest.fixture
def bearer():
    return f"Bearer {CALLBACK_TOKEN}"
