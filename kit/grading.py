"""Grade one task script of one student: read its source, run it isolated, measure it, list what is wrong.

`grade_task` returns a record: every check with its evidence, the numbers the grader measured,
the numbers the script printed, the capped output and the HTML diff for the marker. grade.py
runs it for a whole class; the kit's tests run it on the kit's own solutions.
"""

import ast
import json
import os
import re
import shutil
import tempfile

from kit import rules, sandbox

KIT = os.path.dirname(os.path.abspath(__file__))
TIME_LIMIT_S = 600  # the assignment: at most 10 minutes on a CPU
THOUGHT_VECTOR_UNITS = 256  # the assignment: exactly 256 tanh units
MISMATCH_POINTS = 0.01  # printed and measured accuracy may differ by rounding, not more

# Every problem a row can show, in the order they are checked, and what each means.
PROBLEMS = {
    "missing": "the task file is not in the submission",
    "syntax": "the file is not valid Python",
    "imports": "imports something other than TensorFlow/Keras, NumPy, Matplotlib, scikit-learn or the standard library",
    "evaluation-changed": "the evaluation block is not byte for byte the provided one",
    "seed": "sets a random seed (in the source or at run time)",
    "test-before-training": "test.txt was opened before the last fit() returned",
    "other-data": "read data or weights from a file other than dataset.txt, test.txt or what the run wrote",
    "thought-vector": "the thought vector is not exactly 256 tanh units in a layer named thought_vector",
    "output-activation": "the image output is not sigmoid (task 2: or the digit output not softmax)",
    "classifier-path": "the digit classifier sees the image other than through the thought vector",
    "over-time": "killed at the time limit",
    "memory": "killed at the memory limit",
    "crashed": "exited with an error or before the evaluation",
    "score-mismatch": "printed accuracy differs from the grader's measurement by more than 0.01 points",
}


def grade_task(script, task, data_dir, starter, timeout=TIME_LIMIT_S, memory_gib=4.0, sandboxed=None, keep=None):
    """Grade `script` (a path, possibly missing) as `task` against the starter file `starter`.

    data_dir holds dataset.txt and test.txt; `sandboxed` None means "if bubblewrap is installed";
    `keep` is a folder to copy the run folder to (its figures), or None.
    """
    sandboxed = sandbox.bwrap() is not None if sandboxed is None else sandboxed
    record = {"task": task, "checks": {}, "measured": {}, "printed": {}, "sandboxed": sandboxed,
              "changed_lines": None, "wall_s": None, "log": "", "diff_html": ""}
    name = f"{task}.py"
    if not os.path.isfile(script):
        record["checks"]["missing"] = failed(f"no {name} in the submission")
        return finish(record)
    record["checks"]["missing"] = passed(f"{name} found")
    with open(script, encoding="utf-8", errors="replace") as f:
        text = f.read()
    with open(starter, encoding="utf-8") as f:
        provided = f.read().splitlines()
    check_source(record, text, provided, name, os.path.relpath(starter))
    if record["checks"]["syntax"]["ok"]:
        run_and_check(record, text, task, data_dir, timeout, memory_gib, sandboxed, keep)
    return finish(record)


def passed(evidence):
    return {"ok": True, "evidence": evidence}


def failed(evidence):
    return {"ok": False, "evidence": evidence}


def finish(record):
    """The problem codes (in PROBLEMS order) and validity, from the checks."""
    record["problems"] = [code for code in PROBLEMS if code in record["checks"] and not record["checks"][code]["ok"]]
    record["valid"] = not record["problems"]
    return record


# ---- the source ------------------------------------------------------------------------------
def check_source(record, text, provided, name, starter_name):
    checks, lines = record["checks"], text.splitlines()
    error = rules.syntax_error(text, name)
    checks["syntax"] = failed(error) if error else passed("parses")
    changes = rules.changes_outside_todo_blocks(provided, lines)
    record["changed_lines"] = changes[0]
    record["diff_html"] = rules.diff_html(provided, lines, starter_name, name, changes)
    change = rules.evaluation_change(provided, lines, name)
    checks["evaluation-changed"] = failed(change) if change else passed("identical to the starter's")
    if error:
        return
    tree = ast.parse(text)
    imports = rules.disallowed_imports(tree, name)
    checks["imports"] = failed("; ".join(imports)) if imports else passed("only allowed modules")
    seeds = rules.seeds_in_source(tree, name)
    checks["seed"] = failed("; ".join(seeds)) if seeds else passed("none in the source")


