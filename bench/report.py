"""Write bench/results.md from the figures in var/bench/*.json: `python -m bench.report`.

The measured sections are regenerated; the prose at the top of results.md between the
`<!-- analysis -->` markers (what each change bought, what limits the misses) is kept.
"""

import json
import platform
import re
import subprocess

from bench.common import OUT, ROOT

RESULTS = ROOT / "bench" / "results.md"
SECTIONS = [
    ("run", "Building the data"),
    ("api", "1. API lists under load (gunicorn, wrk)"),
    ("api_uncached", "1b. API lists uncached, every request built (API_CACHE_SECONDS=0)"),
    ("api_cpu", "1c. CPU per API request, uncached and cached (Django test client)"),
    ("sweep_100k", "2a. Reminder sweep, 100,000 actions"),
    ("sweep_1m", "2b. Reminder sweep, 1,000,000 actions"),
    ("importer", "3. Importer"),
    ("pages", "4. Pages of the largest committee"),
    ("reliability_run_full", "Reliability scenarios, full size"),
    ("reliability_run_small", "Reliability scenarios, small size (the normal test suite)"),
]


def cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def verdict(passed) -> str:
    return "" if passed is None else ("**pass**" if passed else "**MISS**")


def main():
    parts = {p.stem: json.loads(p.read_text()) for p in sorted(OUT.glob("*.json"))}
    old = RESULTS.read_text() if RESULTS.exists() else ""
    match = re.search(r"<!-- analysis -->.*?<!-- /analysis -->", old, re.S)
    analysis = match.group(0) if match else "<!-- analysis -->\n<!-- /analysis -->"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "# Benchmarks and reliability: results",
        "",
        f"Measured on this machine ({platform.processor() or platform.machine()}, "
        f"{__import__('os').cpu_count()} cores, PostgreSQL and Redis local), commit {commit}. "
        "Reproduce everything with `make bench` (about 30 minutes); each figure names the command "
        "that produced it. Regenerate this file from the last run with `.venv/bin/python -m bench.report`.",
        "",
        analysis,
        "",
    ]
    for key, title in SECTIONS:
        data = parts.get(key)
        if not data:
            continue
        lines += [f"## {title}", "", f"Command: `{data['command']}`", ""]
        if data["rows"]:
            lines += [
                "| figure | value | target | result | notes | command |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for row in data["rows"]:
                command = "" if row["command"] == data["command"] else f"`{row['command']}`"
                lines.append(
                    f"| {cell(row['name'])} | {cell(row['value'])} {cell(row['unit'])} | {cell(row['target'])} "
                    f"| {verdict(row['passed'])} | {cell(row['note'])} | {command} |"
                )
            lines.append("")
        plans = [n for n in data["notes"] if "\n" in n]
        for note in data["notes"]:
            if "\n" not in note:
                lines.append(f"- {note}")
        lines.append("")
        for note in plans:
            head, _, body = note.partition("\n")
            lines += [
                f"<details><summary>{head}</summary>",
                "",
                "```",
                body,
                "```",
                "",
                "</details>",
                "",
            ]
    for scale in ("full", "small"):
        data = parts.get(f"reliability_{scale}")
        if data:
            lines += [
                f"### Reliability figures, {scale} size",
                "",
                "| scenario | figures |",
                "| --- | --- |",
            ]
            for name, figures in data.items():
                lines.append(
                    f"| {name} | {cell(', '.join(f'{k} {v}' for k, v in figures.items()))} |"
                )
            lines.append("")
    RESULTS.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
