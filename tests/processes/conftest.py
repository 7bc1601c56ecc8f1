"""Shared fixtures for the process engine's tests: the shipped processes loaded once per test
(through ``load_shipped``, as ``manage.py load_processes`` does) and a case to run them on."""

from __future__ import annotations

import pytest

from borough.processes.shipped import load_shipped


@pytest.fixture
def processes(catalogue):
    return {definition.key: definition for definition in load_shipped()}
