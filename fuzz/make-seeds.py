"""Writes the seed corpus of every fuzz target into fuzz/corpus/TARGET/ (small valid inputs and
a few near-misses), so that libFuzzer starts from the formats' shapes. Model files come from
the CLI: pass the paths of small model files (one from `shardtrain train`, its `prune`d sparse
and `quantize`d int8 versions) as arguments.
"""
import json
import os
import struct
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def frame(kind, payload):
    return b"STRN" + struct.pack("<HHI", 3, kind, len(payload)) + payload


def doubles(values):
    return struct.pack("<Q", len(values)) + b"".join(struct.pack("<d", v) for v in values)


def floats(values):
    return struct.pack("<Q", len(values)) + b"".join(struct.pack("<f", v) for v in values)


def text(value):
    raw = value.encode()
    return struct.pack("<Q", len(raw)) + raw


libsvm = "+1 1:0.5 3:1 7:-2\n-1 2:1 qid:3\n# comment\n+1 4:1e-3 5:2.5\r\n0 1:1\n"
put("libsvm", "plain", b"\x00" + libsvm.encode())
put("libsvm", "fixed", b"\x90" + libsvm.encode())
put("libsvm", "bom", b"\x00\xef\xbb\xbf" + libsvm.encode())
put("libsvm", "bad", b"\x00+1 3:1 2:1\n1 0:1\nx 1:1\n1 2147483647:1\n")
csv = "label,a,b,c\n1,0.5,2,3\n0,1.5,1,\"4\"\n1,0.25,3,1e3\n"
put("csv", "header", b"\x00" + csv.encode())
put("csv", "plain", b"\x02" + b"1,2,3\n4,5,6\n7,8,9\n")
put("csv", "ragged", b"\x01" + b"a,b\n1,2,3\n\"x\"\"y\",nan\n")


def npy(shape, dtype="<f4", values=None):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (dtype, repr(tuple(shape)))
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    body = b""
    count = 1
    for n in shape:
        count *= n
    fmt = "<f" if dtype == "<f4" else "<d"
    for i in range(count):
        body += struct.pack(fmt, (values or [0.5])[i % len(values or [0.5])])
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body


put("npy", "float32", npy((3, 2), "<f4", [1, 2, 3, 4, 5, 6]))
put("npy", "float64", npy((2, 2), "<f8", [0.25, -1, 3, 4]))
put("npy", "short", npy((4, 4))[:-10])

for index, path in enumerate(sys.argv[2:]):
    other = open(path, "rb").read()
    put("modelfile", "variant%d" % index, other)
    put("safetensors", "variant%d" % index, other)

if len(sys.argv) > 1:
    model = open(sys.argv[1], "rb").read()
    put("modelfile", "small", model)
    put("safetensors", "small", model)
    length = struct.unpack("<Q", model[:8])[0]
    header = json.loads(model[8:8 + length])
    profile = header["__metadata__"].get("reference_profile")
    if profile:
        put("profile", "small", bytes([len(json.loads(profile)["features"])]) + profile.encode())
    put("json", "header", model[8:8 + length])

put("safetensors", "empty", struct.pack("<Q", 2) + b"{}")
put("json", "values", '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {"c": {}}}')
put("json", "deep", "[" * 40 + "]" * 40)
put("profile", "tiny", b'\x01{"rows": 3, "score_name": "probability", "score": [[0.5], [0.5, 0.5]], "features": [[[0, 1], [0.2, 0.3, 0.5]]]}')

summary = struct.pack("<QQ", 100, 4) + b"\x00" + doubles([-1, 1]) + b"\x00" + doubles([1, 2, 3, 4]) + doubles([1, 4, 9, 16]) + text("100:abc") + struct.pack("<d", 100)
setup = text("logistic") + struct.pack("<Q", 4) + doubles([-1, 1]) + doubles([]) + doubles([]) + b"\x01" + struct.pack("<d", 2) + b"\x00" + struct.pack("<Q", 0) + struct.pack("<d", 100)
evaluate = struct.pack("<QQQ", 1, 0, 10) + floats([0.1, 0.2, 0.3, 0.4, 0.5])
result = struct.pack("<Qddd", 1, 3.5, 10, 0.01) + floats([0.1, 0, 0.3, 0, 0.5])
sparse = struct.pack("<Qddd", 1, 3.5, 10, 0.01) + struct.pack("<QQ", 70, 2) + struct.pack("<II", 3, 60) + struct.pack("<ff", 0.5, -1)
rows = b"\x00" + struct.pack("<QQ", 4, 2) + b"\x01" + doubles([1, -1]) + b"\x00" + doubles([]) + floats([1, 2, 3, 4, 5, 6, 7, 8])
plan = struct.pack("<QQ", 1, 1) + struct.pack("<QQ", 0, 5) + struct.pack("<d", 0.1) + b"\x01" + struct.pack("<ddddddQd", 0, 0.9, 0.999, 1e-8, 1, 0, 4, 0.01) + doubles([]) + floats([0, 0, 0, 0, 0])
messages = {1: struct.pack("<I", 2), 2: summary, 3: setup, 4: struct.pack("<Q", 100), 5: evaluate, 6: result,
            7: b"", 8: text("worker 1: bad.svm:3:1: bad label"), 9: struct.pack("<Q", 32) + bytes(32),
            10: struct.pack("<Q", 64) + bytes(range(64)), 11: struct.pack("<II", 1, 4), 12: sparse, 13: b"",
            14: plan, 15: struct.pack("<Qddd", 1, 2, 5, 0.1) + floats([1, 2]), 16: b"", 17: rows,
            18: struct.pack("<Q", 1) + doubles([0.5, 0.25]), 19: struct.pack("<Qdd", 1, 2.5, 0.1)}
for kind, payload in messages.items():
    put("message", "type%02d" % kind, bytes([kind]) + payload)
    put("frame", "type%02d" % kind, frame(kind, payload))
put("frame", "stream", b"".join(frame(k, p) for k, p in list(messages.items())[:5]))

row = [0.5, 1, 0, 2]
put("kserve", "json", b"\x00" + json.dumps({"id": "a", "inputs": [{"name": "input", "shape": [2, 4], "datatype": "FP32", "data": [row, row]}], "outputs": [{"name": "label"}]}).encode())
head = json.dumps({"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 16}}]}).encode()
put("kserve", "binary", bytes([min(len(head), 255)]) + head + struct.pack("<4f", *row))
put("kserve", "hostile", b"\x00" + b'{"inputs":[{"name":"x","shape":[9223372036854775807,4],"datatype":"FP64","data":[]}]}')
put("tfserving", "dense", json.dumps({"instances": [row, row]}))
put("tfserving", "sparse", json.dumps({"instances": [{"1": 0.5, "4": 2}, {}]}))
put("tfserving", "columnar", json.dumps({"inputs": [row]}))
