#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Gradescope's "Autograder
# Specifications": setup.sh at the top of the uploaded zip, whose files land in /autograder/source).
set -euo pipefail
cd /autograder/source
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q -r requirements-grader.txt
