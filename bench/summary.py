"""`make bench`'s last step: one table of every bench script's results, with the goals, whether
each is met, the date and the machine.

Each bench script (bench/certificates.py, bench/pages.py, bench/imports.py, bench/logins.py)
writes its results as JSON to var/bench/<name>.json: a list of rows, one per measure,

    {
      "measure": str,    # what was timed, e.g. "certificate job incl. signing, per cert"
      "ours_s": float,   # our time in seconds
      "peer": str,       # what it is compared with, e.g. "WeasyPrint one document + signing"
      "peer_s": float,   # the peer's time in seconds
      "ratio": float,    # for a "<=" goal: ours_s / peer_s (lower is better);
                         # for a ">=" goal: peer_s / ours_s (a speed-up, higher is better)
      "goal": str,       # "<= 1.2", ">= 1.8", "<= 1.0", ... (operator, space, number), or ""
                         # for a row that is shown but has no goal
      "met": bool,       # the ratio against the goal (true when there is no goal)
      "note": str,       # how it was measured: rounds, median or not, sizes, caveats
      "db": str,         # optional: "sqlite" or "postgresql", when the script chose one
    }

`results_write(name, rows)` below writes such a file (bench scripts run with bench/ first on
sys.path, so `from summary import results_write` works); it checks the keys and fills "met".
`make bench` touches var/bench/.run-started first; this summary reads only the JSON files
written after it, so results of an earlier run are not shown as this run's (without the
stamp, every file is read).
"""

import json
import os
import platform
import sys
from datetime import datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "var" / "bench"
STAMP = OUT / ".run-started"
KEYS = ("measure", "ours_s", "peer", "peer_s", "ratio", "goal", "met", "note")


def goal_met(ratio, goal):
    """Whether `ratio` meets `goal` ("<= 1.2", ">= 1.8"); an empty goal is always met."""
    if not goal:
        return True
    operator, limit = goal.split()
    return ratio <= float(limit) if operator == "<=" else ratio >= float(limit)


def results_write(name, rows):
    """Write `rows` (dicts with the keys above; "met" computed when missing) to
    var/bench/<name>.json and return the path."""
    OUT.mkdir(parents=True, exist_ok=True)
    checked = []
    for row in rows:
        row = dict(row)
        row.setdefault("met", goal_met(row["ratio"], row["goal"]))
        missing = [key for key in KEYS if key not in row]
        if missing:
            raise ValueError(f"{name}: a row lacks {missing}: {row}")
        checked.append(row)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(checked, indent=2, ensure_ascii=False) + "\n")
    return path


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def databases(rows):
    named = sorted({row["db"] for row in rows if row.get("db")})
    if named:
        return ", ".join(named)
    url = os.environ.get("DATABASE_URL", "")
    return url.split(":", 1)[0] if url else "sqlite (embedded default)"


def main():
    started = STAMP.stat().st_mtime if STAMP.exists() else 0
    files = sorted(p for p in OUT.glob("*.json") if p.stat().st_mtime >= started)
    if not files:
        raise SystemExit(f"no results in {OUT} from this run")
    rows = []
    for path in files:
        for row in json.loads(path.read_text()):
            rows.append({"script": path.stem, **row})
    print()
    print(
        f"Angkatan benchmarks, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
        f"{cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"DB: {databases(rows)}"
    )
    header = ("script", "measure", "ours s", "peer", "peer s", "ratio", "goal", "met")
    table = [
        (
            row["script"],
            row["measure"],
            f"{row['ours_s']:.3f}",
            row["peer"],
            f"{row['peer_s']:.3f}",
            f"{row['ratio']:.2f}",
            row["goal"] or "-",
            ("yes" if row["met"] else "NO") if row["goal"] else "-",
        )
        for row in rows
    ]
    widths = [max(len(str(line[i])) for line in (header, *table)) for i in range(len(header))]
    numeric = {2, 4, 5}
    for line in (header, *table):
        print(
            "  ".join(
                str(cell).rjust(width) if i in numeric else str(cell).ljust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
    notes = [(row["script"], row["measure"], row["note"]) for row in rows if row["note"]]
    if notes:
        print()
        for script, measure, note in notes:
            print(f"- {script} / {measure}: {note}")
    goals = [row for row in rows if row["goal"]]
    print()
    print(f"{sum(row['met'] for row in goals)} of {len(goals)} goals met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
