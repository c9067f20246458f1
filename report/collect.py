"""Collect the numbers a report is made of: the task runs, the baselines and the experiments, made now or read
from a build's work folder; and what page 1 says about the build (date, machine, commit).

report/build.py calls these in order; report/sections.py writes them out.
"""

import datetime
import os
import subprocess
import sys
import time

from experiments.registry import NAMES
from kit import baselines
from kit.jsonfile import read_json, write_json
from kit.results import git_commit, machine, run_tasks
from kit.runs import headless_env, saved_runs
from kit.scripts import REPO

TASKS = ("task1", "task2")


# ---------------------------------------------------------------------------------------------
# Step 0: what the first page says about this build
# ---------------------------------------------------------------------------------------------
def describe_build(args):
    """Date, machine, commit and command of this build; with --from-work, the commit of the runs too."""
    build = {"date": datetime.date.today().isoformat(), "machine": machine(), "runs": args.runs,
             "quick": args.quick, "commit": git_commit(), "layout_note": ""}
    if args.from_work:
        previous = os.path.splitext(args.out)[0] + ".json"
        runs_commit = read_json(previous)["commit"] if os.path.exists(previous) else "unknown"
        build["layout_note"] = (f" Laid out again from that build's saved runs by `--from-work` at commit "
                                f"{build['commit']}.")
        build["commit"] = runs_commit
        build["runs"] = len(saved_runs(args.work, "task1"))
    return build


# ---------------------------------------------------------------------------------------------
# Step 1: the task runs
# ---------------------------------------------------------------------------------------------
def collect_task_runs(args):
    """{task: [metrics of each run, with its folder]}: made now, or read from --work."""
    if args.from_work:
        return {task: saved_runs(args.work, task) for task in TASKS}
    return run_tasks(TASKS, args.runs, args.work)


# ---------------------------------------------------------------------------------------------
# Step 2: the baselines
# ---------------------------------------------------------------------------------------------
def collect_baselines(args, build, digits_only_runs):
    """The baselines: fitted now and kept in <work>/baselines.json with the commit they were fitted at, or with
    --from-work read from there (fitted now when that build kept none); page 1 says when they are not of the
    runs' commit."""
    kept = os.path.join(args.work, "baselines.json")
    if args.from_work and os.path.exists(kept):
        saved = read_json(kept)
    else:
        saved = {"commit": git_commit(), "baselines": baselines.fit_all(digits_only_runs, quick=args.quick)}
        write_json(kept, saved)
    if saved["commit"] != build["commit"]:
        build["layout_note"] += f" Baselines fitted at commit {saved['commit']} (the runs' build did not keep its own)."
    return saved["baselines"]


# ---------------------------------------------------------------------------------------------
# Step 3: the experiments
# ---------------------------------------------------------------------------------------------
def collect_experiments(args):
    """{name: its metrics JSON and run time} for every experiment: run now in <work>/experiments, or read
    from there (the run times are kept in <work>/experiments/seconds.json)."""
    folder = os.path.join(args.work, "experiments")
    names = NAMES  # experiments/registry.py: reading order, each after the ones it needs
    timings = os.path.join(folder, "seconds.json")
    if not args.from_work:
        os.makedirs(folder, exist_ok=True)
        write_json(timings, {name: run_experiment(name, folder, args.quick) for name in names})
    seconds = read_json(timings) if os.path.exists(timings) else {}
    found = {name: os.path.join(folder, "figures", f"{name}_metrics.json") for name in names}
    return {name: dict(read_json(path), folder=os.path.join(folder, "figures"), seconds=seconds.get(name))
            for name, path in found.items() if os.path.exists(path)}


def experiment_seconds(experiments):
    """{name: seconds of its run} for the experiments that were timed (a work folder may have kept no timings)."""
    return {name: e["seconds"] for name, e in experiments.items() if e.get("seconds")}


def run_experiment(name, folder, quick):
    """Run experiments/<name>.py with `folder` as its working folder; its wall time in seconds. Stops the
    build if it fails."""
    print(f"experiment {name}{' (quick)' if quick else ''} ...", flush=True)
    command = [sys.executable, os.path.join(REPO, "experiments", f"{name}.py")] + (["--quick"] if quick else [])
    start = time.time()
    done = subprocess.run(command, cwd=folder, env=headless_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"experiments/{name}.py failed:\n{done.stderr[-3000:]}")
    return time.time() - start
