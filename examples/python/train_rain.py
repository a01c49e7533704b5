"""Trains the example rain model (the same JSON format as examples/lib/weather.ts) with the standard library only.

Run by the `train-python` command component; every path and value comes from the command's placeholders.
"""
import argparse
import csv
import json
import math

FEATURES = ["precipitation", "temp_max", "temp_min", "wind"]

parser = argparse.ArgumentParser()
for flag in ["--data", "--model", "--metrics", "--accuracy", "--report"]:
    parser.add_argument(flag, required=True)
parser.add_argument("--learning-rate", type=float, required=True)
parser.add_argument("--epochs", type=int, required=True)
args = parser.parse_args()

with open(args.data, newline="") as f:
    rows = [r for r in csv.DictReader(f) if all(r[k] != "" for k in FEATURES)]
x = [[float(r[k]) for k in FEATURES] for r in rows]
y = [1.0 if r["weather"] == "rain" else 0.0 for r in rows]
cut = int(len(x) * 0.8)  # oldest 80 % to train, newest 20 % to evaluate, as the TypeScript trainer does
means = [sum(c) / cut for c in zip(*x[:cut])]
stds = [math.sqrt(sum((v - m) ** 2 for v in c) / cut) or 1.0 for c, m in zip(zip(*x[:cut]), means)]
z = [[(v - m) / s for v, m, s in zip(row, means, stds)] for row in x]

weights, bias = [0.0] * len(FEATURES), 0.0
for _ in range(args.epochs):
    grad, grad_bias = [0.0] * len(FEATURES), 0.0
    for row, label in zip(z[:cut], y[:cut]):
        error = 1 / (1 + math.exp(-(bias + sum(v * w for v, w in zip(row, weights))))) - label
        grad = [g + error * v for g, v in zip(grad, row)]
        grad_bias += error
    weights = [w - args.learning_rate * g / cut for w, g in zip(weights, grad)]
    bias -= args.learning_rate * grad_bias / cut

test = list(zip(z[cut:], y[cut:]))
correct = sum((bias + sum(v * w for v, w in zip(row, weights)) >= 0) == (label == 1.0) for row, label in test)
accuracy = correct / len(test)
model = {
    "kind": "osprey-example.rain-logistic/v1",
    "features": ["precipitation", "tempMax", "tempMin", "wind"],
    "means": means,
    "stds": stds,
    "weights": weights,
    "bias": bias,
}
with open(args.model, "w") as f:
    json.dump(model, f)
with open(args.metrics, "w") as f:
    json.dump({"accuracy": accuracy}, f)
with open(args.accuracy, "w") as f:
    f.write(repr(accuracy))
with open(args.report, "w") as f:
    f.write(f"trained on {cut} days, evaluated on {len(test)}: accuracy {accuracy:.4f}\n")
