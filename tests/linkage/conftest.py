"""The linkage engine is pure Python: these tests use DuckDB files in tmp_path and never the
Django database (pytest-django refuses database access to tests that do not ask for it)."""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/linkage/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.linkage)
