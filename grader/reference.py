"""Speed ranked fairly across machines: each graded folder times a reference script on its machine, in the
same conditions as the students' runs (the same sandbox, probe and limits), and each row's wall time is
read against it.

Wall times from different machines, or from --jobs 2 on 2 cores, do not compare; their ratio to the same
program timed beside them does. The reference is the kit's task1.py unless grade.py is told another
(--reference), and is timed once per output folder (kept in <out>/reference.json, reused by a later call
into the same folder). A row's speed_vs_reference is its wall time over its folder's reference time, so it
survives --collect from several machines.
"""

import datetime
import os
import platform

from grader.grading import grade_task
from kit.jsonfile import read_json, write_json

KIT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT = os.path.join(KIT, "task1.py")  # the kit's own task 1: what a good submission costs


def timed(out, script, data, starter, limits):
    """The reference's wall time in seconds for this folder: read from <out>/reference.json, else measured
    now (one graded run of `script` as task 1) and kept there. None where it did not run to its end."""
    path = os.path.join(out, "reference.json")
    if os.path.isfile(path):
        return read_json(path)["wall_s"]
    record = grade_task(script, "task1", data, os.path.join(starter, "task1.py"), limits)
    if not record.checks.get("crashed") or not record.checks["crashed"].ok:
        print(f"warning: the speed reference {script} did not run to its end: speed_vs_reference stays empty")
        return None
    os.makedirs(out, exist_ok=True)
    write_json(path, {"script": os.path.abspath(script), "wall_s": record.wall_s, "machine": platform.node(),
                      "cpus": os.cpu_count(), "date": datetime.datetime.now().isoformat(timespec="seconds")})
    return record.wall_s
