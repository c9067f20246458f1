"""Benchmark of the grader: its overhead on task1.py, and a class of 20 submissions graded with --jobs 1 and 2.

    python bench/marking.py --pairs 3 --jobs 1 2
    python bench/marking.py --pairs 0 --jobs --slurm     # the class through Slurm (SLURM_CONF set)

Overhead: task1.py run alone (a whole headless process, kit.runs.run_task) and graded
(grader.judging.grading.grade_task: sandbox, probe, measurement), alternating, back to back. The class is
bench/sample_class.py: the kit's two solutions and 18 edited copies; each --jobs value grades all
of it afresh with `python grade.py`, and the problems it finds are checked against the ones each
edit should cause. Prints Markdown for the README and writes build/grader_bench.json and
build/grader_bench/jobsN/ (the graded class: open its index.html).
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench.sample_class import make_class
from grader.judging import sandbox
from grader.judging.grading import grade_task
from kit.jsonfile import write_json
from kit.results import machine
from kit.runs import headless_env, run_task
from kit.scripts import REPO


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="plain and graded runs of task1.py, alternating")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="--jobs values to grade the class with")
    parser.add_argument("--slurm", action="store_true",
                        help="also grade the class with grade.py --slurm --reference none (a cluster must answer)")
    args = parser.parse_args()

    overhead = measure_overhead(args.pairs)
    batches = [grade_class(jobs) for jobs in args.jobs]
    if args.slurm:
        batches.append(grade_class("slurm", ["--slurm", "--reference", "none"]))

    print(f"\nGrader benchmark on {machine()}, bubblewrap {'used' if sandbox.bwrap() else 'NOT installed'}:\n")
    if args.pairs:
        plain, graded = statistics.median(overhead["plain"]), statistics.median(overhead["graded"])
        print(f"- task1.py alone, median of {args.pairs}: {plain:.1f} s; graded: {graded:.1f} s; "
              f"ratio {graded / plain:.2f}")
    for b in batches:
        how = "through Slurm" if b["jobs"] == "slurm" else f"with --jobs {b['jobs']}"
        print(f"- 20 submissions {how}: {b['wall_s'] / 60:.1f} min; "
              f"problems as expected in {b['as_expected']} of {b['rows']} rows")
        for miss in b["unexpected"]:
            print(f"  - {miss}")
    os.makedirs(os.path.join(REPO, "build"), exist_ok=True)
    write_json(os.path.join(REPO, "build", "grader_bench.json"),
               {"machine": machine(), "overhead": overhead, "batches": batches})


def measure_overhead(pairs):
    """Wall times of task1.py alone and graded, alternating."""
    times = {"plain": [], "graded": []}
    with tempfile.TemporaryDirectory() as work:
        for i in range(pairs):
            for way in ("plain", "graded") if i % 2 == 0 else ("graded", "plain"):
                folder = os.path.join(work, f"{way}-{i}")
                if way == "plain":
                    times[way].append(run_task("task1.py", folder)["wall_s"])
                else:
                    record = grade_task(os.path.join(REPO, "task1.py"), "task1", REPO,
                                        os.path.join(REPO, "starter", "task1.py"))
                    times[way].append(record.wall_s)
                print(f"{way} run {i + 1}: {times[way][-1]:.1f} s", flush=True)
    return times


def grade_class(jobs, extra=()):
    """Grade the sample class with `python grade.py --jobs N` (or `extra` options); its wall time and how the
    problems compare."""
    out = os.path.join(REPO, "build", "grader_bench", f"jobs{jobs}")  # kept: open its index.html
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as work:
        expected = make_class(os.path.join(work, "class"))
        start = time.time()
        options = list(extra) or ["--jobs", str(jobs)]
        subprocess.run([sys.executable, os.path.join(REPO, "grade.py"), os.path.join(work, "class"), "--out", out,
                        *options], env=headless_env(), check=True)
        wall = time.time() - start
        with open(os.path.join(out, "grades.csv")) as f:
            rows = {(r["student"], r["task"]): r for r in csv.DictReader(f)}
    unexpected = []
    for key, problems in expected.items():
        found = [p for p in rows[key]["problems"].split(";") if p]
        if found != problems:
            unexpected.append(f"{key[0]} {key[1]}: expected {problems or 'valid'}, found {found or 'valid'}")
    return {"jobs": jobs, "wall_s": wall, "rows": len(expected), "as_expected": len(expected) - len(unexpected),
            "unexpected": unexpected, "grades": list(rows.values())}


if __name__ == "__main__":
    main()
