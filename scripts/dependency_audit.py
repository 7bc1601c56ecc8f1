"""Audit Borough's dependencies for known vulnerabilities and write CycloneDX SBOMs (issue 16).

`make lint` runs this. It

1. audits the Python environment with pip-audit against PyPI's vulnerability data (the "pypi"
   service, PyPI's JSON API); a package pip-audit could not look up (PyPI answered that it has
   no page for that release) is looked up once more in the project's own JSON, whose
   vulnerabilities are those of its newest release: when that is the installed release, it is
   audited that way too;
2. audits the Node packages Borough ships (`npm audit --omit=dev`);
3. writes CycloneDX SBOMs to build/sbom/ (python.cdx.json, npm.cdx.json; not committed).

A known vulnerability fails the check unless `security/known-vulnerabilities.toml` lists it
with a reason and a review date still to come. An entry without a reason, without a review
date, or past its review date fails the check too, found or not.

When the audit cannot reach a registry at all (no network, DNS, a timeout) the check fails and
says so: a silent pass would look like a clean audit. When the registry answers but does not
offer the vulnerability service (a read-only mirror: PyPI without per-release JSON, npm without
the bulk advisory endpoint), the packages it could not audit are listed under "NOT AUDITED"
and the check passes, unless BOROUGH_REQUIRE_DEPENDENCY_AUDIT=1 (or --require-audit), which a
release pipeline with full registry access sets. docs/how-to/deploy.md, "Audit and dependency
checks", says more.

Exit status 0 when the audit passes, 1 when it does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOW_LIST = ROOT / "security" / "known-vulnerabilities.toml"
SBOM_DIR = ROOT / "build" / "sbom"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
# What npm says when it cannot reach the registry at all (as opposed to an HTTP answer).
NPM_NETWORK_CODES = {"ENOTFOUND", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"}


class AuditFailed(Exception):
    """The audit could not be done (the network, a tool): fail with this message."""


@dataclass(frozen=True)
class Finding:
    """One known vulnerability in one installed package."""

    ecosystem: str  # "python" or "npm"
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def __str__(self) -> str:
        fix = f"; fixed in {', '.join(self.fix_versions)}" if self.fix_versions else ""
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        return f"{self.ecosystem} {self.package} {self.version}: {self.id}{also}{fix}"


@dataclass(frozen=True)
class Allowance:
    """An entry of the allow-list: a vulnerability accepted for now, and why."""

    id: str
    package: str
    reason: str
    review_by: dt.date | None


@dataclass
class Verdict:
    allowed: list[tuple[Finding, Allowance]] = field(default_factory=list)
    unlisted: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # allow-list entries that fail
    unused: list[Allowance] = field(default_factory=list)  # listed, no longer found

    @property
    def ok(self) -> bool:
        return not self.unlisted and not self.problems


# ------------------------------------------------------------------------------ the allow-list


def load_allow_list(text: str) -> list[Allowance]:
    """The ``[[vulnerability]]`` entries of the allow-list (TOML). Raises ``ValueError`` when
    it is not TOML or an entry has no ``id``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(
            f"security/known-vulnerabilities.toml is not valid TOML: {error}"
        ) from None
    entries = []
    for number, entry in enumerate(data.get("vulnerability", []), start=1):
        ident = str(entry.get("id", "")).strip()
        if not ident:
            raise ValueError(f"entry {number} of security/known-vulnerabilities.toml has no id")
        review_by = entry.get("review_by")
        entries.append(
            Allowance(
                id=ident,
                package=str(entry.get("package", "")).strip().lower(),
                reason=str(entry.get("reason", "")).strip(),
                review_by=review_by if isinstance(review_by, dt.date) else None,
            )
        )
    return entries


def allowance_problem(allowance: Allowance, today: dt.date) -> str:
    """Why this entry cannot stand, or "" when it can."""
    if not allowance.reason:
        return f"{allowance.id}: listed without a reason; say why it is safe to keep"
    if allowance.review_by is None:
        return f"{allowance.id}: listed without a review date (review_by = YYYY-MM-DD)"
    if allowance.review_by < today:
        return (
            f"{allowance.id}: its review date {allowance.review_by} has passed; upgrade, or "
            "review the reason and set a new date"
        )
    return ""


