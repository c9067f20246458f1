"""The operating system's view of a run: when the test file was opened, whoever opened it.

The probe's audit hook sees Python's own `open()`, not TensorFlow's readers (`tf.data.TextLineDataset`,
`tf.io.gfile`) or a native library's. The kernel sees them all: inotify (through PyPI's `inotify_simple`, a thin
wrapper of the system calls) reports each open of a file in the run folder, also one made inside the sandbox
through its bind mount. The grader watches from outside the sandbox, where the student's code cannot reach.
"""

import os
import threading
import time

from inotify_simple import INotify, flags

POLL_MS = 200  # how often the watcher looks whether it should stop


class TestFileWatch:
    """Open times of one file in a folder, from a thread of the grader's, between start() and stop()."""

    def __init__(self, folder: str, name: str = "test.txt"):
        self.name = name
        self.opens: list[float] = []
        self.inotify = INotify()
        self.inotify.add_watch(folder, flags.OPEN)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.follow, daemon=True)

    def __enter__(self) -> "TestFileWatch":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
        self.inotify.close()

    def follow(self) -> None:
        while not self.done.is_set():
            for event in self.inotify.read(timeout=POLL_MS):
                if event.name == self.name:
                    self.opens.append(time.time())  # read within milliseconds of the open: the thread waits on it
        for event in self.inotify.read(timeout=0):  # what came in while stopping
            if event.name == self.name:
                self.opens.append(time.time())


def usable(folder: str) -> bool:
    """Whether inotify works here (a container may limit its watches)."""
    try:
        with TestFileWatch(folder):
            return os.path.isdir(folder)
    except OSError:
        return False
