"""Run untrusted code in a folder of its own: bubblewrap where installed, a time and memory limit, capped output.

Inside the sandbox (bwrap, unprivileged user namespaces) the program sees only what Python, its
packages and TensorFlow need, read-only, plus its own run folder, a fresh /tmp and the grader's
probe (grader/judging/probe, nothing else of the grader): no network, no other process, not the marker's
home folder, the hidden test file or other students' work. Where bwrap is missing the program runs
as a plain process in its run folder, and the caller says so on every row.
"""

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass

OUTPUT_CAP = 1_000_000  # bytes kept from the start and from the end of a run's output
POLL_S = 0.2  # how often the memory of the process tree is read
INSIDE = "/sandbox"  # where the run folder appears inside the sandbox
GRADER = "/grader"  # where the grader's probe package appears inside the sandbox (read-only), as /grader/probe


STOPPING = threading.Event()  # set on Ctrl-C: no new run starts, and every running one is killed


def bwrap() -> str | None:
    """The bubblewrap executable, or None where it is not installed."""
    return shutil.which("bwrap")


def self_test() -> str | None:
    """None where bubblewrap can make its namespaces here, else why not, in one line: an unprivileged
    container (Gradescope's, a CI runner's) may forbid user namespaces although bwrap is installed."""
    with tempfile.TemporaryDirectory() as folder:
        argv, cwd, env = command(folder, os.path.dirname(os.path.abspath(__file__)), ["-c", "pass"], True)
        try:
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{argv[0]} could not be run: {error}"
    if done.returncode == 0:
        return None
    said = (done.stderr.strip() or done.stdout.strip() or "no message").splitlines()[0]
    return f"{argv[0]} exited with status {done.returncode}: {said}"


def stop_all() -> None:
    """Ctrl-C: start nothing more, and kill every run under way (their loops see it within POLL_S)."""
    STOPPING.set()


def command(run_folder: str, probe_folder: str, argv: list[str], sandboxed: bool,
            extra_env: dict[str, str] | None = None) -> tuple[list[str], str, dict[str, str]]:
    """(argv, cwd, env) of a Python program run in run_folder, isolated when `sandboxed`; the package
    `probe_folder` is importable by its folder's name (and is all the program sees of the grader).

    The program's environment is built from nothing (the marker's variables stay out), plus `extra_env`.
    """
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", **(extra_env or {})}
    python = sys.executable
    if not sandboxed:
        home = os.path.join(run_folder, ".home")
        os.makedirs(home, exist_ok=True)
        env.update(HOME=home, TMPDIR=home, MPLCONFIGDIR=os.path.join(home, "matplotlib"),
                   KERAS_HOME=os.path.join(home, "keras"), PYTHONPATH=os.path.dirname(probe_folder))
        return [python, *argv], run_folder, env
    env.update(HOME="/tmp/home", TMPDIR="/tmp", MPLCONFIGDIR="/tmp/home/matplotlib",
               KERAS_HOME="/tmp/home/keras", PYTHONPATH=GRADER)
    wrap = [bwrap() or "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(top):
            wrap += ["--symlink", os.readlink(top), top]  # merged /usr: /lib -> usr/lib
        elif os.path.isdir(top):
            wrap += ["--ro-bind", top, top]
    system = ["/usr/bin", "/usr/lib", "/usr/lib64", "/usr/share/zoneinfo", "/sys",
              "/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf"]
    # The interpreter and its packages: the virtual environment and the Python it was made from
    # (which may live in a home or a temporary folder, so each is bound by its own path).
    pythons = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    pythons |= {os.path.dirname(os.path.dirname(os.path.realpath(python)))}
    for path in sorted(set(system) | pythons):
        if os.path.exists(path):
            wrap += ["--ro-bind", path, path]
    package = os.path.basename(probe_folder)
    wrap += ["--ro-bind", probe_folder, f"{GRADER}/{package}", "--bind", run_folder, INSIDE, "--chdir", INSIDE]
    for name, value in env.items():
        wrap += ["--setenv", name, value]
    return [*wrap, python, *argv], run_folder, os.environ.copy()


@dataclass
class Run:
    """How a limited run ended."""

    status: int  # exit status (negative: killed by that signal)
    wall_s: float
    killed: str | None  # "time", "memory", or None when it ended by itself
    peak_rss_bytes: int
    output: str  # the capped output (see CappedOutput)
    output_bytes: int  # how much it wrote in all


def run_limited(argv: list[str], cwd: str, env: dict[str, str], timeout: float, memory_bytes: float,
                pass_fds: tuple[int, ...] = ()) -> Run:
    """Run a program with a wall-time and a resident-memory limit on its whole process tree; a `Run`.
    Raises KeyboardInterrupt once stop_all() was called (the run is killed, or never started)."""
    if STOPPING.is_set():
        raise KeyboardInterrupt
    start = time.time()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True, pass_fds=pass_fds)
    output = CappedOutput()
    reader = threading.Thread(target=output.read, args=(process.stdout,), daemon=True)
    reader.start()
    killed, peak = None, 0
    try:
        while process.poll() is None:
            if STOPPING.is_set():
                raise KeyboardInterrupt
            rss = tree_rss(process.pid)
            peak = max(peak, rss)
            if time.time() - start > timeout:
                killed = "time"
            elif rss > memory_bytes:
                killed = "memory"
            if killed:
                kill_tree(process.pid)
                break
            time.sleep(POLL_S)
    except KeyboardInterrupt:  # Ctrl-C in this thread, or stop_all() from another: the run goes too
        kill_tree(process.pid)
        process.wait()
        raise
    status = process.wait()
    wall = time.time() - start
    reader.join(timeout=10)
    return Run(status, wall, killed, peak, output.text(), output.total)


class CappedOutput:
    """The first and last OUTPUT_CAP bytes of a stream, however much it writes."""

    def __init__(self) -> None:
        self.head, self.tail_bytes, self.total = bytearray(), 0, 0
        self.tail: deque[bytes] = deque()

    def read(self, stream: io.BufferedReader) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            self.total += len(chunk)
            room = OUTPUT_CAP - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail.append(chunk)
                self.tail_bytes += len(chunk)
                while self.tail_bytes - len(self.tail[0]) >= OUTPUT_CAP:
                    self.tail_bytes -= len(self.tail.popleft())

    def text(self) -> str:
        tail = b"".join(self.tail)[-OUTPUT_CAP:]
        cut = self.total - len(self.head) - len(tail)
        middle = f"\n[... {cut:,} bytes of output not kept ...]\n".encode() if cut > 0 else b""
        return (bytes(self.head) + middle + tail).decode("utf-8", errors="replace")


def descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (the sandbox's processes included)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def kill_tree(pid: int) -> None:
    """SIGKILL a process and everything below it, even what left its process group."""
    for p in reversed(descendants(pid)):
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