# ---- the run ---------------------------------------------------------------------------------
def run_and_check(record, text, task, data_dir, timeout, memory_gib, sandboxed, keep):
    """Run the script in a fresh folder under the probe; check what was seen and measured."""
    run_folder = tempfile.mkdtemp(prefix=f"grade-{task}-")
    try:
        with open(os.path.join(run_folder, f"{task}.py"), "w", encoding="utf-8") as f:
            f.write(text)
        for data in ("dataset.txt", "test.txt"):
            shutil.copy(os.path.join(data_dir, data), run_folder)
        inside = sandbox.INSIDE if sandboxed else run_folder
        with tempfile.TemporaryFile() as report:
            argv = ["-m", "kit.probe", task, f"{inside}/{task}.py", f"{inside}/test.txt"]
            extra = {"GRADER_REPORT_FD": str(report.fileno())}
            command, cwd, env = sandbox.command(run_folder, KIT, argv, sandboxed, extra)
            run = sandbox.run_limited(command, cwd, env, timeout, memory_gib * 2**30, pass_fds=(report.fileno(),))
            report.seek(0)
            seen = report.read().decode("utf-8", errors="replace")
        if keep:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(run_folder, keep, ignore=shutil.ignore_patterns(".home"))
    finally:
        shutil.rmtree(run_folder, ignore_errors=True)
    record.update(wall_s=run["wall_s"], log=run["output"], exit_status=run["status"],
                  peak_rss_gib=run["peak_rss_bytes"] / 2**30, output_bytes=run["output_bytes"])
    record["printed"] = printed(run["output"])
    check_run(record, run, seen, task, timeout, memory_gib)


def printed(output):
    """The result lines the script printed (the last of each), as numbers."""
    found = {}
    for key, pattern in (("pixel_accuracy", r"pixel accuracy: ([\d.]+)%"),
                         ("digit_accuracy", r"digit accuracy: ([\d.]+)%"),
                         ("duration_s", r"duration: ([\d.]+) s"), ("parameters", r"parameters: ([\d,]+)")):
        values = re.findall(rf"^{pattern}\s*$", output, flags=re.M)
        if values:
            found[key] = float(values[-1].replace(",", ""))
    if "pixel_accuracy" in found:
        found["pixel_accuracy"] /= 100
    if "digit_accuracy" in found:
        found["digit_accuracy"] /= 100
    return found


def check_run(record, run, seen, task, timeout, memory_gib):
    checks = record["checks"]
    if run["killed"] == "time":
        checks["over-time"] = failed(f"killed after {run['wall_s']:.0f} s (limit {timeout:g} s)")
    else:
        checks["over-time"] = passed(f"ended after {run['wall_s']:.1f} s")
    if run["killed"] == "memory":
        peak = run["peak_rss_bytes"] / 2**30
        checks["memory"] = failed(f"killed at {peak:.2f} GiB resident (limit {memory_gib:g} GiB)")
    else:
        checks["memory"] = passed(f"peak {run['peak_rss_bytes'] / 2**30:.2f} GiB resident")
    facts = parse_report(seen)
    if run["killed"]:
        return
    if facts is None:
        checks["crashed"] = failed(f"exit status {run['status']}, and the process ended before the grader's report")
        return
    finished = "models" in facts
    if run["status"] != 0 or not finished:
        checks["crashed"] = failed(f"exit status {run['status']}: {facts['outcome']}")
    else:
        checks["crashed"] = passed(f"exit status 0, {facts['outcome']}")
    events = facts["events"]
    record["events"] = events
    seeds = [e for e in events if e.startswith("seed ")]
    if seeds:
        source = checks["seed"]["evidence"] if not checks["seed"]["ok"] else ""
        checks["seed"] = failed("; ".join(filter(None, [source, "at run time: " + ", ".join(sorted(set(seeds)))])))
    check_test_order(checks, events)
    reads = facts["other_reads"]
    if reads:
        checks["other-data"] = failed("read " + ", ".join(reads[:10]))
    else:
        checks["other-data"] = passed("only dataset.txt, test.txt and its own files")
    if finished:
        record["models"] = facts["models"]
        check_models(checks, facts["models"], task)
        check_scores(record, facts["measured"], task)