def judge(findings: Iterable[Finding], allowances: list[Allowance], today: dt.date) -> Verdict:
    """Which findings the allow-list accepts, which it does not, and its own problems."""
    verdict = Verdict()
    verdict.problems = [p for p in (allowance_problem(a, today) for a in allowances) if p]
    used: set[int] = set()
    for finding in findings:
        match = next(
            (
                (index, a)
                for index, a in enumerate(allowances)
                if a.id in finding.ids and a.package in {"", finding.package.lower()}
            ),
            None,
        )
        if match is None:
            verdict.unlisted.append(finding)
            continue
        used.add(match[0])
        verdict.allowed.append((finding, match[1]))
    verdict.unused = [a for index, a in enumerate(allowances) if index not in used]
    return verdict


# --------------------------------------------------------------------------- reading reports


def python_findings(report: dict) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Findings from pip-audit's JSON, and the (name, version) of packages it could not audit
    because PyPI had no page for that release. Editable installs (Borough itself) are skipped."""
    findings, not_found = [], []
    for dependency in report.get("dependencies", []):
        name, version = dependency["name"], dependency.get("version", "")
        reason = dependency.get("skip_reason", "")
        if reason and "editable" not in reason:
            version = version or reason.rpartition("(")[2].rstrip(")")
            not_found.append((name, version))
        for vuln in dependency.get("vulns", []):
            findings.append(
                Finding(
                    "python",
                    name,
                    version,
                    vuln["id"],
                    tuple(vuln.get("aliases", [])),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    return findings, not_found


def pypi_project_findings(name: str, version: str, project: dict) -> list[Finding] | None:
    """Findings for ``name`` ``version`` from PyPI's project JSON, or None when that JSON is
    not about ``version`` (its vulnerabilities are those of the newest release only)."""
    if project.get("info", {}).get("version") != version:
        return None
    return [
        Finding(
            "python",
            name,
            version,
            vuln["id"],
            tuple(vuln.get("aliases") or ()),
            tuple(vuln.get("fixed_in") or ()),
        )
        for vuln in project.get("vulnerabilities", [])
        if not vuln.get("withdrawn")
    ]


def npm_findings(report: dict) -> list[Finding]:
    """Findings from `npm audit --json` (one per advisory and package)."""
    findings = []
    for name, entry in report.get("vulnerabilities", {}).items():
        for via in entry.get("via", []):
            if not isinstance(via, dict):  # a package name: vulnerable through that one
                continue
            url = str(via.get("url", ""))
            ident = url.rstrip("/").rpartition("/")[2] if "/advisories/" in url else ""
            fix = entry.get("fixAvailable")
            fixed = (str(fix.get("version")),) if isinstance(fix, dict) else ()
            findings.append(
                Finding(
                    "npm", name, str(via.get("range", "")), ident or str(via["source"]), (), fixed
                )
            )
    return findings


def npm_unavailable(report: dict) -> str:
    """Why `npm audit` gave no answer ("" when it did). Raises ``AuditFailed`` when npm could
    not reach the registry at all."""
    if "vulnerabilities" in report:
        return ""
    error = report.get("error") or {}
    code = str(report.get("code") or error.get("code") or "")
    message = str(report.get("message") or error.get("summary") or "no report")
    if code in NPM_NETWORK_CODES or any(c in message for c in NPM_NETWORK_CODES):
        raise AuditFailed(f"npm audit could not reach the npm registry: {message}")
    return message


# ----------------------------------------------------------------------------- running tools


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **kwargs)  # noqa: S603
    except FileNotFoundError:
        raise AuditFailed(f"{command[0]} is not installed: run `make setup`") from None


def run_pip_audit(out: Path) -> dict:
    report = out / "pip-audit.json"
    done = _run(
        [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--format", "json"]
        + ["--vulnerability-service", "pypi", "--progress-spinner", "off", "--output", str(report)]
    )
    try:
        return json.loads(report.read_text())
    except (OSError, ValueError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise AuditFailed(
            f"pip-audit could not audit the Python packages (is PyPI reachable?): {last}"
        ) from None


def fetch_pypi_project(name: str) -> dict | None:
    """PyPI's JSON for project ``name``; None when PyPI has no such project."""
    url = PYPI_JSON.format(name=name)  # always https://pypi.org
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise AuditFailed(f"PyPI answered {error.code} for {name}: try again later") from None
    except (urllib.error.URLError, TimeoutError) as error:
        raise AuditFailed(f"PyPI could not be reached ({error}): the audit did not run") from None


