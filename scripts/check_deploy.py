"""Check the deployment kit (issue 24): the image and compose smoke test where this machine can
run containers, and otherwise, said plainly, the compose file and Kubernetes manifests checked
without a container engine. `make lint` runs it; it takes seconds without an engine.

    python scripts/check_deploy.py            # what this machine can do
    BOROUGH_REQUIRE_CONTAINERS=1 ...          # fail instead of skipping the image build
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from kubernetes_validate import utils as kv_utils
from kubernetes_validate import validate as kv_validate

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "deploy" / "compose" / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.33.0"  # the oldest minor release still supported upstream
BOROUGH_SERVICES = {"migrate", "web", "worker"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}


def problems_in_compose(document: dict) -> list[str]:
    """The compose file's shape, checked without Docker: what a council's host relies on."""
    problems = []
    services = document.get("services") or {}
    for name in ("db", "redis", "mqtt", *BOROUGH_SERVICES):
        if name not in services:
            problems.append(f"service {name!r} is missing")
    declared = {kind: set(document.get(kind) or {}) for kind in ("secrets", "volumes")}
    for name, service in services.items():
        if not service.get("image") and not service.get("build"):
            problems.append(f"{name}: neither image nor build")
        if name != "migrate" and "healthcheck" not in service:
            problems.append(f"{name}: no healthcheck")
        for dependency, rule in (service.get("depends_on") or {}).items():
            if dependency not in services:
                problems.append(f"{name}: depends on unknown service {dependency!r}")
            if rule.get("condition") not in CONDITIONS:
                problems.append(f"{name}: depends on {dependency} with no known condition")
        for secret in service.get("secrets") or []:
            if (secret if isinstance(secret, str) else secret.get("source")) not in declared[
                "secrets"
            ]:
                problems.append(f"{name}: secret {secret!r} is not declared")
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")) and source not in declared["volumes"]:
                problems.append(f"{name}: volume {source!r} is not declared")
    for name in BOROUGH_SERVICES & set(services):
        service = services[name]
        environment = service.get("environment") or {}
        if environment.get("BOROUGH_MODE") != "production":
            problems.append(f"{name}: not BOROUGH_MODE=production")
        for setting in ("DJANGO_SECRET_KEY", "DATABASE_URL", "BOROUGH_FIELD_ENCRYPTION_KEYS"):
            if setting in environment:
                problems.append(f"{name}: {setting} written in the file; use {setting}_FILE")
    migrate_first = services.get("web", {}).get("depends_on", {}).get("migrate", {})
    if migrate_first.get("condition") != "service_completed_successfully":
        problems.append("web: does not wait for the migration job to finish")
    if services.get("migrate", {}).get("restart") != "no":
        problems.append("migrate: a one-off job must not restart")
    return problems


def problems_in_dockerfile(text: str) -> list[str]:
    """What can be read of the Dockerfile without building it."""
    problems = []
    lines = [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
    final = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")) :]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    if not users or users[-1].split(":")[0] in {"0", "root"}:
        problems.append("the image does not end as a user other than root")
    for line in lines:
        if "pip install" in line and "--require-hashes" not in line:
            problems.append(f"pip install without --require-hashes: {line}")
    if not any(line.startswith("ENTRYPOINT") for line in final):
        problems.append("no ENTRYPOINT in the final stage")
    return problems


def problems_in_manifests(folder: Path = MANIFESTS) -> list[str]:
    problems = []
    resources = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if not document:
                continue
            resources.append(document)
            try:
                kv_validate(document, KUBERNETES_VERSION, strict=True)
            except kv_utils.ValidationError as error:
                where = "/".join(str(part) for part in error.path)
                problems.append(f"{path.name}: {document.get('kind')} {where}: {error.message}")
    kinds = {(r["kind"], r["metadata"]["name"]) for r in resources}
    for wanted in [
        ("Deployment", "borough-web"),
        ("Deployment", "borough-worker"),
        ("Job", "borough-migrate"),
        ("PodDisruptionBudget", "borough-web"),
    ]:
        if wanted not in kinds:
            problems.append(f"no {wanted[0]} {wanted[1]}")
    for resource in resources:
        if resource["kind"] != "Deployment":
            continue
        for container in resource["spec"]["template"]["spec"]["containers"]:
            if resource["metadata"]["name"] == "borough-web":
                paths = {
                    container.get(probe, {}).get("httpGet", {}).get("path")
                    for probe in ("livenessProbe", "readinessProbe")
                }
                if paths != {"/healthz", "/readyz"}:
                    problems.append(f"borough-web: probes on {sorted(map(str, paths))}")
            if not container.get("securityContext", {}).get("readOnlyRootFilesystem"):
                problems.append(f"{resource['metadata']['name']}: writable root filesystem")
    return problems


def engine_available() -> bool:
    if not shutil.which("docker"):
        return False
    result = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=20)
    return result.returncode == 0


def compose_command() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if (
            shutil.which(command[0])
            and subprocess.run([*command, "version"], capture_output=True, timeout=20).returncode
            == 0
        ):
            return command
    return None


def smoke_test(compose: list[str]) -> None:
    """Build the image, start the stack with throwaway secrets, wait for /readyz, stop it."""
    directory = COMPOSE.parent
    secrets = directory / "secrets"
    env_file = directory / "borough.env"
    made = []
    if not env_file.exists():
        env_file.write_text((directory / "borough.env.example").read_text())
        made.append(env_file)
    if not secrets.exists():
        secrets.mkdir()
        made.append(secrets)
        password = os.urandom(16).hex()
        values = {
            "postgres_password": password,
            "database_url": f"postgres://borough:{password}@db:5432/borough",
            "django_secret_key": os.urandom(40).hex(),
            "field_encryption_keys": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "api_key_hash_keys": os.urandom(32).hex(),
        }
        for name, value in values.items():
            (secrets / name).write_text(value + "\n")
    base = [*compose, "-f", str(COMPOSE), "-p", "borough-smoke"]
    try:
        subprocess.run(
            [*base, "up", "-d", "--build", "--wait", "--wait-timeout", "300"], check=True
        )
        subprocess.run(
            [
                *base,
                "exec",
                "-T",
                "web",
                "python",
                "-c",
                "import os, urllib.request as u; print(u.urlopen(u.Request("
                "'http://127.0.0.1:8000/readyz', headers={'X-Forwarded-Proto': 'https', "
                "'Host': os.environ['DJANGO_ALLOWED_HOSTS'].split(',')[0]})).read())",
            ],
            check=True,
        )
    finally:
        subprocess.run([*base, "down", "-v"], check=False)
        for path in made:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def main() -> int:
    started = time.monotonic()
    problems = [f"compose: {p}" for p in problems_in_compose(yaml.safe_load(COMPOSE.read_text()))]
    problems += [f"kubernetes: {p}" for p in problems_in_manifests()]
    problems += [f"Dockerfile: {p}" for p in problems_in_dockerfile(DOCKERFILE.read_text())]
    for problem in problems:
        print(f"FAILED {problem}")
    if problems:
        return 1
    print(
        f"deploy: compose file checked (services, healthchecks, secrets, order) and "
        f"Kubernetes manifests validated against the {KUBERNETES_VERSION} schemas (strict); "
        "Dockerfile read (non-root, hashed installs, entry point)"
    )
    compose, engine = compose_command(), engine_available()
    if engine and compose:
        smoke_test(compose)
        print("deploy: image built and compose smoke test passed (/readyz answered)")
    else:
        why = [] if engine else ["no container engine answers `docker info`"]
        why += [] if compose else ["neither `docker compose` nor `docker-compose` is installed"]
        print(
            "deploy: SKIPPED on this machine: the image was NOT built and the compose smoke "
            f"test did NOT run ({'; '.join(why)}); only the checks above ran"
        )
        if os.environ.get("BOROUGH_REQUIRE_CONTAINERS"):
            return 1
    print(f"deploy: done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
