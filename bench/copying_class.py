"""A class for measuring the copying check (grader/integrity/similarity.py): task1.py solutions written independently
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

from grader.judging.rules import todo_blocks
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

# Textbook-minimal solutions, written independently: each only what the assignment requires (one Dense layer each
# way, Adam or another stock optimiser, cross-entropy, fit), in the words different students would use. Most of
# their code is the idiom every short Keras autoencoder shares: the check must not flag them against each other.
MINIMAL = {
    "minimal-a": (
        """EPOCHS = 50  # validation loss flat by then
BATCH_SIZE = 256""",
        """inp = keras.Input(shape=(PIXELS,))
encoded = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(inp)
encoder = keras.Model(inp, encoded, name="encoder")
latent = keras.Input(shape=(THOUGHT_VECTOR,))
decoded = layers.Dense(PIXELS, activation="sigmoid")(latent)
decoder = keras.Model(latent, decoded, name="decoder")
autoencoder = keras.Model(inp, decoder(encoder(inp)), name="autoencoder")
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True,
                          validation_data=(x_val, x_val), verbose=2)"""),
    "minimal-b": (
        """N_EPOCHS = 30
BATCH = 128  # fits in memory easily""",
        """encoder = keras.Sequential([keras.Input((PIXELS,)),
                           layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")], name="encoder")
decoder = keras.Sequential([keras.Input((THOUGHT_VECTOR,)), layers.Dense(PIXELS, activation="sigmoid")],
                           name="decoder")
autoencoder = keras.Sequential([encoder, decoder])
autoencoder.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam())""",
        """history = autoencoder.fit(x_train, x_train, batch_size=BATCH, epochs=N_EPOCHS,
                          validation_data=(x_val, x_val), verbose=2)"""),
    "minimal-c": (
        """EPOCHS = 100
BATCH_SIZE = 32
PATIENCE = 10  # stop when validation stalls this long""",
        """x_in = keras.Input(shape=(PIXELS,))
h = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(x_in)
encoder = keras.Model(x_in, h, name="encoder")
h_in = keras.Input(shape=(THOUGHT_VECTOR,))
x_out = layers.Dense(PIXELS, activation="sigmoid")(h_in)
decoder = keras.Model(h_in, x_out, name="decoder")
autoencoder = keras.Model(x_in, decoder(encoder(x_in)))
autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="binary_crossentropy",
                    metrics=["accuracy"])""",
        """early = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_data=(x_val, x_val),
                          callbacks=[early], verbose=2)"""),
    "minimal-d": (
        """EPOCHS = 20
LEARNING_RATE = 0.005""",
        """def make_models():
    image = keras.Input(shape=(PIXELS,))
    thought = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(image)
    code = keras.Input(shape=(THOUGHT_VECTOR,))
    pixels = layers.Dense(PIXELS, activation="sigmoid")(code)
    enc, dec = keras.Model(image, thought, name="encoder"), keras.Model(code, pixels, name="decoder")
    return enc, dec, keras.Model(image, dec(enc(image)))


encoder, decoder, autoencoder = make_models()
autoencoder.compile(keras.optimizers.RMSprop(LEARNING_RATE), "binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, validation_data=(x_val, x_val), verbose=2)"""),
    "minimal-e": (
        """EPOCHS = 40
BATCH_SIZE = 64
L2 = 1e-4  # small weight decay as regularisation""",
        """a = keras.Input(shape=(PIXELS,))
b = layers.Dense(THOUGHT_VECTOR, activation="tanh", kernel_regularizer=keras.regularizers.l2(L2),
                 name="thought_vector")(a)
encoder = keras.Model(a, b, name="encoder")
c = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(c, layers.Dense(PIXELS, activation="sigmoid")(c), name="decoder")
autoencoder = keras.Model(a, decoder(encoder(a)))
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                          validation_data=(x_val, x_val), verbose=2)"""),
    "minimal-f": (
        """EPOCHS = 25  # more did not help on validation
BATCH_SIZE = 100
DROP = 0.1  # dropout on the input pixels""",
        """pixels_in = keras.Input((PIXELS,), name="pixels")
dropped = layers.Dropout(DROP)(pixels_in)
tv = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(dropped)
encoder = keras.Model(pixels_in, tv, name="encoder")
tv_in = keras.Input((THOUGHT_VECTOR,))
decoder = keras.Model(tv_in, layers.Dense(PIXELS, activation="sigmoid", name="recon")(tv_in), name="decoder")
autoencoder = keras.Model(pixels_in, decoder(encoder(pixels_in)), name="ae")
autoencoder.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy())""",
        """history = autoencoder.fit(x_train, x_train, BATCH_SIZE, EPOCHS, verbose=2,
                          validation_data=(x_val, x_val))"""),
}
SOLUTIONS |= MINIMAL
KIT_SOLUTION = "kit"  # the kit's own task1.py: one more independent solution

