"""Builders of malformed ONNX models for the robustness matrix.

Each builder returns the model as bytes (some write companion files into a
folder they are given). Models that onnx.helper can express are built with
it; what it refuses to build (deep nesting, truncated files) is raw bytes.
"""
import random

from onnx import TensorProto, helper

F32 = TensorProto.FLOAT


def model_bytes(nodes, inputs, outputs, initializers=(), opset=17, extra_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(initializers))
    opsets = [helper.make_opsetid("", opset)] if opset is not None else []
    opsets += [helper.make_opsetid(domain, version) for domain, version in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8
    return model.SerializeToString()


def vi(name, dims, dtype=F32):
    return helper.make_tensor_value_info(name, dtype, dims)


def relu_model():
    """x[2,3] -> Relu -> y: the valid starting point of the byte-level cases."""
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2, 3])], [vi("y", [2, 3])])


def truncated():
    data = relu_model()
    return data[: len(data) // 2]


def bit_flips(count, seed=1):
    """`count` copies of the Relu model, each with one random bit flipped."""
    data = relu_model()
    rng = random.Random(seed)
    variants = []
    for _ in range(count):
        b = bytearray(data)
        pos = rng.randrange(len(b))
        b[pos] ^= 1 << rng.randrange(8)
        variants.append(bytes(b))
    return variants


def random_bytes(size, seed):
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


# --- protobuf wire format, for what onnx.helper cannot build ---------------

def _varint(v):
    out = bytearray()
    while True:
        byte = v & 0x7F
        v >>= 7
        if v:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, payload):
    """A length-delimited field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def deep_nesting(depth):
    """If nodes whose then_branch holds an If node ... `depth` graphs deep.

    GraphProto.node = 1, NodeProto.op_type = 4, NodeProto.attribute = 5,
    AttributeProto.name = 1, AttributeProto.g = 6, AttributeProto.type = 20
    (GRAPH = 5), ModelProto.graph = 7.
    """
    graph = b""
    for _ in range(depth):
        attr = _field(1, b"then_branch") + _varint(20 << 3) + _varint(5) + _field(6, graph)
        node = _field(4, b"If") + _field(5, attr)
        graph = _field(1, node)
    opset = _field(8, _varint(2 << 3) + _varint(17))  # ModelProto.opset_import = 8
    return _varint(1 << 3) + _varint(8) + opset + _field(7, graph)


# --- graph structure --------------------------------------------------------

def graph_cycle():
    nodes = [helper.make_node("Relu", ["b"], ["a"], name="first"),
             helper.make_node("Relu", ["a"], ["b"], name="second")]
    return model_bytes(nodes, [vi("x", [2])], [vi("b", [2])])


def dangling_input():
    return model_bytes([helper.make_node("Relu", ["nowhere"], ["y"], name="relu1")],
                       [vi("x", [2])], [vi("y", [2])])


def dangling_output():
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2])], [vi("y", [2]), vi("ghost", [2])])


def duplicate_output():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu1"),
             helper.make_node("Neg", ["x"], ["y"], name="neg1")]
    return model_bytes(nodes, [vi("x", [2])], [vi("y", [2])])


def output_shadows_input():
    return model_bytes([helper.make_node("Relu", ["x"], ["x"], name="relu1")],
                       [vi("x", [2])], [vi("x", [2])])


def duplicate_graph_input():
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2]), vi("x", [2])], [vi("y", [2])])


def duplicate_initializer():
    w1 = helper.make_tensor("w", F32, [2], [1.0, 2.0])
    w2 = helper.make_tensor("w", F32, [2], [3.0, 4.0])
    return model_bytes([helper.make_node("Add", ["x", "w"], ["y"], name="add1")],
                       [vi("x", [2])], [vi("y", [2])], [w1, w2])


# --- attributes ---------------------------------------------------------------

def concat_model(attributes):
    node = helper.make_node("Concat", ["x", "x"], ["y"], name="cat1")
    node.attribute.extend(attributes)
    return model_bytes([node], [vi("x", [2, 3])], [vi("y", None)])


def missing_attribute():
    return concat_model([])


def duplicated_attribute():
    return concat_model([helper.make_attribute("axis", 0), helper.make_attribute("axis", 1)])


def wrong_typed_attribute():
    return concat_model([helper.make_attribute("axis", "zero")])


# --- tensors --------------------------------------------------------------------

def add_initializer_model(tensor):
    return model_bytes([helper.make_node("Add", ["x", tensor.name], ["y"], name="add1")],
                       [vi("x", [2, 3])], [vi("y", None)], [tensor])


def raw_data_length():
    t = TensorProto(name="w", data_type=F32, dims=[2, 3], raw_data=b"\0" * 20)
    return add_initializer_model(t)


def typed_data_count():
    return add_initializer_model(TensorProto(name="w", data_type=F32, dims=[2, 3], float_data=[1.0] * 5))


def dims_overflow_initializer():
    t = TensorProto(name="w", data_type=F32, dims=[1 << 62, 4])
    return add_initializer_model(t)


def dims_overflow_input():
    dims = [1 << 31, 1 << 31, 1 << 31]
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", dims)], [vi("y", dims)])


def negative_dim_initializer():
    t = TensorProto(name="w", data_type=F32, dims=[-3])
    return add_initializer_model(t)


def negative_dim_input():
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2, -5])], [vi("y", None)])


def reshape_negative_shape():
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [-2, 3])
    return model_bytes([helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape1")],
                       [vi("x", [2, 3])], [vi("y", None)], [shape])


# --- axes, windows, permutations -------------------------------------------

def softmax_axis_out_of_range():
    return model_bytes([helper.make_node("Softmax", ["x"], ["y"], name="softmax1", axis=7)],
                       [vi("x", [2, 3])], [vi("y", None)])


def reduce_axes_out_of_range():
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [5])
    return model_bytes([helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum1")],
                       [vi("x", [2, 3])], [vi("y", None)], [axes])


def reduce_duplicate_axes():
    axes = helper.make_tensor("axes", TensorProto.INT64, [2], [1, -1])
    return model_bytes([helper.make_node("ReduceSum", ["x", "axes"], ["y"], name="sum1")],
                       [vi("x", [2, 3])], [vi("y", None)], [axes])


def unsqueeze_duplicate_axes():
    axes = helper.make_tensor("axes", TensorProto.INT64, [2], [0, 0])
    return model_bytes([helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="unsq1")],
                       [vi("x", [2, 3])], [vi("y", None)], [axes])


def transpose_duplicate_perm():
    return model_bytes([helper.make_node("Transpose", ["x"], ["y"], name="tr1", perm=[0, 0])],
                       [vi("x", [2, 3])], [vi("y", None)])


def transpose_perm_out_of_range():
    return model_bytes([helper.make_node("Transpose", ["x"], ["y"], name="tr1", perm=[0, 5])],
                       [vi("x", [2, 3])], [vi("y", None)])


def conv_model(**attrs):
    """x[1,4,5,5] conv w[4,c,3,3]; `c` = 4 / group when group divides 4."""
    group = attrs.get("group", 1)
    c = 4 // group if group > 0 and 4 % group == 0 else 4
    w = helper.make_tensor("w", F32, [4, c, 3, 3], [0.5] * (4 * c * 9))
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv1", **attrs)
    return model_bytes([node], [vi("x", [1, 4, 5, 5])], [vi("y", None)], [w])


# --- ops, opsets ------------------------------------------------------------

def unknown_ops():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="ok_relu"),
             helper.make_node("Unique", ["a"], ["b"], name="uniq1"),
             helper.make_node("FancyOp", ["b"], ["c"], name="custom1", domain="com.example"),
             helper.make_node("LabelEncoder", ["c"], ["y"], name="ml1", domain="ai.onnx.ml")]
    return model_bytes(nodes, [vi("x", [4])], [vi("y", None)],
                       extra_opsets=[("com.example", 1), ("ai.onnx.ml", 3)])


def opset_too_new():
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2])], [vi("y", [2])], opset=99)


def opset_missing():
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", [2])], [vi("y", [2])], opset=None,
                       extra_opsets=[("com.example", 1)])


# --- external data ----------------------------------------------------------

def external_model(location, offset=None, length=None):
    t = TensorProto(name="w", data_type=F32, dims=[2, 3])
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return add_initializer_model(t)


# --- huge sizes -------------------------------------------------------------

def huge_input(dims):
    return model_bytes([helper.make_node("Relu", ["x"], ["y"], name="relu1")],
                       [vi("x", dims)], [vi("y", dims)])


def huge_constant_of_shape():
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [100000, 100000])
    return model_bytes([helper.make_node("ConstantOfShape", ["shape"], ["y"], name="cos1")],
                       [], [vi("y", None)], [shape])


def huge_expand():
    shape = helper.make_tensor("shape", TensorProto.INT64, [3], [1 << 21, 1 << 21, 1 << 21])
    return model_bytes([helper.make_node("Expand", ["x", "shape"], ["y"], name="expand1")],
                       [vi("x", [1])], [vi("y", None)], [shape])
