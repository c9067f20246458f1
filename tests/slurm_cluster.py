"""A one-node Slurm cluster on this machine for the tests: Debian's slurm-wlm and munge, a config written
into a temporary folder, the daemons started by hand and stopped by their pids."""

import os
import shutil
import socket
import subprocess
import time

import pytest

DAEMONS = ("munged", "slurmctld", "slurmd")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config(folder):
    """slurm.conf naming this machine as controller and only node, every file under `folder`."""
    host = socket.gethostname()
    memory_mb = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20 * 0.8)
    return f"""ClusterName=kit
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
AuthInfo=socket={folder}/munge.sock
CredType=cred/munge
StateSaveLocation={folder}/state
SlurmdSpoolDir={folder}/spool
SlurmctldPidFile={folder}/slurmctld.pid
SlurmdPidFile={folder}/slurmd.pid
SlurmctldLogFile={folder}/slurmctld.log
SlurmdLogFile={folder}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
NodeName={host} CPUs={os.cpu_count()} RealMemory={memory_mb} State=UNKNOWN
PartitionName=kit Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def start(folder):
    """Start munged, slurmctld and slurmd for a cluster in `folder`; returns the environment that reaches it."""
    missing = [d for d in DAEMONS if shutil.which(d) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} not installed: .ci/run installs slurm-wlm and munge")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install slurm-wlm munge)")
    for sub in ("state", "spool"):
        os.makedirs(os.path.join(folder, sub))
    conf = os.path.join(folder, "slurm.conf")
    with open(conf, "w") as f:
        f.write(config(folder))
    env = dict(os.environ, SLURM_CONF=conf)
    subprocess.run(["munged", "--force", f"--socket={folder}/munge.sock", f"--pid-file={folder}/munged.pid",
                    f"--log-file={folder}/munged.log", f"--seed-file={folder}/munge.seed"], check=True, env=env)
    for daemon in ("slurmctld", "slurmd"):
        subprocess.run([daemon, "-f", conf], check=True, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        idle = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, env=env).stdout.strip()
        if idle == "idle":
            return env
        time.sleep(1)
    stop(folder)
    pytest.fail(f"the one-node cluster did not come up: {open(os.path.join(folder, 'slurmctld.log')).read()[-2000:]}")


def stop(folder):
    """Stop the daemons by the pids they wrote."""
    for daemon in reversed(DAEMONS):
        path = os.path.join(folder, f"{daemon}.pid")
        if os.path.isfile(path):
            with open(path) as f:
                pid = int(f.read().split()[0])
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass
