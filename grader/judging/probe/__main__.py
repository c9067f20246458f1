"""The grader's probe: run a task script as __main__ under watch, then measure the model it trained.

    GRADER_REPORT_FD=N python -m probe TASK SCRIPT TEST_FILE     (with grader/ on PYTHONPATH)

It runs inside the sandbox, in the student's process, and writes one JSON report to file
descriptor N (opened by the grader; the variable is removed before the script starts). What it
watches does not change what the script computes:
- a Python audit hook logs every file opened, so the grader sees whether test.txt was opened
  before training ended and which other files were read;
- keras.Model.fit is wrapped to log when training starts and ends, and the seeding functions of
  random, NumPy, TensorFlow and Keras to log any call;
- after the script ends, the model it left in its globals is measured on the test file with the
  probe's own loader and Keras's own predict (taken before the script ran, so a script that
  replaces `predict` on its model or on keras.Model does not change the measurement).
"""

import hashlib
import json
import os
import random
import runpy
import sys
import tempfile
import time
import traceback
from types import ModuleType
from typing import Any

# Files a Python program reads as a matter of course: the interpreter, its packages, system files.
SYSTEM_PREFIXES = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share/zoneinfo", "/etc", "/proc", "/sys", "/dev")
MODEL_NAMES = {"task1": "autoencoder", "task2": "model"}  # the trained model each starter names


class Watch:
    """What the audit hook saw: the order of events, and the files written and read."""

    def __init__(self, folder: str, script: str) -> None:
        self.folder, self.script = folder, script
        self.events: list[str] = []
        self.written: set[str] = set()
        self.reads: list[str] = []
        grader = os.path.dirname(os.path.abspath(__file__))  # the probe's own code, all of the grader it sees
        # The temporary and home folders the grader gave this run are its own, fresh (TensorFlow's
        # autograph and Matplotlib's font cache look there for what they may have written).
        private = (tempfile.gettempdir(), os.path.expanduser("~"))
        self.allowed = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, grader,
                                                            *private)})
        self.on = True

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """Log file opens: test.txt/dataset.txt by name in order, and every read of another file."""
        if not self.on or event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.abspath(os.fsdecode(args[0]))
        mode, flags = args[1], args[2]
        if isinstance(mode, str):
            writes, reads = any(c in mode for c in "wax+"), "r" in mode or "+" in mode
        else:
            access = flags & os.O_ACCMODE
            writes, reads = access != os.O_RDONLY or bool(flags & os.O_CREAT), access != os.O_WRONLY
        name = os.path.basename(path)
        if name in ("test.txt", "dataset.txt") and os.path.dirname(path) == self.folder:
            self.events.append(f"open {name}")
            return
        if writes:
            self.written.add(path)
        elif reads and not self.expected(path):
            self.reads.append(path)

    def expected(self, path: str) -> bool:
        """A read every run makes: the script, files the run wrote itself, the interpreter and system."""
        real = os.path.realpath(path)
        return (path in self.written or real in self.written or path == self.script
                or real.startswith(self.allowed) or path.startswith(self.allowed)
                or real.startswith(SYSTEM_PREFIXES) or os.path.isdir(path))


def main() -> None:
    task, script, test_file = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    report = os.fdopen(int(os.environ.pop("GRADER_REPORT_FD")), "w")
    watch = Watch(os.getcwd(), script)
    sys.addaudithook(watch.audit)

    import keras  # after the hook: nothing below escapes it
    import numpy as np

    real_predict = keras.Model.predict
    real_weights = keras.layers.Layer.trainable_weights.fget
    spy_on_seeds(watch.events, keras, np, script)
    fit_ends: list[float] = []
    spy_on_fit(watch.events, keras, fit_ends)

    outcome = run(script, watch.events)
    watch.on = False
    facts = {"events": watch.events, "other_reads": sorted(set(watch.reads)), "outcome": outcome["summary"],
             "fit_ends": fit_ends}
    if outcome["globals"] is not None:
        facts["models"] = model_facts(outcome["globals"], task)
        facts["measured"] = measure(outcome["globals"], task, test_file, real_predict, real_weights, np)
    json.dump(facts, report, default=str)
    report.close()
    if outcome["error"]:
        sys.stderr.write(outcome["error"])
    sys.exit(outcome["status"])


