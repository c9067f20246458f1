"""Grade one task script of one student: read its source, run it isolated, measure it, list what is wrong.

`grade_task` is the submission's way in order: find the file, check its source, run it under the
probe, check what the run showed, and return a `Record` (grader/records.py) with every check and its
evidence, the measured and printed numbers, the capped output and the HTML diff for the marker.
grade.py runs it for a whole class; the kit's tests run it on the kit's own solutions.
"""

import ast
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from typing import Any

from grader.judging import rules, sandbox
from grader.judging.watch import TestFileWatch
from grader.records import PROBLEMS, Check, Limits, Numbers, Record

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe")  # all a sandbox sees of the grader
THOUGHT_VECTOR_UNITS = 256  # the assignment: exactly 256 tanh units
MISMATCH_POINTS = 0.01  # printed and measured accuracy may differ by rounding, not more


def grade_task(script: str, task: str, data_dir: str, starter: str, limits: Limits | None = None,
               keep: str | None = None) -> Record:
    """Grade `script` (a path, possibly missing) as `task` against the starter file `starter`.

    data_dir holds dataset.txt and test.txt; `limits` the run's (default: the assignment's); `keep` a folder
    to copy the run folder to (its figures), or None.
    """
    limits = limits or Limits()
    sandboxed = sandbox.bwrap() is not None if limits.sandboxed is None else limits.sandboxed
    name = f"{task}.py"
    if not os.path.isfile(script):
        return Record.missing(task, name, sandboxed)
    record = Record(task, sandboxed=sandboxed, checks={"missing": Check.passed(f"{name} found")})
    with open(script, encoding="utf-8", errors="replace") as f:
        text = f.read()
    with open(starter, encoding="utf-8") as f:
        provided = f.read().splitlines()
    record.sha256 = sha256_of(script)
    check_source(record, text, provided, name, os.path.relpath(starter))
    if not record.checks["syntax"].ok:
        record.reach_the_rest("the file is not valid Python: it never ran")
        return record
    outcomes = []
    for i in range(max(1, limits.runs)):  # each run in a fresh folder and sandbox
        one = replace(record, checks=dict(record.checks))
        run, seen = run_under_probe(text, task, data_dir, limits, sandboxed, keep if i == 0 else None)
        check_run(one, run, seen, limits)
        outcomes.append(one)
    return outcomes[0] if len(outcomes) == 1 else combined(outcomes)


def combined(outcomes: list[Record]) -> Record:
    """One record for several runs of the same file: a check fails if it failed in any run (its evidence names
    the runs), the numbers are the means, each run's numbers are kept in `runs`."""
    first, n = outcomes[0], len(outcomes)
    record = replace(first, checks={}, runs=[o.run_numbers() for o in outcomes])
    codes = [code for code in PROBLEMS if any(code in o.checks for o in outcomes)]
    for code in codes:
        failed = [(k, o.checks[code]) for k, o in enumerate(outcomes, 1) if code in o.checks and o.checks[code].failing]
        unseen = [(k, o.checks[code]) for k, o in enumerate(outcomes, 1)
                  if code in o.checks and o.checks[code].status == "not reached"]
        if failed:
            record.checks[code] = Check.failed("; ".join(f"run {k} of {n}: {c.evidence}" for k, c in failed))
        elif unseen:
            record.checks[code] = Check.not_reached("; ".join(f"run {k} of {n}: {c.evidence}" for k, c in unseen))
        else:
            record.checks[code] = Check.passed(next(o.checks[code] for o in outcomes if code in o.checks).evidence
                                               + f" (all {n} runs)")
    twins = identical_runs(outcomes)
    if twins:
        seed = record.checks.get("seed")
        earlier = seed.evidence if seed and seed.failing else ""
        said = f"runs {twins[0]} and {twins[1]} gave identical outputs (the test reconstructions, bit for bit)"
        record.checks["seed"] = Check.failed("; ".join(filter(None, [earlier, said])))
    record.measured = mean_numbers([o.measured for o in outcomes])
    record.printed = mean_numbers([o.printed for o in outcomes])
    record.wall_s = mean_of([o.wall_s for o in outcomes])
    record.log = "".join(f"==== run {k} of {n} ====\n{o.log}\n" for k, o in enumerate(outcomes, 1))
    return record


