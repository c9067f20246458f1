"""A class for measuring the copying check (grader/similarity.py): task1.py solutions written independently
from the starter, in different models and styles, and copies of some of them disguised the way students
disguise copies.

Each solution fills the starter's TODO blocks 1-3 (settings, model, training) and nothing else, so every
file shares the starter's code, which the check must leave out. Independent solutions share what any
two Keras autoencoders share (an Input, Dense layers, compile, fit): the check must not flag them. The
disguises: names changed, settings reordered, comments rewritten, blank lines and a helper function moved,
one setting's value changed, and a partial copy: only the model copied, the settings and training another
student's. bench/similarity.py chooses the threshold on one half of the originals and
their copies and measures it on the other half; the tests take one copy and one independent pair.
"""

import os
import re

from grader.rules import todo_blocks
from kit.scripts import source_of

# ---- independent solutions: (settings, model, training) -------------------------------------------------
SOLUTIONS = {
    "plain": (
        """EPOCHS = 40  # enough for the validation loss to flatten
BATCH_SIZE = 128  # a common default
LEARNING_RATE = 1e-3  # Adam's default""",
        """image = keras.Input(shape=(PIXELS,))
code = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(image)
encoder = keras.Model(image, code, name="encoder")
code_in = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(code_in, layers.Dense(PIXELS, activation="sigmoid")(code_in), name="decoder")
autoencoder = keras.Model(image, decoder(encoder(image)))
autoencoder.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy")""",
        """stop = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                          validation_data=(x_val, x_val), callbacks=[stop], verbose=2)"""),
    "deep": (
        """HIDDEN = 512  # a wider layer on each side of the code
DROPOUT = 0.2  # against memorising
EPOCHS = 30
BATCH = 64""",
        """inputs = keras.Input(shape=(PIXELS,), name="pixels_in")
h = layers.Dense(HIDDEN, activation="relu")(inputs)
h = layers.Dropout(DROPOUT)(h)
z = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(h)
encoder = keras.Model(inputs, z, name="encoder")
z_in = keras.Input(shape=(THOUGHT_VECTOR,))
g = layers.Dense(HIDDEN, activation="relu")(z_in)
out = layers.Dense(PIXELS, activation="sigmoid")(g)
decoder = keras.Model(z_in, out, name="decoder")
autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="ae")
autoencoder.compile("rmsprop", "mse")""",
        """history = autoencoder.fit(x_train, x_train, batch_size=BATCH, epochs=EPOCHS, shuffle=True,
                          validation_data=(x_val, x_val), verbose=2)"""),
    "sequential": (
        """N_EPOCHS = 25  # short: the model is small
LR = 0.002  # a little above Adam's default
L1_CODE = 1e-6  # a sparse code""",
        """encoder = keras.Sequential([
    keras.Input(shape=(PIXELS,)),
    layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector",
                 activity_regularizer=keras.regularizers.L1(L1_CODE)),
], name="encoder")
decoder = keras.Sequential([keras.Input(shape=(THOUGHT_VECTOR,)), layers.Dense(PIXELS, activation="sigmoid")],
                           name="decoder")
autoencoder = keras.Sequential([encoder, decoder], name="autoencoder")
autoencoder.compile(keras.optimizers.Adam(learning_rate=LR), keras.losses.BinaryCrossentropy())""",
        """history = autoencoder.fit(x=x_train, y=x_train, epochs=N_EPOCHS, validation_data=(x_val, x_val),
                          verbose=2)"""),
    "denoising": (
        """NOISE = 0.3  # sd of the Gaussian noise on the inputs while training
EPOCHS = 50
BATCH_SIZE = 256""",
        """clean = keras.Input(shape=(PIXELS,))
noisy = layers.GaussianNoise(NOISE)(clean)
thought = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(noisy)
encoder = keras.Model(clean, thought, name="encoder")
t = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(t, layers.Dense(PIXELS, activation="sigmoid", name="rebuilt")(t), name="decoder")
autoencoder = keras.Model(clean, decoder(encoder(clean)))
autoencoder.compile(optimizer="adam", loss="binary_crossentropy", metrics=["binary_accuracy"])""",
        """plateau = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=3)
history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, verbose=2,
                          validation_data=(x_val, x_val), callbacks=[plateau])"""),
    "sgd": (
        """MOMENTUM = 0.9  # SGD with momentum
START_RATE = 0.5  # large: four sigmoids shrink the gradient
DECAY_STEPS = 1000
EPOCHS = 80
BATCH_SIZE = 32""",
        """schedule = keras.optimizers.schedules.ExponentialDecay(START_RATE, DECAY_STEPS, 0.9)
x = keras.Input((PIXELS,))
encoded = layers.Dense(THOUGHT_VECTOR, name="thought_vector", activation="tanh",
                       kernel_initializer="glorot_normal")(x)
encoder = keras.Model(x, encoded, name="encoder")
decoder_input = keras.Input((THOUGHT_VECTOR,))
decoded = layers.Dense(PIXELS, activation="sigmoid", kernel_initializer="glorot_normal")(decoder_input)
decoder = keras.Model(decoder_input, decoded, name="decoder")
autoencoder = keras.Model(x, decoder(encoder(x)), name="autoencoder")
autoencoder.compile(keras.optimizers.SGD(schedule, momentum=MOMENTUM, nesterov=True), "binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, BATCH_SIZE, EPOCHS, validation_data=(x_val, x_val),
                          verbose=2)"""),
    "functions": (
        """EPOCHS = 35  # where validation stopped improving
BATCH_SIZE = 100
WEIGHT_DECAY = 1e-4  # AdamW's decoupled weight decay""",
        """def build_encoder():
    \"\"\"Pixels to the 256-number thought vector.\"\"\"
    pixels_in = keras.Input(shape=(PIXELS,), name="image")
    hidden = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(pixels_in)
    return keras.Model(pixels_in, hidden, name="encoder")


def build_decoder():
    \"\"\"The thought vector back to pixels.\"\"\"
    code_in = keras.Input(shape=(THOUGHT_VECTOR,), name="code")
    return keras.Model(code_in, layers.Dense(PIXELS, activation="sigmoid", name="image_out")(code_in),
                       name="decoder")


encoder, decoder = build_encoder(), build_decoder()
image_in = keras.Input(shape=(PIXELS,))
autoencoder = keras.Model(image_in, decoder(encoder(image_in)), name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.AdamW(weight_decay=WEIGHT_DECAY), loss="binary_crossentropy")""",
        """def make_dataset(images, shuffle):
    \"\"\"(image, image) pairs in batches.\"\"\"
    data = tf.data.Dataset.from_tensor_slices((images, images))
    return (data.shuffle(len(images)) if shuffle else data).batch(BATCH_SIZE)


history = autoencoder.fit(make_dataset(x_train, True), epochs=EPOCHS, validation_data=make_dataset(x_val, False),
                          verbose=2)"""),
    "batchnorm": (
        """WIDTH = 384  # hidden units each side
EPOCHS = 20
BATCH_SIZE = 64
LEAK = 0.1  # LeakyReLU's negative slope""",
        """img = keras.Input(shape=(PIXELS,))
y = layers.Dense(WIDTH)(img)
y = layers.BatchNormalization()(y)
y = layers.LeakyReLU(negative_slope=LEAK)(y)
tv = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(y)
encoder = keras.Model(img, tv, name="encoder")
tv_in = keras.Input(shape=(THOUGHT_VECTOR,))
y = layers.LeakyReLU(negative_slope=LEAK)(layers.BatchNormalization()(layers.Dense(WIDTH)(tv_in)))
decoder = keras.Model(tv_in, layers.Dense(PIXELS, activation="sigmoid")(y), name="decoder")
autoencoder = keras.Model(img, decoder(encoder(img)))
autoencoder.compile(keras.optimizers.Nadam(1e-3), "binary_crossentropy")""",
        """checkpoint = keras.callbacks.ModelCheckpoint("best.keras", save_best_only=True)
history = autoencoder.fit(x_train, x_train, validation_data=(x_val, x_val), epochs=EPOCHS, batch_size=BATCH_SIZE,
                          callbacks=[checkpoint], verbose=2)
autoencoder = keras.models.load_model("best.keras")
encoder, decoder = autoencoder.layers[1], autoencoder.layers[2]"""),
    "subclass": (
        """EPOCHS = 45
BATCH_SIZE = 50
STEP = 3e-3  # Adamax step""",
        """class Coder(keras.Model):
    \"\"\"Encoder and decoder in one model class.\"\"\"

    def __init__(self):
        super().__init__(name="coder")
        self.squeeze = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")
        self.expand = layers.Dense(PIXELS, activation="sigmoid")

    def call(self, batch):
        return self.expand(self.squeeze(batch))


coder = Coder()
entry = keras.Input(shape=(PIXELS,))
thoughts = coder.squeeze(entry)
encoder = keras.Model(entry, thoughts, name="encoder")
back = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(back, coder.expand(back), name="decoder")
autoencoder = keras.Model(entry, decoder(encoder(entry)), name="autoencoder")
autoencoder.compile(keras.optimizers.Adamax(STEP), loss="binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                          validation_split=0.0, validation_data=(x_val, x_val), verbose=2)"""),
    "augmented": (
        """EPOCHS = 60
BATCH_SIZE = 64
FLIP_NOISE = 0.02  # share of pixels flipped in each training input""",
        """source = keras.Input(shape=(PIXELS,))
latent = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector",
                      kernel_regularizer=keras.regularizers.L2(1e-5))(source)
encoder = keras.Model(source, latent, name="encoder")
latent_in = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(latent_in, layers.Dense(PIXELS, activation="sigmoid")(latent_in), name="decoder")
autoencoder = keras.Model(source, decoder(encoder(source)), name="autoencoder")
autoencoder.compile(optimizer=keras.optimizers.Adam(2e-3), loss=keras.losses.BinaryCrossentropy())""",
        """def flipped(batch):
    mask = tf.cast(tf.random.uniform(tf.shape(batch)) < FLIP_NOISE, batch.dtype)
    return tf.abs(batch - mask), batch


train_set = tf.data.Dataset.from_tensor_slices(x_train).shuffle(4096).batch(BATCH_SIZE).map(flipped)
history = autoencoder.fit(train_set, epochs=EPOCHS, validation_data=(x_val, x_val), verbose=2)"""),
}
KIT = "kit"  # the kit's own task1.py: one more independent solution