# Copies rewritten by hand, as a student rewrites what they copied so that no line stays the same: the original's
# model, settings and training kept, the code around them changed. Each is (name, original, (settings, model,
# training), whose settings and training: None for the original's, else a student's name (a partial copy: the
# donor's, or its own)); "deep" written as one Sequential per side, "sequential" written with the functional API,
# "functions"
# with its helpers inlined and its statements reordered, and two partial copies that keep only another's model.
REWRITTEN = {
    "sequential-as-functional": ("sequential", (
        """LR = 0.002
L1_CODE = 1e-6
N_EPOCHS = 25""",
        """first = keras.Input(shape=(PIXELS,))
squeezed = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector",
                        activity_regularizer=keras.regularizers.L1(L1_CODE))(first)
encoder = keras.Model(first, squeezed, name="encoder")
second = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(second, layers.Dense(PIXELS, activation="sigmoid")(second), name="decoder")
autoencoder = keras.Model(first, decoder(encoder(first)), name="autoencoder")
autoencoder.compile(keras.optimizers.Adam(learning_rate=LR), keras.losses.BinaryCrossentropy())""",
        """history = autoencoder.fit(x_train, x_train, validation_data=(x_val, x_val), epochs=N_EPOCHS, verbose=2)"""),
        None),
    "deep-as-sequential": ("deep", (
        """BATCH = 64
EPOCHS = 30
DROPOUT = 0.2
HIDDEN = 512""",
        """encoder = keras.Sequential(name="encoder")
encoder.add(keras.Input(shape=(PIXELS,)))
encoder.add(layers.Dense(HIDDEN, activation="relu"))
encoder.add(layers.Dropout(DROPOUT))
encoder.add(layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector"))
decoder = keras.Sequential(name="decoder")
decoder.add(keras.Input(shape=(THOUGHT_VECTOR,)))
decoder.add(layers.Dense(HIDDEN, activation="relu"))
decoder.add(layers.Dense(PIXELS, activation="sigmoid"))
autoencoder = keras.Sequential([encoder, decoder])
autoencoder.compile(optimizer="rmsprop", loss="mse")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH, shuffle=True, verbose=2,
                          validation_data=(x_val, x_val))"""), None),
    "functions-inlined": ("functions", (
        """WEIGHT_DECAY = 1e-4
BATCH_SIZE = 100
EPOCHS = 35""",
        """code_in = keras.Input(shape=(THOUGHT_VECTOR,), name="code")
decoder = keras.Model(code_in, layers.Dense(PIXELS, activation="sigmoid", name="image_out")(code_in),
                      name="decoder")
pixels_in = keras.Input(shape=(PIXELS,), name="image")
encoder = keras.Model(pixels_in, layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(pixels_in),
                      name="encoder")
image_in = keras.Input(shape=(PIXELS,))
autoencoder = keras.Model(image_in, decoder(encoder(image_in)), name="autoencoder")
autoencoder.compile(loss="binary_crossentropy", optimizer=keras.optimizers.AdamW(weight_decay=WEIGHT_DECAY))""",
        """validation = tf.data.Dataset.from_tensor_slices((x_val, x_val)).batch(BATCH_SIZE)
training = tf.data.Dataset.from_tensor_slices((x_train, x_train)).shuffle(len(x_train)).batch(BATCH_SIZE)
history = autoencoder.fit(training, validation_data=validation, epochs=EPOCHS, verbose=2)"""), None),
    "batchnorm-model-only": ("batchnorm", (
        """EPOCHS = 45
BATCH_SIZE = 50
WIDTH = 384
LEAK = 0.1""",
        """picture = keras.Input(shape=(PIXELS,))
act = layers.Dense(WIDTH)(picture)
act = layers.BatchNormalization()(act)
act = layers.LeakyReLU(negative_slope=LEAK)(act)
tvec = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(act)
encoder = keras.Model(picture, tvec, name="encoder")
tvec_in = keras.Input(shape=(THOUGHT_VECTOR,))
act = layers.LeakyReLU(negative_slope=LEAK)(layers.BatchNormalization()(layers.Dense(WIDTH)(tvec_in)))
decoder = keras.Model(tvec_in, layers.Dense(PIXELS, activation="sigmoid")(act), name="decoder")
autoencoder = keras.Model(picture, decoder(encoder(picture)))
autoencoder.compile(keras.optimizers.Nadam(1e-3), "binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE,
                          validation_split=0.0, validation_data=(x_val, x_val), verbose=2)"""), "subclass"),
    "sgd-model-only": ("sgd", (
        """EPOCHS = 50
BATCH_SIZE = 256
MOMENTUM = 0.9
START_RATE = 0.5
DECAY_STEPS = 1000""",
        """schedule = keras.optimizers.schedules.ExponentialDecay(START_RATE, DECAY_STEPS, 0.9)
inp = keras.Input((PIXELS,))
enc = layers.Dense(THOUGHT_VECTOR, name="thought_vector", activation="tanh", kernel_initializer="glorot_normal")(inp)
encoder = keras.Model(inp, enc, name="encoder")
dec_in = keras.Input((THOUGHT_VECTOR,))
dec = layers.Dense(PIXELS, activation="sigmoid", kernel_initializer="glorot_normal")(dec_in)
decoder = keras.Model(dec_in, dec, name="decoder")
autoencoder = keras.Model(inp, decoder(encoder(inp)), name="autoencoder")
autoencoder.compile(keras.optimizers.SGD(schedule, momentum=MOMENTUM, nesterov=True), "binary_crossentropy")""",
        """history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True,
                          validation_data=(x_val, x_val), verbose=2)"""), "sgd-model-only"),
}


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
    ("kit-renamed", KIT_SOLUTION, ("rename", "comments")),
    ("kit-all", KIT_SOLUTION, ("rename", "reorder", "comments", "blank_lines", "setting")),
    *((name, source, (f"rewritten:{name}",)) for name, (source, _, _) in REWRITTEN.items()),
)
# Which originals choose the settings and which measure them: half of the styles each, three textbook-minimal
# solutions in each half.
TUNING = ("plain", "deep", "sequential", "denoising", "sgd", "minimal-a", "minimal-b", "minimal-c")
HELD_OUT = ("functions", "batchnorm", "subclass", "augmented", KIT_SOLUTION, "minimal-d", "minimal-e", "minimal-f")


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
    """The full text of an independent solution (the kit's own task1.py for KIT_SOLUTION)."""
    return source_of("task1.py") if name == KIT_SOLUTION else filled(SOLUTIONS[name])


