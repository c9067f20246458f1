"""The code the starters' TODO comments prescribe, for the copying check: every student writes it, in these or
nearly these words (the names the comments give: encoder, decoder, autoencoder, thought_vector, history, the
outputs "reconstruction" and "digit" with their loss, loss_weights and metrics dicts), so it is boilerplate as
the starter is, and two students sharing it have copied nothing.
"""

import io

from copydetect import CodeFingerprint

# The encoder and decoder both tasks' TODO comments prescribe.
ENCODER_DECODER = '''
image = keras.Input(shape=(PIXELS,))
thought_vector = layers.Dense(THOUGHT_VECTOR, activation="tanh", name="thought_vector")(image)
encoder = keras.Model(image, thought_vector, name="encoder")
thought = keras.Input(shape=(THOUGHT_VECTOR,))
decoder = keras.Model(thought, layers.Dense(PIXELS, activation="sigmoid")(thought), name="decoder")
'''
PRESCRIBED = {
    "task1": ENCODER_DECODER + '''autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
history = autoencoder.fit(x_train, x_train, epochs=EPOCHS, batch_size=BATCH_SIZE, validation_data=(x_val, x_val),
                          verbose=2)
''',
    "task2": ENCODER_DECODER + '''code = keras.Input(shape=(THOUGHT_VECTOR,))
classifier = keras.Model(code, layers.Dense(DIGITS, activation="softmax")(code), name="classifier")
thought = encoder(image)
model = keras.Model(image, {"reconstruction": decoder(thought), "digit": classifier(thought)})
model.compile(optimizer="adam",
              loss={"reconstruction": "binary_crossentropy", "digit": "sparse_categorical_crossentropy"},
              loss_weights={"reconstruction": 1.0, "digit": 1.0}, metrics={"digit": ["accuracy"]})
history = model.fit(x_train, {"reconstruction": x_train, "digit": y_train}, epochs=EPOCHS, batch_size=BATCH_SIZE,
                    validation_data=(x_val, {"reconstruction": x_val, "digit": y_val}), verbose=2)
''',
}


def fingerprints(task: str, k: int, window: int) -> set[int]:
    """The winnowed fingerprints of the code prescribed for a task (copydetect's, as the files' are taken)."""
    if task not in PRESCRIBED:
        return set()
    return set(CodeFingerprint("prescribed.py", k, window, fp=io.StringIO(PRESCRIBED[task])).hashes)
