"""`make audit`: pip-audit over the installed environment, said plainly (docs/deployment.md,
"Dependency audit").

pip-audit reports "No known vulnerabilities found" and exits 0 even when it reached no
vulnerability database and skipped every package ("could not be audited"). This wrapper
counts what was really audited: it lists the vulnerabilities found (exit 1), says how many
packages could not be audited, and with --strict (a deployment that can reach PyPI's or
OSV's database) fails (exit 2) when any could not be, so a run that proved nothing cannot
pass for a clean one.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--strict", action="store_true", help="fail unless every package was audited"
    )
    parser.add_argument(
        "--service", default="pypi", choices=["pypi", "osv"], help="vulnerability database"
    )
    parser.add_argument("--output", type=Path, default=Path("var/audit.json"))
    args = parser.parse_args()
    # -l: this virtualenv's packages only; --skip-editable: MesoPlan itself is not on PyPI.
    command = [str(PIP_AUDIT), "-l", "--skip-editable", "-s", args.service, "-f", "json"]
    command += ["--progress-spinner", "off"]
    result = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        print(f"pip-audit gave no report (exit {result.returncode}): {last[0]}")
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")

    lines, code = summary(report, service=args.service, strict=args.strict)
    print("\n".join(lines))
    print(f"Report: {args.output}")
    return code


def summary(report: dict, *, service: str, strict: bool) -> tuple[list[str], int]:
    """The lines to print and the exit status for pip-audit's JSON report."""
    dependencies = report["dependencies"]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    lines = []
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
    audited = len(dependencies) - len(skipped)
    lines.append(
        f"pip-audit ({service}): {audited} of {len(dependencies)} packages audited, "
        f"{len(vulnerable)} with known vulnerabilities."
    )
    if skipped:
        lines.append(
            f"{len(skipped)} packages could not be audited, e.g. {skipped[0]['name']}: "
            f"{skipped[0]['skip_reason']}"
        )
        if len(skipped) == len(dependencies):
            lines.append("No vulnerability database was reachable: this run proves nothing.")
    if vulnerable:
        return lines, 1
    return lines, 2 if skipped and strict else 0


if __name__ == "__main__":
    sys.exit(main())