# ---- watching -------------------------------------------------------------------------------
def spy(owner: Any, name: str, label: str, events: list[str]) -> None:
    """Replace owner.name, and every other module's name for the same function, with a wrapper that logs
    `label` before calling the original: a script that reaches it by another path (numpy.random.mtrand.seed,
    getattr(__import__("random"), "seed")) calls the wrapper too."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        events.append(label)
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        for attribute, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                setattr(module, attribute, wrapper)
    setattr(owner, name, wrapper)


def spy_on_generators(events: list[str], script: str, np: ModuleType, tf: ModuleType, keras: ModuleType) -> None:
    """Log a generator built with a seed by the script itself (a library's own unseeded ones are not logged):
    NumPy's default_rng, Python's random.Random, TensorFlow's Generator.from_seed and Keras's SeedGenerator."""

    def by_the_script(depth: int = 2) -> bool:
        return sys._getframe(depth).f_code.co_filename == script

    real_rng = np.random.default_rng

    def default_rng(seed: Any = None, *args: Any, **kwargs: Any) -> Any:
        if seed is not None and by_the_script():
            events.append("seed numpy.random.default_rng(seed)")
        return real_rng(seed, *args, **kwargs)

    for module in list(sys.modules.values()):
        for attribute, value in list(getattr(module, "__dict__", {}).items()):
            if value is real_rng:
                setattr(module, attribute, default_rng)

    classes = ((random.Random, "random.Random(seed)"), (keras.random.SeedGenerator, "keras SeedGenerator(seed)"))
    for cls, label in classes:
        real_init = cls.__init__

        def init(self: Any, *args: Any, _real: Any = real_init, _label: str = label, **kwargs: Any) -> None:
            seed = args[0] if args else kwargs.get("seed", kwargs.get("x"))
            if seed is not None and by_the_script():
                events.append(f"seed {_label}")
            _real(self, *args, **kwargs)

        cls.__init__ = init  # type: ignore[method-assign]  # the spy is the point

    real_from_seed = tf.random.Generator.from_seed.__func__

    def from_seed(cls: Any, *args: Any, **kwargs: Any) -> Any:
        if by_the_script():
            events.append("seed tensorflow Generator.from_seed")
        return real_from_seed(cls, *args, **kwargs)

    tf.random.Generator.from_seed = classmethod(from_seed)


def spy_on_seeds(events: list[str], keras: ModuleType, np: ModuleType, script: str) -> None:
    import tensorflow as tf

    seeding = [(random, "seed"), (np.random, "seed"), (tf.random, "set_seed"), (keras.utils, "set_random_seed"),
               (tf.random, "set_global_generator")]
    for owner, name in seeding:
        spy(owner, name, f"seed {owner.__name__}.{name}", events)
    # The module's seed is this instance's method: one reached through the instance is spied too.
    random._inst.seed = random.seed  # type: ignore[method-assign]
    spy_on_generators(events, script, np, tf, keras)


def spy_on_fit(events: list[str], keras: ModuleType, fit_ends: list[float]) -> None:
    """Log each fit()'s start and end, and when each ended (the grader sets the OS's opens of test.txt
    against the last)."""
    real_fit = keras.Model.fit

    def logged_fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        events.append("fit start")
        try:
            return real_fit(self, *args, **kwargs)
        finally:
            events.append("fit end")
            fit_ends.append(time.time())

    keras.Model.fit = logged_fit


def run(script: str, events: list[str]) -> dict[str, Any]:
    """Run the script as __main__; its globals (None if it did not finish), exit status and any error."""
    start = time.time()
    sys.argv = [script]  # as `python task1.py` would see it
    try:
        g = runpy.run_path(script, run_name="__main__")
        return {"globals": g, "status": 0, "error": "", "summary": f"finished in {time.time() - start:.1f} s"}
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        summary = f"called sys.exit({stop.code!r})"
        return {"globals": None, "status": status, "error": "" if status == 0 else f"{stop.code}\n", "summary": summary}
    except BaseException as error:
        events.append(f"raised {type(error).__name__}")
        return {"globals": None, "status": 1, "error": traceback.format_exc(), "summary": f"raised {error!r}"[:300]}


# ---- after the run: what was built and how good it is ---------------------------------------
def model_facts(g: dict[str, Any], task: str) -> dict[str, Any]:
    """Facts about the models the script left in its globals, as the assignment names them."""
    import keras

    from .graph import activation, producer, skips_thought_vector

    facts: dict[str, Any] = {}
    encoder: Any = g.get("encoder")
    decoder: Any = g.get("decoder")
    trained: Any = g.get(MODEL_NAMES[task])
    for name, value in (("encoder", encoder), ("decoder", decoder), (MODEL_NAMES[task], trained)):
        facts[f"has_{name}"] = isinstance(value, keras.Model)
    if facts["has_encoder"]:
        try:
            thought = encoder.get_layer("thought_vector")
            facts["thought_vector_units"] = getattr(thought, "units", None)
            facts["thought_vector_activation"] = activation(thought)
        except ValueError:
            facts["thought_vector_units"] = None
        facts["encoder_output_shape"] = [int(d) if d is not None else None for d in encoder.output.shape[1:]]
    if facts["has_decoder"]:
        facts["decoder_activation"] = activation(decoder)
    if facts["has_encoder"] and facts["has_decoder"]:  # tied weights: variables both models hold
        held = {id(v) for v in encoder.weights}
        facts["shared_encoder_decoder_weights"] = sorted(v.path for v in decoder.weights if id(v) in held)
    if facts[f"has_{MODEL_NAMES[task]}"]:
        facts["optimizer"] = type(getattr(trained, "optimizer", None)).__name__
        if isinstance(trained.output, dict):
            facts["outputs"] = sorted(trained.output)
        if task == "task2":
            digit = output_named(trained, "digit")
            if digit is not None:
                facts["digit_activation"] = activation(producer(digit)[0])
                facts["digit_skips_thought_vector"] = skips_thought_vector(digit)
    return facts


def output_named(model: Any, name: str) -> Any:
    """The symbolic output `name` of a model with dict outputs, or the 10-wide one of a list."""
    outputs = model.output
    if isinstance(outputs, dict):
        return outputs.get(name)
    if isinstance(outputs, (list, tuple)):
        wide = [t for t in outputs if t.shape[-1] == 10]
        return wide[0] if len(wide) == 1 else None
    return None


def measure(g: dict[str, Any], task: str, test_file: str, real_predict: Any, real_weights: Any,
            np: ModuleType) -> dict[str, Any]:
    """Pixel (and digit) accuracy on the test file and the parameter count, by the grader's own code."""
    model = g.get(MODEL_NAMES[task])
    if model is None:
        return {"error": f"no `{MODEL_NAMES[task]}` model in the script"}
    x, y = load(test_file, np)
    try:
        out = real_predict(model, x, verbose=0, batch_size=250)
    except Exception as error:
        return {"error": f"predicting the test images failed: {error!r}"[:300]}
    outputs = list(out.values()) if isinstance(out, dict) else list(out) if isinstance(out, (list, tuple)) else [out]
    images = [o for o in outputs if o.shape[-1] == x.shape[1]]
    digits = [o for o in outputs if o.shape[-1] == 10]
    weights = {id(v): v for v in real_weights(model)}.values()  # a shared (tied) variable counted once
    measured: dict[str, Any] = {"parameters": int(sum(int(np.prod(v.shape)) for v in weights))}
    if isinstance(out, dict) and "reconstruction" in out:
        images = [out["reconstruction"]]
    if len(images) == 1:
        measured["pixel_accuracy"] = float(np.mean(np.round(images[0]) == x))
        # Two unseeded runs never reconstruct alike bit for bit: identical hashes show a seed, however written.
        measured["outputs_sha256"] = hashlib.sha256(np.ascontiguousarray(images[0], dtype=np.float32)).hexdigest()
    if task == "task2" and len(digits) == 1:
        measured["digit_accuracy"] = float(np.mean(digits[0].argmax(axis=1) == y))
    return measured


def load(path: str, np: ModuleType) -> tuple[Any, Any]:
    """The test file as (0/1 float32 images, digits): the marker's own file, so a plain reader."""
    with open(path, encoding="utf-8-sig") as f:
        rows = [line.rstrip().split("\t") for line in f if line.strip()]
    images = np.array([[int(c) for c in bits.replace("-", "")] for _, bits in rows], dtype=np.float32)
    return images, np.array([int(label) for label, _ in rows])


if __name__ == "__main__":
    main()
