"""The deployment kit's own check (scripts/check_deploy.py, run by `make lint`): the files as
shipped pass, and the mistakes it is there for are caught and named."""

from __future__ import annotations

import copy
import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_deploy", ROOT / "scripts/check_deploy.py")
check_deploy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_deploy)

COMPOSE = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())


def test_the_shipped_compose_file_manifests_and_dockerfile_pass():
    assert check_deploy.problems_in_compose(copy.deepcopy(COMPOSE)) == []
    assert check_deploy.problems_in_manifests() == []
    assert check_deploy.problems_in_dockerfile((ROOT / "Dockerfile").read_text()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda c: c["services"]["web"].pop("healthcheck"), "web: no healthcheck"),
        (lambda c: c["services"].pop("mqtt"), "service 'mqtt' is missing"),
        (
            lambda c: c["services"]["web"]["environment"].update(DJANGO_SECRET_KEY="oops"),
            "DJANGO_SECRET_KEY written in the file",
        ),
        (
            lambda c: c["services"]["web"]["depends_on"].update(
                migrate={"condition": "service_started"}
            ),
            "web: does not wait for the migration job to finish",
        ),
        (lambda c: c["secrets"].pop("database_url"), "secret 'database_url' is not declared"),
    ],
)
def test_compose_mistakes_are_named(change, problem):
    compose = copy.deepcopy(COMPOSE)
    change(compose)
    assert any(problem in found for found in check_deploy.problems_in_compose(compose))


def test_manifest_mistakes_are_named(tmp_path):
    folder = tmp_path / "kubernetes"
    shutil.copytree(ROOT / "deploy/kubernetes", folder)
    web = (folder / "web.yaml").read_text()
    web = web.replace("path: /readyz", "path: /").replace("minAvailable: 2", "minAvailible: 2")
    (folder / "web.yaml").write_text(web)
    (folder / "worker.yaml").write_text(
        (folder / "worker.yaml").read_text().replace("readOnlyRootFilesystem: true", "")
    )
    problems = check_deploy.problems_in_manifests(folder)
    assert any("probes on" in p and "'/'" in p for p in problems), problems
    assert any("PodDisruptionBudget" in p and "minAvailible" in p for p in problems), problems
    assert any("borough-worker: writable root filesystem" in p for p in problems), problems


def test_an_image_that_runs_as_root_or_installs_unhashed_is_refused():
    dockerfile = (ROOT / "Dockerfile").read_text()
    as_root = dockerfile.replace("USER 10001:10001", "USER root")
    assert check_deploy.problems_in_dockerfile(as_root) == [
        "the image does not end as a user other than root"
    ]
    unhashed = dockerfile.replace("pip install --require-hashes -r", "pip install -r")
    assert any(
        "without --require-hashes" in p for p in check_deploy.problems_in_dockerfile(unhashed)
    )
