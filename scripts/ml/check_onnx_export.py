#!/usr/bin/python3
"""Checks ONNX files with ONNX's own validator: onnx.checker.check_model(full_check=True), which also runs strict
shape inference, then prints each model's declared inputs/outputs and operators.

Run with Debian's Python (python3-onnx):

    /usr/bin/python3 scripts/ml/check_onnx_export.py FILE.onnx...
"""

import sys

import onnx


def describe(value):
    tensor = value.type.tensor_type
    dims = [d.dim_param or d.dim_value for d in tensor.shape.dim]
    return "%s %s %s" % (value.name, onnx.TensorProto.DataType.Name(tensor.elem_type), dims)


def main(paths):
    if not paths:
        print(__doc__)
        return 2
    for path in paths:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        opsets = ", ".join("%s=%d" % (o.domain or "ai.onnx", o.version) for o in model.opset_import)
        print("%s: valid (onnx %s, IR %d, %s)" % (path, onnx.__version__, model.ir_version, opsets))
        print("  inputs:  " + "; ".join(describe(v) for v in model.graph.input))
        print("  outputs: " + "; ".join(describe(v) for v in model.graph.output))
        print("  nodes:   " + ", ".join("%s%s" % (n.domain + "." if n.domain else "", n.op_type) for n in model.graph.node))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