def audit_python(out: Path) -> tuple[list[Finding], list[str]]:
    """Python findings, and the packages that could not be audited."""
    findings, not_found = python_findings(run_pip_audit(out))
    with ThreadPoolExecutor(max_workers=8) as pool:
        projects = list(pool.map(fetch_pypi_project, [name for name, _ in not_found]))
    not_audited = []
    for (name, version), project in zip(not_found, projects, strict=True):
        found = pypi_project_findings(name, version, project) if project else None
        if found is None:
            not_audited.append(f"python {name} {version}")
        else:
            findings.extend(found)
    return findings, not_audited


def audit_npm() -> tuple[list[Finding], list[str]]:
    done = _run(["npm", "audit", "--omit=dev", "--json"])
    try:
        report = json.loads(done.stdout or "{}")
    except ValueError:
        raise AuditFailed(f"npm audit gave no report: {done.stderr.strip()[-300:]}") from None
    why = npm_unavailable(report)
    if why:
        return [], [f"npm packages (npm audit: {why})"]
    return npm_findings(report), []


def write_sboms(out: Path) -> None:
    python = _run(
        [sys.executable, "-m", "cyclonedx_py", "environment", "--pyproject", "pyproject.toml"]
        + ["--output-format", "JSON", "--output-file", str(out / "python.cdx.json")]
        # Its schema validation takes half a minute here; the file is checked below instead.
        + ["--output-reproducible", "--no-validate", sys.executable]
    )
    if python.returncode:
        raise AuditFailed(f"cyclonedx-py could not write the SBOM: {python.stderr.strip()}")
    npm = _run(["npm", "sbom", "--sbom-format", "cyclonedx", "--omit", "dev"])
    if npm.returncode:
        raise AuditFailed(f"npm sbom could not write the SBOM (run `make setup`): {npm.stderr}")
    (out / "npm.cdx.json").write_text(npm.stdout)
    for name in ("python.cdx.json", "npm.cdx.json"):
        try:
            bom = json.loads((out / name).read_text())
        except (OSError, ValueError):
            bom = {}
        if bom.get("bomFormat") != "CycloneDX" or not bom.get("components"):
            raise AuditFailed(f"{out / name} is not a CycloneDX SBOM with components")


# -------------------------------------------------------------------------------------- main


def report(verdict: Verdict, not_audited: list[str], *, require_audit: bool) -> bool:
    """Print what was found; True when the check passes."""
    for finding, allowance in verdict.allowed:
        print(f"allowed until {allowance.review_by}: {finding} ({allowance.reason})")
    for allowance in verdict.unused:
        print(f"note: {allowance.id} is listed but no longer found: take it off the list")
    for problem in verdict.problems:
        print(f"ALLOW-LIST: {problem}")
    for finding in verdict.unlisted:
        print(f"VULNERABLE: {finding}")
    if verdict.unlisted:
        print(
            "Upgrade these in pyproject.toml or package-lock.json, or list each in "
            "security/known-vulnerabilities.toml with a reason and a review date."
        )
    if not_audited:
        print(f"NOT AUDITED ({len(not_audited)}): the registry offers no vulnerability data here")
        for item in not_audited:
            print(f"  not audited: {item}")
    passed = verdict.ok and not (require_audit and not_audited)
    if require_audit and not_audited:
        print("BOROUGH_REQUIRE_DEPENDENCY_AUDIT is set: every package must be audited.")
    print("Dependency audit: " + ("passed" if passed else "FAILED"))
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SBOM_DIR, help="where the SBOMs go")
    parser.add_argument(
        "--require-audit",
        action="store_true",
        default=os.environ.get("BOROUGH_REQUIRE_DEPENDENCY_AUDIT") == "1",
        help="fail when a package could not be audited (also BOROUGH_REQUIRE_DEPENDENCY_AUDIT=1)",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        allowances = load_allow_list(ALLOW_LIST.read_text() if ALLOW_LIST.exists() else "")
        python, python_not_audited = audit_python(args.out)
        npm, npm_not_audited = audit_npm()
        write_sboms(args.out)
    except (AuditFailed, ValueError) as error:
        print(f"Dependency audit FAILED: {error}", file=sys.stderr)
        return 1
    verdict = judge([*python, *npm], allowances, dt.date.today())
    passed = report(verdict, python_not_audited + npm_not_audited, require_audit=args.require_audit)
    print(f"SBOMs: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}/")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
