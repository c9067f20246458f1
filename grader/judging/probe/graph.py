"""Questions about a Keras functional graph, asked by the probe of the model a task2.py trained (and by the tests)."""

import keras


def producer(tensor: keras.KerasTensor) -> tuple[keras.Operation, list[keras.KerasTensor]]:
    """The operation that made a symbolic tensor, and the tensors it read."""
    history = tensor._keras_history
    node = history.operation._inbound_nodes[history.node_index]
    return history.operation, node.input_tensors


def is_thought_vector(operation: keras.Operation) -> bool:
    """The thought-vector layer itself, or a one-output model (the encoder) that ends in it."""
    if operation.name == "thought_vector":
        return True
    return (
        isinstance(operation, keras.Model)
        and len(operation.outputs) == 1
        and operation.outputs[0]._keras_history.operation.name == "thought_vector"
    )


def skips_thought_vector(tensor: keras.KerasTensor) -> bool:
    """True if some path from a model input reaches `tensor` without passing the thought vector."""
    operation, inputs = producer(tensor)
    if is_thought_vector(operation):
        return False
    if isinstance(operation, keras.layers.InputLayer):
        return True
    return any(skips_thought_vector(t) for t in inputs)


def activation(operation: keras.Operation) -> str | None:
    """The activation of a layer, or of the last layer of a model."""
    layer = operation.layers[-1] if isinstance(operation, keras.Model) else operation
    return layer.get_config().get("activation")