# ---- disguised copies: (name, original, disguises) -----------------------------------------------------------
COPIES = (
    ("plain-renamed", "plain", ("rename",)),
    ("plain-reworded", "plain", ("comments", "blank_lines", "setting")),
    ("deep-reordered", "deep", ("reorder", "rename", "comments")),
    ("sequential-tuned", "sequential", ("setting", "comments")),
    ("denoising-all", "denoising", ("rename", "reorder", "comments", "blank_lines", "setting")),
    ("functions-moved", "functions", ("move_function", "rename", "comments")),
    ("batchnorm-renamed", "batchnorm", ("rename", "setting")),
    ("subclass-all", "subclass", ("rename", "comments", "blank_lines", "reorder")),
    ("plain-model-only", "plain", ("model_only:sgd", "rename")),
    ("functions-model-only", "functions", ("model_only:augmented", "rename", "comments")),
    ("kit-renamed", KIT, ("rename", "comments")),
    ("kit-all", KIT, ("rename", "reorder", "comments", "blank_lines", "setting")),
)
# Which originals choose the threshold and which measure it: half of the styles each.
TUNING = ("plain", "deep", "sequential", "denoising", "sgd")
HELD_OUT = ("functions", "batchnorm", "subclass", "augmented", KIT)


def filled(solution):
    """starter/task1.py with its TODO blocks 1-3 replaced by a solution's (settings, model, training)."""
    starter = source_of("starter/task1.py").splitlines()
    blocks = todo_blocks(starter)[1:]  # block 0 is the docstring's paragraph: a line on the solution
    out, last = [], 0
    for (first, end), text in zip(blocks, solution):
        out += starter[last:first] + text.splitlines()
        last = end + 1
    return "\n".join(out + starter[last:]) + "\n"


