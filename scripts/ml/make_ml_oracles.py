#!/usr/bin/python3
"""Oracle for src/ml: scikit-learn's multinomial logistic regression on the bundled Seattle weather data.

Run with Debian's Python (python3-sklearn, python3-numpy):

    /usr/bin/python3 scripts/ml/make_ml_oracles.py

Writes src/ml/fixtures/seattle-weather-sklearn.json: the coefficients, intercepts, holdout probabilities and
accuracy scikit-learn finds for the same problem as trainLogisticRegression with its defaults — the features of
src/ml/seattle-weather.ts as float32, standardized as src/ml/preprocessing/standardizer.ts does (float32 mean and
population standard deviation, float32 rounding after the subtraction and the division), training on 2012–2014,
holdout 2015, L2 penalty λ = 1e-3 on the mean loss, i.e. scikit-learn's C = 1 / (λ · rows).

scikit-learn's newton-cg is used with a tight tolerance (its gradient is of the summed loss, so 1e-8 there is ~1e-11
on the mean loss): lbfgs stops earlier, at a point whose loss is higher than the one our L-BFGS reaches.
Both start from zero and move along gradients whose intercept part sums to zero, so the (otherwise unidentified)
intercepts agree too.
"""

import csv
import datetime
import json
import math
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CSV = os.path.join(ROOT, "node_modules", "vega-datasets", "data", "seattle-weather.csv")
OUT = os.path.join(ROOT, "src", "ml", "fixtures", "seattle-weather-sklearn.json")
L2 = 1e-3


def features(row):
    date = datetime.date.fromisoformat(row["date"])
    angle = 2 * math.pi * (date.timetuple().tm_yday - 1) / 365.25
    return [float(row["precipitation"]), float(row["temp_max"]), float(row["temp_min"]), float(row["wind"]),
            math.sin(angle), math.cos(angle)]


def main():
    with open(CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([features(r) for r in rows], dtype=np.float32)
    y = np.array([r["weather"] for r in rows])
    train = np.array([r["date"] < "2015" for r in rows])
    holdout = ~train

    xt = x[train].astype(np.float64)
    mean = xt.mean(axis=0).astype(np.float32)
    std = np.sqrt(((xt - mean.astype(np.float64)) ** 2).mean(axis=0)).astype(np.float32)
    std[std == 0] = 1

    def standardize(values):
        return ((values - mean).astype(np.float32) / std).astype(np.float32).astype(np.float64)

    n = int(train.sum())
    model = LogisticRegression(C=1 / (L2 * n), solver="newton-cg", tol=1e-8, max_iter=100000)
    model.fit(standardize(x[train]), y[train])
    probabilities = model.predict_proba(standardize(x[holdout]))
    predicted = model.classes_[probabilities.argmax(axis=1)]
    result = {
        "source": "scripts/ml/make_ml_oracles.py (scikit-learn %s, numpy %s)" % (
            __import__("sklearn").__version__, np.__version__),
        "l2": L2,
        "trainRows": n,
        "classes": model.classes_.tolist(),
        "featureMean": mean.tolist(),
        "featureScale": std.tolist(),
        # weights [n_features][n_classes], as trainLogisticRegression lays them out
        "weights": model.coef_.T.tolist(),
        "intercepts": model.intercept_.tolist(),
        "holdoutProbabilities": probabilities.tolist(),
        "holdoutAccuracy": float((predicted == y[holdout]).mean()),
    }
    with open(OUT, "w") as f:  # one key per line; probabilities to 1e-9, far below the tests' tolerance
        result["holdoutProbabilities"] = [[round(p, 9) for p in row] for row in result["holdoutProbabilities"]]
        f.write("{\n" + ",\n".join("%s: %s" % (json.dumps(k), json.dumps(v)) for k, v in result.items()) + "\n}\n")
    print("wrote %s (holdout accuracy %.4f)" % (OUT, result["holdoutAccuracy"]))


if __name__ == "__main__":
    main()
