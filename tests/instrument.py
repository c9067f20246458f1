"""Run a task script as __main__ under spies and write what they saw to a JSON file.

    python tests/instrument.py REPORT.json SCRIPT

The spies do not change what the script computes:
- a Python audit hook logs every file the process opens (builtins.open, io.open, os.open, ...), so
  the tests can tell whether test.txt was opened before training finished;
- keras.Model.fit is wrapped to log when training starts and ends;
- the seeding functions of random, NumPy, TensorFlow and Keras are wrapped to log any call.
After the script ends, the report also describes the trained models it left behind.
"""

import json
import os
import random
import runpy
import sys

report_path, script = sys.argv[1], sys.argv[2]
events = []


def audit(event, args):
    """Log opens of files named test.txt or dataset.txt (audit hooks see every open)."""
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.path.basename(os.fsdecode(args[0]))
        if name in ("test.txt", "dataset.txt"):
            events.append(f"open {name}")


sys.addaudithook(audit)

import keras  # noqa: E402  (after the hook, so nothing below escapes it)
import numpy as np  # noqa: E402  (likewise)
import tensorflow as tf  # noqa: E402  (likewise)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the kit
from kit.graph import activation, producer, skips_thought_vector  # noqa: E402  (needs the line above)


def spy(owner, name, label):
    """Replace owner.name with a wrapper that logs `label` before calling the original."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        events.append(label)
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


for owner, name in [
    (random, "seed"),
    (np.random, "seed"),
    (tf.random, "set_seed"),
    (keras.utils, "set_random_seed"),
]:
    spy(owner, name, f"seed {owner.__name__}.{name}")

real_fit = keras.Model.fit


def logged_fit(self, *args, **kwargs):
    events.append("fit start")
    try:
        return real_fit(self, *args, **kwargs)
    finally:
        events.append("fit end")


keras.Model.fit = logged_fit


def describe(g):
    """Facts about the models the script left in its globals."""
    thought = g["encoder"].get_layer("thought_vector")
    trained = g.get("model") or g["autoencoder"]  # task2 names its two-headed model `model`
    facts = {
        "thought_vector_units": thought.units,
        "thought_vector_activation": activation(thought),
        "encoder_output_shape": list(g["encoder"].output.shape[1:]),
        "decoder_activation": activation(g["decoder"]),
        "optimizer": type(trained.optimizer).__name__,
    }
    facts.update(tied_weights(g["encoder"], g["decoder"], thought.units))
    if isinstance(trained.output, dict):
        facts["outputs"] = sorted(trained.output)
        digit = trained.output["digit"]
        facts["digit_skips_thought_vector"] = skips_thought_vector(digit)
        facts["digit_activation"] = activation(producer(digit)[0])
    return facts


def tied_weights(encoder, decoder, units):
    """Change the encoder's kernel (zero it) and see whether the decoder's output changes with it.

    With a zero encoder kernel, a decoder that reads that same matrix gives every code the same
    output (its biases alone); an untied decoder would still tell two codes apart.
    """
    codes = np.random.uniform(-1, 1, size=(2, units)).astype("float32")
    before = np.asarray(decoder(codes))
    kernel = encoder.get_layer("thought_vector").kernel
    kernel.assign(np.zeros(kernel.shape, dtype="float32"))
    after = np.asarray(decoder(codes))
    return {"decoder_tells_codes_apart": not np.allclose(before[0], before[1]),
            "decoder_follows_zeroed_encoder_kernel": bool(np.allclose(after[0], after[1]))}


def write(extra=None):
    with open(report_path, "w") as f:
        json.dump({"events": events, **(extra or {})}, f, indent=2)


try:
    g = runpy.run_path(script, run_name="__main__")
except BaseException:
    write()
    raise
write({"models": describe(g)})
