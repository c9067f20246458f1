"""Build the zip to upload as Gradescope's autograder: setup.sh and run_autograder at its top, and the files
grade.py needs beside them (they land in /autograder/source).

    python gradescope/build_zip.py            # -> build/gradescope-autograder.zip
"""

import argparse
import os
import subprocess
import zipfile

from kit.scripts import REPO

HERE = os.path.dirname(os.path.abspath(__file__))
# What grading needs and nothing else: the command, the grader and its plumbing (kit/), the starters, the data,
# the reference script and the grader's one install file. grade.py runs from this folder, so its packages need
# no install. Not the report, the experiments, the benchmarks, the docs or the tests.
NEEDED = ("grade.py", "grader/", "kit/", "starter/", "dataset.txt", "test.txt", "task1.py", "task2.py",
          "requirements.txt", "requirements-grader.txt")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "build", "gradescope-autograder.zip"))
    args = parser.parse_args()
    files = kit_files()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16  # executable once unzipped
            with open(os.path.join(HERE, name), "rb") as f:
                z.writestr(info, f.read())
        for path in files:
            z.write(os.path.join(REPO, path), path)
    print(f"wrote {args.out}: setup.sh, run_autograder and {len(files)} files of the kit")


def kit_files():
    """The files git tracks among NEEDED (so nothing built or cached slips in)."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [p for p in tracked.split() if p.startswith(NEEDED) or p in NEEDED]


if __name__ == "__main__":
    main()