def identical_runs(outcomes: list[Record]) -> tuple[int, int] | None:
    """(k, l), 1-based, for the first two runs whose test reconstructions are identical bit for bit, or None:
    unseeded training never repeats itself, so this shows a seed that no reading of the source found."""
    seen: dict[str, int] = {}
    for k, outcome in enumerate(outcomes, 1):
        digest = outcome.measured.outputs_sha256
        if digest and digest in seen:
            return seen[digest], k
        if digest:
            seen[digest] = k
    return None


def mean_of(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(sum(present) / len(present)) if present else None


def mean_numbers(numbers: list[Numbers]) -> Numbers:
    """The mean of each number over the runs that have it; the parameter count and any error of the first."""
    return Numbers(mean_of([x.pixel_accuracy for x in numbers]), mean_of([x.digit_accuracy for x in numbers]),
                   mean_of([x.duration_s for x in numbers]),
                   parameters=next((x.parameters for x in numbers if x.parameters is not None), None),
                   error=next((x.error for x in numbers if x.error), None))


def sha256_of(path: str) -> str:
    """The SHA-256 of a file's bytes, or '' where there is none: a changed file is graded again."""
    if not os.path.isfile(path):
        return ""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# ---- the source ------------------------------------------------------------------------------
def check_source(record: Record, text: str, provided: list[str], name: str, starter_name: str) -> None:
    checks, lines = record.checks, text.splitlines()
    error = rules.syntax_error(text, name)
    checks["syntax"] = Check.failed(error) if error else Check.passed("parses")
    changes = rules.changes_outside_todo_blocks(provided, lines)
    record.changed_lines = changes[0]
    record.diff_html = rules.diff_html(provided, lines, starter_name, name, changes)
    change = rules.evaluation_change(provided, lines, name)
    checks["evaluation-changed"] = Check.failed(change) if change else Check.passed("identical to the starter's")
    if error:
        return
    tree = ast.parse(text)
    imports = rules.disallowed_imports(tree, name)
    checks["imports"] = Check.failed("; ".join(imports)) if imports else Check.passed("only allowed modules")
    seeds = rules.seeds_in_source(tree, name)
    checks["seed"] = Check.failed("; ".join(seeds)) if seeds else Check.passed("none in the source")


# ---- the run ---------------------------------------------------------------------------------
@dataclass
class ProbeReport:
    """What the probe (grader/judging/probe) wrote from inside the run: see its docstring."""

    events: list[str]
    other_reads: list[str]
    outcome: str
    models: dict | None = None  # present only when the script ran to its end
    measured: dict | None = None
    fit_ends: list[float] = field(default_factory=list)  # when each fit() returned (seconds since the epoch)
    test_opens: list[float] = field(default_factory=list)  # when the OS saw test.txt opened: set by the grader


def run_under_probe(text: str, task: str, data_dir: str, limits: Limits, sandboxed: bool,
                    keep: str | None) -> tuple[sandbox.Run, ProbeReport | None]:
    """Run the script in a fresh folder under the probe: (sandbox.Run, the probe's report or None)."""
    run_folder = tempfile.mkdtemp(prefix=f"grade-{task}-")
    try:
        with open(os.path.join(run_folder, f"{task}.py"), "w", encoding="utf-8") as f:
            f.write(text)
        for data in ("dataset.txt", "test.txt"):
            shutil.copy(os.path.join(data_dir, data), run_folder)
        inside = sandbox.INSIDE if sandboxed else run_folder
        with tempfile.TemporaryFile() as report:
            argv = ["-m", "probe", task, f"{inside}/{task}.py", f"{inside}/test.txt"]
            extra = {"GRADER_REPORT_FD": str(report.fileno())}
            command, cwd, env = sandbox.command(run_folder, PROBE, argv, sandboxed, extra)
            with TestFileWatch(run_folder) as watch:  # every open of test.txt, by any code in the run
                run = sandbox.run_limited(command, cwd, env, limits.timeout_s, limits.memory_gib * 2**30,
                                          pass_fds=(report.fileno(),))
            report.seek(0)
            seen = parse_report(report.read().decode("utf-8", errors="replace"))
            if seen is not None:
                seen.test_opens = watch.opens
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(run_folder, keep, ignore=shutil.ignore_patterns(".home"))
    finally:
        shutil.rmtree(run_folder, ignore_errors=True)
    return run, seen


def parse_report(seen: str) -> ProbeReport | None:
    """The probe's JSON report, or None if the process never wrote one."""
    try:
        return ProbeReport(**json.loads(seen)) if seen.strip() else None
    except (ValueError, TypeError):
        return None


def printed(output: str) -> Numbers:
    """The result lines the script printed (the last of each), as numbers."""
    found = {}
    for key, pattern in (("pixel_accuracy", r"pixel accuracy: ([\d.]+)%"),
                         ("digit_accuracy", r"digit accuracy: ([\d.]+)%"),
                         ("duration_s", r"duration: ([\d.]+) s"), ("parameters", r"parameters: ([\d,]+)")):
        values = re.findall(rf"^{pattern}\s*$", output, flags=re.M)
        if values:
            found[key] = float(values[-1].replace(",", ""))
    percent = {key: found[key] / 100 if key in found else None for key in ("pixel_accuracy", "digit_accuracy")}
    parameters = int(found["parameters"]) if "parameters" in found else None
    return Numbers(percent["pixel_accuracy"], percent["digit_accuracy"], found.get("duration_s"), parameters)


def check_run(record: Record, run: sandbox.Run, seen: ProbeReport | None, limits: Limits) -> None:
    """Record how the run ended and check what the probe saw: limits, crash, seeds, test order, data, models."""
    record.wall_s, record.log, record.exit_status = run.wall_s, run.output, run.status
    record.peak_rss_gib, record.output_bytes = run.peak_rss_bytes / 2**30, run.output_bytes
    record.printed = printed(run.output)
    checks = record.checks
    if run.killed == "time":
        checks["over-time"] = Check.failed(f"killed after {run.wall_s:.0f} s (limit {limits.timeout_s:g} s)")
    else:
        checks["over-time"] = Check.passed(f"ended after {run.wall_s:.1f} s")
    if run.killed == "memory":
        checks["memory"] = Check.failed(f"killed at {record.peak_rss_gib:.2f} GiB resident "
                                        f"(limit {limits.memory_gib:g} GiB)")
    else:
        checks["memory"] = Check.passed(f"peak {record.peak_rss_gib:.2f} GiB resident")
    if run.killed:
        record.reach_the_rest(f"the run was killed at the {run.killed} limit before this could be seen")
        return
    if seen is None:
        checks["crashed"] = Check.failed(f"exit status {run.status}, and the process ended before the grader's "
                                         "report")
        record.reach_the_rest("the process ended before the grader's report")
        return
    finished = seen.models is not None
    if run.status != 0 or not finished:
        checks["crashed"] = Check.failed(f"exit status {run.status}: {seen.outcome}")
    else:
        checks["crashed"] = Check.passed(f"exit status 0, {seen.outcome}")
    record.events = seen.events
    seeds = [e for e in seen.events if e.startswith("seed ")]
    if seeds:
        source = checks["seed"].evidence if not checks["seed"].ok else ""
        at_run_time = "at run time: " + ", ".join(sorted(set(seeds)))
        checks["seed"] = Check.failed("; ".join(filter(None, [source, at_run_time])))
    ended = "" if finished else f"the script ended {where_it_ended(run.output, record.task, seen)}"
    check_test_order(checks, seen.events, ended, test_opened_at(seen), fit_ended_at(seen))
    if seen.other_reads:
        checks["other-data"] = Check.failed("read " + ", ".join(seen.other_reads[:10]))
    elif ended:
        checks["other-data"] = Check.not_reached(f"{ended}: what it would have read later is unknown")
    else:
        checks["other-data"] = Check.passed("only dataset.txt, test.txt and its own files")
    if seen.models is not None:
        record.models = seen.models
        check_models(checks, seen.models, record.task)
        check_scores(record, seen.measured)
    else:
        record.reach_the_rest(f"{ended}, before its models could be inspected")


def where_it_ended(output: str, task: str, seen: ProbeReport) -> str:
    """Where a script that did not finish stopped, in words: 'at line 5 (ValueError) before training'."""
    lines = re.findall(rf'File "[^"]*{re.escape(task)}\.py", line (\d+)', output)
    how = f"at line {lines[-1]}" if lines else seen.outcome
    stage = ("before training" if "fit start" not in seen.events else
             "before its training ended" if "fit end" not in seen.events else "before its evaluation")
    return f"{how} {stage}"


def test_opened_at(seen: ProbeReport) -> float | None:
    """When test.txt was first opened by anything in the process, as the OS saw it (seconds since the epoch)."""
    return min(seen.test_opens) if seen.test_opens else None


def fit_ended_at(seen: ProbeReport) -> float | None:
    return seen.fit_ends[-1] if seen.fit_ends else None


def check_test_order(checks: dict[str, Check], events: list[str], ended: str = "", opened_at: float | None = None,
                     fit_end: float | None = None) -> None:
    """test.txt opened only after the last fit() returned: by Python's own open (the probe's audit hook, `events`)
    or by any code in the process, TensorFlow's readers and native libraries too (`opened_at`, the OS's first
    open of the file, against `fit_end`, when the last fit() returned)."""
    code = "test-before-training"
    python_first = "open test.txt" in events and "fit end" in events and events.index("open test.txt") < (
        len(events) - 1 - events[::-1].index("fit end"))
    if not python_first and opened_at is not None and fit_end is not None and opened_at < fit_end:
        checks[code] = Check.failed(f"test.txt opened {fit_end - opened_at:.1f} s before the last fit() returned "
                                    "(seen by the operating system: a read by any library counts)")
        return
    if "open test.txt" not in events:
        if ended and "fit end" not in events:
            checks[code] = Check.not_reached(f"{ended}: the test set was never due")
        else:
            checks[code] = Check.passed("test.txt never opened by the script")
        return
    first_test = events.index("open test.txt")
    if "fit end" not in events:
        checks[code] = Check.passed("no Keras fit() seen; test.txt opened at event "
                                    f"{first_test + 1} of {len(events)}")
        return
    last_fit = len(events) - 1 - events[::-1].index("fit end")
    if first_test < last_fit:
        checks[code] = Check.failed(f"events: {', '.join(events[: last_fit + 1])}")
    else:
        checks[code] = Check.passed("test.txt first opened after the last fit() returned")


def check_models(checks: dict[str, Check], models: dict[str, Any], task: str) -> None:
    units, act = models.get("thought_vector_units"), models.get("thought_vector_activation")
    shape = models.get("encoder_output_shape")
    if not models.get("has_encoder"):
        checks["thought-vector"] = Check.failed("no Keras model named `encoder` in the script")
    elif units == THOUGHT_VECTOR_UNITS and act == "tanh" and shape == [THOUGHT_VECTOR_UNITS]:
        checks["thought-vector"] = Check.passed("layer thought_vector: 256 units, tanh; encoder output (256,)")
    else:
        checks["thought-vector"] = Check.failed(f"layer thought_vector: {units} units, activation {act}; "
                                                f"encoder output {tuple(shape) if shape else shape}")
    outputs = [f"decoder ends in {models.get('decoder_activation')}" if models.get("has_decoder")
               else "no Keras model named `decoder`"]
    ok = models.get("decoder_activation") == "sigmoid"
    if task == "task2":
        outputs.append(f"digit output {models.get('digit_activation')}")
        ok = ok and models.get("digit_activation") == "softmax"
        skips = models.get("digit_skips_thought_vector")
        if skips is None:
            checks["classifier-path"] = Check.failed("no `model` with a `digit` output to follow")
        elif skips:
            checks["classifier-path"] = Check.failed("a path from the image reaches the digit output "
                                                     "without the thought vector")
        else:
            checks["classifier-path"] = Check.passed("every path from the image to the digit output "
                                                     "passes the thought vector")
    checks["output-activation"] = Check(ok, "; ".join(outputs))


def check_scores(record: Record, measured: dict[str, Any] | None) -> None:
    """Printed against measured accuracy; the measured numbers go in the record."""
    record.measured = Numbers.from_json(measured)
    if record.measured.error:
        record.checks["score-mismatch"] = Check.failed(f"the grader could not measure: {record.measured.error}")
        return
    keys = ["pixel_accuracy"] + (["digit_accuracy"] if record.task == "task2" else [])
    gaps, found = [], []
    for key in keys:
        label, value, shown = key.replace("_", " "), getattr(record.measured, key), getattr(record.printed, key)
        if value is None:
            gaps.append(f"the grader found no output to measure the {label} on")
        elif shown is None:
            gaps.append(f"no '{label}:' line printed (measured {value:.2%})")
        elif abs(shown - value) * 100 > MISMATCH_POINTS:
            gaps.append(f"{label}: printed {shown:.2%}, measured {value:.2%}")
        else:
            found.append(f"{label} {value:.2%}")
    if gaps:
        record.checks["score-mismatch"] = Check.failed("; ".join(gaps))
    else:
        record.checks["score-mismatch"] = Check.passed(", ".join(found) + " printed and measured alike")
