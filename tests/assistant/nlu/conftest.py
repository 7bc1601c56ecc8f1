"""The understanding is loaded once for the whole session (model weights, classifier)."""

from __future__ import annotations

import pytest

from borough.assistant import nlu


@pytest.fixture(scope="session")
def brain():
    return nlu.load()
