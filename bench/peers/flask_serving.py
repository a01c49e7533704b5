"""The peer of bench/serving.ts: the serving pattern Osprey must beat — a Flask app under gunicorn (2 sync
workers) answering Open Inference Protocol V2 JSON requests for the same ONNX model.

Debian 12 has no python3-onnxruntime, so the model runs in NumPy: its weights are read from the ONNX file with
python3-onnx and the same graph is computed (tabular_classifier: Gemm → Relu → Gemm → Softmax, ArgMax).
Run by the benchmark as: gunicorn -w 2 -b 127.0.0.1:PORT --chdir bench/peers flask_serving:app
with OSPREY_BENCH_MODEL=<path to tabular_classifier.onnx>.
"""

import os

import numpy as np
import onnx
from flask import Flask, jsonify, request
from onnx import numpy_helper

model = onnx.load(os.environ['OSPREY_BENCH_MODEL'])
weights = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
gemms = [node for node in model.graph.node if node.op_type == 'Gemm']


def dense(node, x):
    w = weights[node.input[1]]
    b = weights[node.input[2]]
    trans_b = next((a.i for a in node.attribute if a.name == 'transB'), 0)
    return x @ (w.T if trans_b else w) + b


def predict(features):
    hidden = np.maximum(dense(gemms[0], features), 0.0)
    logits = dense(gemms[1], hidden)
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return probabilities, probabilities.argmax(axis=1)


app = Flask(__name__)


@app.post('/v2/models/<name>/infer')
def infer(name):
    body = request.get_json()
    tensor = body['inputs'][0]
    features = np.asarray(tensor['data'], dtype=np.float32).reshape(tensor['shape'])
    probabilities, label = predict(features)
    return jsonify(
        model_name=name,
        outputs=[
            {'name': 'probabilities', 'datatype': 'FP32', 'shape': list(probabilities.shape),
             'data': probabilities.ravel().tolist()},
            {'name': 'label', 'datatype': 'INT64', 'shape': list(label.shape), 'data': label.tolist()},
        ],
    )
