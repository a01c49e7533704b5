#!/usr/bin/python3
"""Builds the small ONNX models the serving tests run, and the outputs they must produce.

Run with Debian's Python (the exporters come from Debian's packages, not from pip):

    apt-get install -y --no-install-recommends python3-torch python3-onnx
    /usr/bin/python3 scripts/models/make_fixture_models.py

It writes, deterministically (fixed seeds, fixed inputs), into src/serving/fixtures/models/:

- tabular_classifier.onnx  PyTorch MLP exported by torch.onnx: features FP32 [batch, 10]
                           -> probabilities FP32 [batch, 3] (softmax), label INT64 [batch] (argmax).
- token_scorer.onnx        PyTorch embedding model exported by torch.onnx: token_ids INT64 [batch, tokens],
                           mask BOOL [batch, tokens] -> score FP32 [batch, 1] (sigmoid of a masked mean).
- all_types_identity.onnx  built with onnx.helper: for each Open Inference Protocol datatype D an input
                           D_in [n] and an output D_out = Identity(D_in) of the matching ONNX element type.
- shape_edge_cases.onnx    built with onnx.helper: scalar FP32 [] and any_rank FP32 (no shape at all) -> Identity
                           outputs; ONNX Runtime reports both shapes as [], so Osprey reads the file to tell them apart.
- bfloat16_input.onnx, sequence_output.onnx
                           built with onnx.helper: models ONNX Runtime loads but the protocol cannot serve
                           (a BFLOAT16 input; a sequence output), which Osprey must refuse with a clear message.
- expected.json            inputs and the outputs PyTorch computes for them (the oracle for the ONNX Runtime tests).

The committed files are what this script produced with torch 1.13 and onnx 1.12 (Debian bookworm).
"""

import hashlib
import json
import math
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'serving', 'fixtures', 'models')
OPSET = 13


class TabularClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(10, 16)
        self.head = torch.nn.Linear(16, 3)

    def forward(self, features):
        probabilities = torch.softmax(self.head(torch.relu(self.hidden(features))), dim=1)
        return probabilities, torch.argmax(probabilities, dim=1)


class TokenScorer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(50, 4)
        self.head = torch.nn.Linear(4, 1)

    def forward(self, token_ids, mask):
        weights = mask.to(torch.float32).unsqueeze(-1)
        summed = (self.embedding(token_ids) * weights).sum(dim=1)
        count = weights.sum(dim=1).clamp(min=1.0)
        return torch.sigmoid(self.head(summed / count))


def export(model, args, path, input_names, output_names, dynamic_axes):
    model.eval()
    torch.onnx.export(
        model,
        args,
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
    )


def tabular_classifier():
    torch.manual_seed(0)
    model = TabularClassifier()
    path = os.path.join(OUT_DIR, 'tabular_classifier.onnx')
    example = torch.zeros(1, 10)
    export(
        model,
        (example,),
        path,
        ['features'],
        ['probabilities', 'label'],
        {'features': {0: 'batch'}, 'probabilities': {0: 'batch'}, 'label': {0: 'batch'}},
    )
    features = np.random.default_rng(1).normal(size=(5, 10)).astype(np.float32)
    with torch.no_grad():
        probabilities, label = model(torch.from_numpy(features))
    return {
        'inputs': {'features': tensor_json('FP32', features)},
        'outputs': {
            'probabilities': tensor_json('FP32', probabilities.numpy()),
            'label': tensor_json('INT64', label.numpy()),
        },
    }


def token_scorer():
    torch.manual_seed(0)
    model = TokenScorer()
    path = os.path.join(OUT_DIR, 'token_scorer.onnx')
    export(
        model,
        (torch.zeros(1, 3, dtype=torch.int64), torch.ones(1, 3, dtype=torch.bool)),
        path,
        ['token_ids', 'mask'],
        ['score'],
        {'token_ids': {0: 'batch', 1: 'tokens'}, 'mask': {0: 'batch', 1: 'tokens'}, 'score': {0: 'batch'}},
    )
    rng = np.random.default_rng(2)
    token_ids = rng.integers(0, 50, size=(4, 6), dtype=np.int64)
    mask = np.array(
        [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], dtype=np.bool_
    )
    with torch.no_grad():
        score = model(torch.from_numpy(token_ids), torch.from_numpy(mask))
    return {
        'inputs': {'token_ids': tensor_json('INT64', token_ids), 'mask': tensor_json('BOOL', mask)},
        'outputs': {'score': tensor_json('FP32', score.numpy())},
    }


# Open Inference Protocol datatype -> ONNX TensorProto element type (onnx.proto's DataType enum).
V2_TO_ONNX = {
    'BOOL': TensorProto.BOOL,
    'UINT8': TensorProto.UINT8,
    'UINT16': TensorProto.UINT16,
    'UINT32': TensorProto.UINT32,
    'UINT64': TensorProto.UINT64,
    'INT8': TensorProto.INT8,
    'INT16': TensorProto.INT16,
    'INT32': TensorProto.INT32,
    'INT64': TensorProto.INT64,
    'FP16': TensorProto.FLOAT16,
    'FP32': TensorProto.FLOAT,
    'FP64': TensorProto.DOUBLE,
    'BYTES': TensorProto.STRING,
}