NEW_NAMES = {"image": "inp", "code": "hcode", "encoder_input": "enc_in", "history": "hist", "inputs": "xs",
             "thought": "tvec", "clean": "x_clean", "stop": "early", "autoencoder_input": "ai", "h": "hid",
             "z": "zz", "out": "recon", "pixels_in": "p_in", "hidden": "hdn", "code_in": "c_in", "entry": "door",
             "back": "rear", "thoughts": "tt", "img": "picture", "y": "act", "tv": "tvec2", "tv_in": "tvec_in",
             "mask": "flip_mask", "batch": "b", "data": "ds", "images": "imgs", "noisy": "dirty", "t": "tin",
             "plateau": "rlr", "checkpoint": "ckpt", "coder": "model_parts", "shift": "mover", "moved": "mv",
             "thought_input": "t_in", "logits": "lg", "mean_logit": "bias0", "pixel_mean": "avg_pixels"}


def copy_of(source, how):
    """The copy a student makes of an original: "model_only:<donor>" keeps only its model (the donor's settings
    and training around it), "rewritten:<name>" is the hand-written rewrite REWRITTEN[name]; then each other
    disguise of `how` in turn."""
    text = original(source)
    for step in how:
        if step.startswith("model_only:"):
            donor = SOLUTIONS[step.split(":")[1]]
            text = filled((donor[0], SOLUTIONS[source][1], donor[2]))
        elif step.startswith("rewritten:"):
            text = filled(REWRITTEN[step.split(":")[1]][1])
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


PARTS = ("settings", "model", "training")  # the three TODO blocks a solution fills


def make_class(folder, names=None):
    """Write each student's task1.py under folder/<student>/ (`names`: the originals to include with their
    copies, default all); return {student: the (original, part) pairs its code comes from}. Two students
    copied when these meet: a partial copy shares the model of one original and the settings and training of
    another (or its own)."""
    names = names or (*SOLUTIONS, KIT_SOLUTION)
    lineage = {name: {(name, part) for part in PARTS} for name in names}
    for copy, source, how in COPIES:
        if source not in names:
            continue
        rest = source
        for step in how:
            if step.startswith("model_only:"):
                rest = step.split(":")[1]
            elif step.startswith("rewritten:"):
                rest = REWRITTEN[step[10:]][2] or source
        lineage[copy] = {(source, "model"), (rest, "settings"), (rest, "training")}
    for student in lineage:
        source = student if student in names else next(s for c, s, _ in COPIES if c == student)
        how = next((h for c, s, h in COPIES if c == student), ())
        os.makedirs(os.path.join(folder, student), exist_ok=True)
        with open(os.path.join(folder, student, "task1.py"), "w", encoding="utf-8") as f:
            f.write(copy_of(source, how))
    return lineage