def original(name):
    """The full text of an independent solution (the kit's own task1.py for KIT)."""
    return source_of("task1.py") if name == KIT else filled(SOLUTIONS[name])


NEW_NAMES = {"image": "inp", "code": "hcode", "encoder_input": "enc_in", "history": "hist", "inputs": "xs",
             "thought": "tvec", "clean": "x_clean", "stop": "early", "autoencoder_input": "ai", "h": "hid",
             "z": "zz", "out": "recon", "pixels_in": "p_in", "hidden": "hdn", "code_in": "c_in", "entry": "door",
             "back": "rear", "thoughts": "tt", "img": "picture", "y": "act", "tv": "tvec2", "tv_in": "tvec_in",
             "mask": "flip_mask", "batch": "b", "data": "ds", "images": "imgs", "noisy": "dirty", "t": "tin",
             "plateau": "rlr", "checkpoint": "ckpt", "coder": "model_parts", "shift": "mover", "moved": "mv",
             "thought_input": "t_in", "logits": "lg", "mean_logit": "bias0", "pixel_mean": "avg_pixels"}


def copy_of(source, how):
    """The copy a student makes of an original: "model_only:<donor>" keeps only its model (the donor's settings
    and training around it), then each other disguise of `how` in turn."""
    text = original(source)
    for step in how:
        if step.startswith("model_only:"):
            donor = SOLUTIONS[step.split(":")[1]]
            text = filled((donor[0], SOLUTIONS[source][1], donor[2]))
        else:
            text = DISGUISES[step](text)
    return text


