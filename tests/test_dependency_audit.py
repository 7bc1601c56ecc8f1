"""The dependency audit in `make lint` (scripts/dependency_audit.py): a known vulnerability fails
unless the allow-list names it with a reason and a review date to come; an entry without a
reason fails too; a registry out of reach fails loudly instead of passing quietly."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "dependency_audit.py"
_spec = importlib.util.spec_from_file_location("dependency_audit", SCRIPT)
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
sys.modules["dependency_audit"] = audit  # dataclasses look their module up there
_spec.loader.exec_module(audit)

TODAY = dt.date(2026, 12, 7)

# What pip-audit --format json writes: one vulnerable package, one clean, one PyPI knows
# nothing of, and Borough itself (editable).
PIP_AUDIT_REPORT = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.1",
            "vulns": [
                {
                    "id": "PYSEC-2025-1",
                    "fix_versions": ["5.2.2"],
                    "aliases": ["CVE-2025-0001", "GHSA-aaaa-bbbb-cccc"],
                    "description": "...",
                }
            ],
        },
        {
            "name": "pillow",
            "version": "11.0.0",
            "vulns": [{"id": "GHSA-pppp-qqqq-rrrr", "fix_versions": ["11.1.0"], "aliases": []}],
        },
        {"name": "redis", "version": "6.0.0", "vulns": []},
        {
            "name": "numpy",
            "skip_reason": "Dependency not found on PyPI and could not be audited: numpy (2.4.6)",
        },
        {"name": "borough", "skip_reason": "distribution marked as editable"},
    ],
    "fixes": [],
}

NPM_AUDIT_REPORT = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "govuk-frontend": {
            "name": "govuk-frontend",
            "severity": "moderate",
            "via": [
                {
                    "source": 1099999,
                    "name": "govuk-frontend",
                    "title": "Cross-site scripting in a component",
                    "url": "https://github.com/advisories/GHSA-gggg-hhhh-iiii",
                    "severity": "moderate",
                    "range": "<6.7.0",
                }
            ],
            "fixAvailable": {"name": "govuk-frontend", "version": "6.7.0"},
        },
        "other": {"name": "other", "via": ["govuk-frontend"], "fixAvailable": True},
    },
}


def _allow(text: str):
    return audit.load_allow_list(text)


def test_a_listed_vulnerability_with_a_reason_passes_and_an_unlisted_one_fails():
    findings, not_found = audit.python_findings(PIP_AUDIT_REPORT)
    allowances = _allow(
        """
        [[vulnerability]]
        id = "CVE-2025-0001"   # an alias of PYSEC-2025-1
        package = "django"
        reason = "Only the MySQL backend is affected; Borough runs on PostgreSQL and SQLite."
        review_by = 2027-01-31
        """
    )
    verdict = audit.judge(findings, allowances, TODAY)
    assert [(f.package, a.id) for f, a in verdict.allowed] == [("django", "CVE-2025-0001")]
    assert [f.id for f in verdict.unlisted] == ["GHSA-pppp-qqqq-rrrr"]
    assert not verdict.ok
    assert not_found == [("numpy", "2.4.6")]  # Borough itself (editable) is not a package to audit


def test_every_vulnerability_listed_passes():
    findings, _ = audit.python_findings(PIP_AUDIT_REPORT)
    allowances = _allow(
        """
        [[vulnerability]]
        id = "PYSEC-2025-1"
        reason = "Fixed release not yet out for the 5.2 series; the view is not routed."
        review_by = 2027-01-31

        [[vulnerability]]
        id = "GHSA-pppp-qqqq-rrrr"
        package = "pillow"
        reason = "Only the ICNS decoder; uploads are checked as JPEG, PNG or PDF first."
        review_by = 2027-02-28
        """
    )
    verdict = audit.judge(findings, allowances, TODAY)
    assert verdict.ok and len(verdict.allowed) == 2 and not verdict.problems


def test_a_listed_vulnerability_without_a_reason_fails():
    findings, _ = audit.python_findings(PIP_AUDIT_REPORT)
    allowances = _allow(
        """
        [[vulnerability]]
        id = "PYSEC-2025-1"
        review_by = 2027-01-31

        [[vulnerability]]
        id = "GHSA-pppp-qqqq-rrrr"
        reason = "   "
        review_by = 2027-01-31
        """
    )
    verdict = audit.judge(findings, allowances, TODAY)
    assert not verdict.ok
    assert len(verdict.problems) == 2
    assert all("without a reason" in problem for problem in verdict.problems)


def test_an_entry_past_its_review_date_or_without_one_fails():
    allowances = _allow(
        """
        [[vulnerability]]
        id = "GHSA-old0-0000-0000"
        reason = "Was fine last year."
        review_by = 2026-01-01

        [[vulnerability]]
        id = "GHSA-nodt-0000-0000"
        reason = "No date given."
        """
    )
    verdict = audit.judge([], allowances, TODAY)
    assert not verdict.ok
    assert "has passed" in verdict.problems[0] and "without a review date" in verdict.problems[1]


def test_an_entry_for_another_package_does_not_cover_a_finding():
    findings, _ = audit.python_findings(PIP_AUDIT_REPORT)
    allowances = _allow(
        """
        [[vulnerability]]
        id = "GHSA-pppp-qqqq-rrrr"
        package = "requests"
        reason = "Not this package."
        review_by = 2027-01-31
        """
    )
    verdict = audit.judge(findings, allowances, TODAY)
    assert "GHSA-pppp-qqqq-rrrr" in {f.id for f in verdict.unlisted}
    assert [a.id for a in verdict.unused] == ["GHSA-pppp-qqqq-rrrr"]


def test_a_malformed_allow_list_is_refused():
    with pytest.raises(ValueError, match="not valid TOML"):
        _allow("[[vulnerability]\nid = ")
    with pytest.raises(ValueError, match="has no id"):
        _allow('[[vulnerability]]\nreason = "no id"\nreview_by = 2027-01-01\n')


def test_npm_audit_findings_are_named_by_their_advisory():
    findings = audit.npm_findings(NPM_AUDIT_REPORT)
    assert [(f.ecosystem, f.package, f.id, f.fix_versions) for f in findings] == [
        ("npm", "govuk-frontend", "GHSA-gggg-hhhh-iiii", ("6.7.0",))
    ]


def test_npm_out_of_reach_fails_but_a_registry_without_the_audit_service_is_reported():
    with pytest.raises(audit.AuditFailed, match="could not reach"):
        audit.npm_unavailable({"error": {"code": "ENOTFOUND", "summary": "getaddrinfo ENOTFOUND"}})
    why = audit.npm_unavailable({"message": "405 Method Not Allowed - POST .../bulk"})
    assert "405" in why
    assert audit.npm_unavailable(NPM_AUDIT_REPORT) == ""


def test_pypi_project_json_audits_only_its_newest_release():
    project = {
        "info": {"version": "2.4.6"},
        "vulnerabilities": [
            {"id": "PYSEC-2026-9", "aliases": ["CVE-2026-9"], "fixed_in": ["2.4.7"]},
            {"id": "PYSEC-2020-1", "aliases": [], "fixed_in": [], "withdrawn": "2021-01-01"},
        ],
    }
    found = audit.pypi_project_findings("numpy", "2.4.6", project)
    assert [(f.id, f.aliases, f.fix_versions) for f in found] == [
        ("PYSEC-2026-9", ("CVE-2026-9",), ("2.4.7",))
    ]
    assert audit.pypi_project_findings("numpy", "2.3.0", project) is None  # not audited


def _main(monkeypatch, tmp_path, capsys, *, allow_list: str, python=(), not_audited=(), argv=()):
    listed = tmp_path / "known-vulnerabilities.toml"
    listed.write_text(allow_list)
    monkeypatch.setattr(audit, "ALLOW_LIST", listed)
    monkeypatch.setattr(audit, "audit_python", lambda out: (list(python), list(not_audited)))
    monkeypatch.setattr(audit, "audit_npm", lambda: ([], []))
    monkeypatch.setattr(audit, "write_sboms", lambda out: None)
    monkeypatch.delenv("BOROUGH_REQUIRE_DEPENDENCY_AUDIT", raising=False)
    status = audit.main(["--out", str(tmp_path / "sbom"), *argv])
    return status, capsys.readouterr()


def test_the_check_fails_on_an_unlisted_vulnerability_and_passes_once_listed(
    monkeypatch, tmp_path, capsys
):
    findings, _ = audit.python_findings(PIP_AUDIT_REPORT)
    status, output = _main(monkeypatch, tmp_path, capsys, allow_list="", python=findings)
    assert status == 1
    assert "VULNERABLE: python django 5.2.1: PYSEC-2025-1" in output.out
    entries = "".join(
        f'[[vulnerability]]\nid = "{f.id}"\nreason = "Reviewed: not reachable."\n'
        "review_by = 2099-01-01\n\n"
        for f in findings
    )
    status, output = _main(monkeypatch, tmp_path, capsys, allow_list=entries, python=findings)
    assert status == 0 and "Dependency audit: passed" in output.out


def test_a_registry_out_of_reach_fails_with_a_clear_message(monkeypatch, tmp_path, capsys):
    def offline(out):
        raise audit.AuditFailed("PyPI could not be reached (timed out): the audit did not run")

    monkeypatch.setattr(audit, "ALLOW_LIST", tmp_path / "none.toml")
    monkeypatch.setattr(audit, "audit_python", offline)
    assert audit.main(["--out", str(tmp_path / "sbom")]) == 1
    assert "PyPI could not be reached" in capsys.readouterr().err


def test_packages_not_audited_are_listed_and_fail_when_the_audit_is_required(
    monkeypatch, tmp_path, capsys
):
    status, output = _main(
        monkeypatch, tmp_path, capsys, allow_list="", not_audited=["python django 5.2.20"]
    )
    assert status == 0 and "not audited: python django 5.2.20" in output.out
    status, output = _main(
        monkeypatch,
        tmp_path,
        capsys,
        allow_list="",
        not_audited=["python django 5.2.20"],
        argv=["--require-audit"],
    )
    assert status == 1 and "every package must be audited" in output.out


def test_the_projects_allow_list_is_valid():
    allowances = audit.load_allow_list(audit.ALLOW_LIST.read_text())
    problems = [audit.allowance_problem(a, dt.date.today()) for a in allowances]
    assert not any(problems), problems


def test_pip_audit_report_without_output_fails_clearly(monkeypatch, tmp_path):
    class Done:
        stderr = "ConnectionError: HTTPSConnectionPool(host='pypi.org'): Max retries exceeded\n"

    monkeypatch.setattr(audit, "_run", lambda command, **kwargs: Done())
    with pytest.raises(audit.AuditFailed, match="is PyPI reachable.*Max retries"):
        audit.run_pip_audit(tmp_path)
    (tmp_path / "pip-audit.json").write_text(json.dumps(PIP_AUDIT_REPORT))
    assert audit.run_pip_audit(tmp_path)["dependencies"][0]["name"] == "django"
