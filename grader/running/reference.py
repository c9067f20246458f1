"""Speed ranked fairly across machines: each graded folder times a reference script on its machine, in the
same conditions as the students' runs (the same sandbox, probe and limits), and each row's wall time is
read against it. Its runs' spread is the machine's noise in time: ranks treat times closer than that noise
allows as ties (grader/marking/marks.py).

Wall times from different machines, or from --jobs 2 on 2 cores, do not compare; their ratio to the same
program timed beside them does. The reference is the kit's task1.py unless grade.py is told another
(--reference), and is timed once per output folder (kept in <out>/reference.json, reused by a later call
into the same folder). A row's speed_vs_reference is its wall time over its folder's reference time, so it
survives --collect from several machines.
"""

import datetime
import logging
import os
import platform
import statistics
from dataclasses import dataclass, replace

from grader.judging.grading import grade_task
from grader.records import Limits
from kit.jsonfile import read_json, write_json
from kit.scripts import REPO

log = logging.getLogger("grader")
DEFAULT = os.path.join(REPO, "task1.py")  # the kit's own task 1: what a good submission costs


RUNS = 3  # runs of the reference: their spread is this machine's run-to-run noise in time, for fair ranks


@dataclass(frozen=True)
class Reference:
    """The reference's mean wall time on this machine, and the relative spread of its runs (sd over mean)."""

    wall_s: float
    noise: float


def timed(out: str, script: str, data: str, starter: str, limits: Limits) -> Reference | None:
    """The reference for this folder: read from <out>/reference.json, else measured now (RUNS graded runs of
    `script` as task 1) and kept there. None where it did not run to its end."""
    path = os.path.join(out, "reference.json")
    if os.path.isfile(path):
        kept = read_json(path)
        return Reference(kept["wall_s"], kept.get("noise", 0.0))
    record = grade_task(script, "task1", data, os.path.join(starter, "task1.py"), replace(limits, runs=RUNS))
    if not record.checks.get("crashed") or not record.checks["crashed"].ok:
        log.warning("the speed reference %s did not run to its end: speed_vs_reference stays empty", script)
        return None
    walls = [run["wall_s"] for run in record.runs] or [record.wall_s]
    noise = statistics.stdev(walls) / statistics.mean(walls) if len(walls) > 1 else 0.0
    os.makedirs(out, exist_ok=True)
    write_json(path, {"script": os.path.abspath(script), "wall_s": record.wall_s, "runs_wall_s": walls,
                      "noise": noise, "machine": platform.node(), "cpus": os.cpu_count(),
                      "date": datetime.datetime.now().isoformat(timespec="seconds")})
    return Reference(record.wall_s or 0.0, noise)