def rename(text):
    for old, new in NEW_NAMES.items():
        text = re.sub(rf"(?<![\w\"']){old}(?![\w\"'])", new, text)
    return text


def rewrite_comments(text):
    return re.sub(r"  # .*$", "  # my choice", text, flags=re.M)


def drop_blank_lines(text):
    return re.sub(r"\n\n\n", "\n\n", text)


def change_setting(text):
    return re.sub(r"^(EPOCHS|N_EPOCHS) = \d+", r"\1 = 33", text, count=1, flags=re.M)


def reorder_settings(text):
    """The user settings (the upper-case lines after the provided ones) in reverse order."""
    lines = text.split("\n")
    settings = [i for i, line in enumerate(lines) if re.match(r"^[A-Z][A-Z0-9_]* = ", line)]
    block = [i for i in settings if i > settings[0] + 5][:6]  # the student's own, below the provided six
    values = [lines[i] for i in block][::-1]
    for i, value in zip(block, values):
        lines[i] = value
    return "\n".join(lines)


def move_function(text):
    """The first two top-level functions of the student's code swapped."""
    found = list(re.finditer(r"(?ms)^def (build_\w+)\(.*?(?=^\S)", text))
    if len(found) < 2:
        return text
    a, b = found[0], found[1]
    return text[:a.start()] + b.group(0) + a.group(0) + text[b.end():]


DISGUISES = {"rename": rename, "comments": rewrite_comments, "blank_lines": drop_blank_lines,
             "setting": change_setting, "reorder": reorder_settings, "move_function": move_function}


def make_class(folder, names=None):
    """Write each student's task1.py under folder/<student>/ (`names`: the originals to include with their
    copies, default all); return {student: the originals its code comes from} (two for a partial copy: the
    model's and the donor's)."""
    names = names or (*SOLUTIONS, KIT)
    lineage = {name: {name} for name in names}
    for copy, source, how in COPIES:
        if source in names:
            lineage[copy] = {source} | {step.split(":")[1] for step in how if step.startswith("model_only:")}
    for student in lineage:
        source = student if student in names else next(s for c, s, _ in COPIES if c == student)
        how = next((h for c, s, h in COPIES if c == student), ())
        os.makedirs(os.path.join(folder, student), exist_ok=True)
        with open(os.path.join(folder, student, "task1.py"), "w", encoding="utf-8") as f:
            f.write(copy_of(source, how))
    return lineage