def parse_report(seen):
    """The probe's JSON report, or None if the process never wrote one."""
    try:
        return json.loads(seen) if seen.strip() else None
    except ValueError:
        return None


def check_test_order(checks, events):
    if "open test.txt" not in events:
        checks["test-before-training"] = passed("test.txt never opened by the script")
        return
    first_test = events.index("open test.txt")
    if "fit end" not in events:
        checks["test-before-training"] = passed("no Keras fit() seen; test.txt opened at event "
                                                f"{first_test + 1} of {len(events)}")
        return
    last_fit = len(events) - 1 - events[::-1].index("fit end")
    if first_test < last_fit:
        checks["test-before-training"] = failed(f"events: {', '.join(events[: last_fit + 1])}")
    else:
        checks["test-before-training"] = passed("test.txt first opened after the last fit() returned")


def check_models(checks, models, task):
    units, act = models.get("thought_vector_units"), models.get("thought_vector_activation")
    shape = models.get("encoder_output_shape")
    if not models.get("has_encoder"):
        checks["thought-vector"] = failed("no Keras model named `encoder` in the script")
    elif units == THOUGHT_VECTOR_UNITS and act == "tanh" and shape == [THOUGHT_VECTOR_UNITS]:
        checks["thought-vector"] = passed("layer thought_vector: 256 units, tanh; encoder output (256,)")
    else:
        checks["thought-vector"] = failed(f"layer thought_vector: {units} units, activation {act}; "
                                          f"encoder output {tuple(shape) if shape else shape}")
    outputs = [f"decoder ends in {models.get('decoder_activation')}" if models.get("has_decoder")
               else "no Keras model named `decoder`"]
    ok = models.get("decoder_activation") == "sigmoid"
    if task == "task2":
        outputs.append(f"digit output {models.get('digit_activation')}")
        ok = ok and models.get("digit_activation") == "softmax"
        skips = models.get("digit_skips_thought_vector")
        if skips is None:
            checks["classifier-path"] = failed("no `model` with a `digit` output to follow")
        elif skips:
            checks["classifier-path"] = failed("a path from the image reaches the digit output "
                                               "without the thought vector")
        else:
            checks["classifier-path"] = passed("every path from the image to the digit output "
                                               "passes the thought vector")
    checks["output-activation"] = passed("; ".join(outputs)) if ok else failed("; ".join(outputs))


def check_scores(record, measured, task):
    """Printed against measured accuracy; the measured numbers go in the record."""
    record["measured"] = measured
    if "error" in measured:
        record["checks"]["score-mismatch"] = failed(f"the grader could not measure: {measured['error']}")
        return
    keys = ["pixel_accuracy"] + (["digit_accuracy"] if task == "task2" else [])
    gaps = []
    for key in keys:
        label = key.replace("_", " ")
        if key not in measured:
            gaps.append(f"the grader found no output to measure the {label} on")
        elif key not in record["printed"]:
            gaps.append(f"no '{label}:' line printed (measured {measured[key]:.2%})")
        elif abs(record["printed"][key] - measured[key]) * 100 > MISMATCH_POINTS:
            gaps.append(f"{label}: printed {record['printed'][key]:.2%}, measured {measured[key]:.2%}")
    if gaps:
        record["checks"]["score-mismatch"] = failed("; ".join(gaps))
    else:
        record["checks"]["score-mismatch"] = passed(", ".join(f"{k.replace('_', ' ')} {measured[k]:.2%}" for k in keys)
                                                    + " printed and measured alike")