def all_types_identity():
    inputs, outputs, nodes = [], [], []
    for datatype, element_type in V2_TO_ONNX.items():
        inputs.append(helper.make_tensor_value_info(f'{datatype}_in', element_type, ['n']))
        outputs.append(helper.make_tensor_value_info(f'{datatype}_out', element_type, ['n']))
        nodes.append(helper.make_node('Identity', [f'{datatype}_in'], [f'{datatype}_out'], name=f'{datatype}_identity'))
    graph = helper.make_graph(nodes, 'all_types_identity', inputs, outputs)
    model = helper.make_model(graph, producer_name='osprey-fixtures', opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT_DIR, 'all_types_identity.onnx'))


def shape_edge_cases():
    scalar = helper.make_tensor_value_info('scalar', TensorProto.FLOAT, [])
    any_rank = helper.make_tensor_value_info('any_rank', TensorProto.FLOAT, None)
    scalar_out = helper.make_tensor_value_info('scalar_out', TensorProto.FLOAT, [])
    any_rank_out = helper.make_tensor_value_info('any_rank_out', TensorProto.FLOAT, None)
    nodes = [helper.make_node('Identity', ['scalar'], ['scalar_out']), helper.make_node('Identity', ['any_rank'], ['any_rank_out'])]
    graph = helper.make_graph(nodes, 'shape_edge_cases', [scalar, any_rank], [scalar_out, any_rank_out])
    model = helper.make_model(graph, producer_name='osprey-fixtures', opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = 8
    # No onnx.checker here: onnx 1.12's checker insists on a shape for graph inputs, but ONNX Runtime loads
    # a value of unknown rank, and that is the case this model exists to test.
    onnx.save(model, os.path.join(OUT_DIR, 'shape_edge_cases.onnx'))


def float16_oracle():
    """numpy's correctly rounded float64 -> binary16 conversion, for the FP16 codec: ties, subnormals, overflow."""
    values = [0.0, -0.0, 1.0, -2.5, 0.1, 1 / 3, 65504.0, 65519.99, 65520.0, 1e6, -1e6, 2**-14, 2**-24, 2**-25,
              2**-25 * 1.0000001, 3 * 2**-26, 5.960464477539063e-08, 6.097555160522461e-05, 1.0009765625,
              1.00048828125, 1.00146484375, 2049.0, 2051.0, 1e-10, 123.456, -0.000123]
    values += np.random.default_rng(3).normal(scale=100.0, size=24).tolist()
    with np.errstate(over='ignore'):  # 1e6 overflowing to infinity is one of the cases
        bits = np.array(values, dtype=np.float64).astype(np.float16).view(np.uint16)
    back = bits.view(np.float16).astype(np.float64).tolist()
    # JSON has no Infinity: non-finite values are written as the strings 'inf' and '-inf'.
    return {'values': values, 'bits': bits.tolist(), 'back': [v if math.isfinite(v) else repr(v) for v in back]}


def unservable_models():
    x = helper.make_tensor_value_info('x', TensorProto.BFLOAT16, ['n'])
    y = helper.make_tensor_value_info('y', TensorProto.BFLOAT16, ['n'])
    graph = helper.make_graph([helper.make_node('Identity', ['x'], ['y'])], 'bfloat16_input', [x], [y])
    save_checked(graph, 'bfloat16_input.onnx')
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, ['n'])
    items = helper.make_tensor_sequence_value_info('items', TensorProto.FLOAT, None)
    graph = helper.make_graph([helper.make_node('SequenceConstruct', ['x'], ['items'])], 'sequence_output', [x], [items])
    save_checked(graph, 'sequence_output.onnx')


def save_checked(graph, file_name):
    model = helper.make_model(graph, producer_name='osprey-fixtures', opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT_DIR, file_name))


def tensor_json(datatype, array):
    return {'datatype': datatype, 'shape': list(array.shape), 'data': array.reshape(-1).tolist()}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    expected = {
        'producer': {'torch': torch.__version__, 'onnx': onnx.__version__},
        'tabular_classifier': tabular_classifier(),
        'token_scorer': token_scorer(),
        'float16': float16_oracle(),
    }
    all_types_identity()
    shape_edge_cases()
    unservable_models()
    with open(os.path.join(OUT_DIR, 'expected.json'), 'w') as out:
        json.dump(expected, out, indent=1, allow_nan=False)
        out.write('\n')
    for name in sorted(os.listdir(OUT_DIR)):
        with open(os.path.join(OUT_DIR, name), 'rb') as f:
            data = f.read()
        print(f'{name}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()[:16]}')


if __name__ == '__main__':
    main()
