#!/usr/bin/env bash
# The MLflow Python client's REST calls, made with plain curl against an Osprey server ($OSPREY_URL):
# create an experiment and a run, log to it, search it, upload a model artifact, register a model version from the
# run and point the `champion` alias at it. Each request is printed before it is sent; any unexpected answer fails.
# Optional: DATASET_DIGEST (an Osprey dataset version's digest) is logged as the run's training input.
set -euo pipefail
: "${OSPREY_URL:?set OSPREY_URL to the server, e.g. http://127.0.0.1:5000}"
API="$OSPREY_URL/api/2.0/mlflow"
NOW=$(date +%s%3N)
SUFFIX="${SUFFIX:-$$}"

call() { # METHOD PATH [JSON]: prints the curl line, fails on a non-2xx answer, prints the body
  local method=$1 path=$2 body=${3:-}
  echo "+ curl -X $method $path ${body:+-d '$body'}" >&2
  if [ -n "$body" ]; then
    curl -sS --fail-with-body -X "$method" -H 'Content-Type: application/json' -d "$body" "$path"
  else
    curl -sS --fail-with-body -X "$method" "$path"
  fi
}
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=eval("JSON.parse(s)"+process.argv[1]);if(v===undefined){console.error("missing "+process.argv[1]+" in "+s);process.exit(1)}console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }
expect() { # ACTUAL EXPECTED WHAT
  if [ "$1" != "$2" ]; then echo "FAILED: $3: expected '$2', got '$1'" >&2; exit 1; fi
  echo "ok: $3" >&2
}

EXP=$(call POST "$API/experiments/create" "{\"name\": \"curl-flow-$SUFFIX\"}" | field .experiment_id)
expect "$(call GET "$API/experiments/get-by-name?experiment_name=curl-flow-$SUFFIX" | field .experiment.experiment_id)" "$EXP" "experiment by name"

RUN=$(call POST "$API/runs/create" "{\"experiment_id\": \"$EXP\", \"user_id\": \"ci\", \"start_time\": $NOW, \"run_name\": \"curl-run\", \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"ci\"}, {\"key\": \"mlflow.source.name\", \"value\": \"train.py\"}, {\"key\": \"mlflow.source.type\", \"value\": \"LOCAL\"}, {\"key\": \"mlflow.source.git.commit\", \"value\": \"0123456789abcdef0123456789abcdef01234567\"}]}" | field .run.info.run_id)

call POST "$API/runs/log-batch" "{\"run_id\": \"$RUN\", \"metrics\": [{\"key\": \"loss\", \"value\": 0.9, \"timestamp\": $NOW, \"step\": 0}, {\"key\": \"loss\", \"value\": 0.4, \"timestamp\": $NOW, \"step\": 1}], \"params\": [{\"key\": \"lr\", \"value\": \"0.1\"}, {\"key\": \"depth\", \"value\": \"3\"}], \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}]}" >/dev/null
call POST "$API/runs/log-metric" "{\"run_id\": \"$RUN\", \"run_uuid\": \"$RUN\", \"key\": \"accuracy\", \"value\": 0.91, \"timestamp\": $NOW, \"step\": 1}" >/dev/null
call POST "$API/runs/log-parameter" "{\"run_id\": \"$RUN\", \"run_uuid\": \"$RUN\", \"key\": \"seed\", \"value\": \"7\"}" >/dev/null
call POST "$API/runs/set-tag" "{\"run_id\": \"$RUN\", \"run_uuid\": \"$RUN\", \"key\": \"stage\", \"value\": \"candidate\"}" >/dev/null
if [ -n "${DATASET_DIGEST:-}" ]; then
  call POST "$API/runs/log-inputs" "{\"run_id\": \"$RUN\", \"datasets\": [{\"tags\": [{\"key\": \"mlflow.data.context\", \"value\": \"training\"}], \"dataset\": {\"name\": \"weather\", \"digest\": \"$DATASET_DIGEST\", \"source_type\": \"osprey\", \"source\": \"{}\"}}]}" >/dev/null
fi

echo "+ curl -X PUT $OSPREY_URL/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/model/MLmodel" >&2
printf 'flavors:\n  onnx: {}\n' | curl -sS --fail-with-body -X PUT --data-binary @- "$OSPREY_URL/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/model/MLmodel" >/dev/null
call POST "$API/runs/update" "{\"run_id\": \"$RUN\", \"run_uuid\": \"$RUN\", \"status\": \"FINISHED\", \"end_time\": $((NOW + 1000))}" >/dev/null

SEARCH=$(call POST "$API/runs/search" "{\"experiment_ids\": [\"$EXP\"], \"filter\": \"metrics.accuracy > 0.85 and params.lr = '0.1' and tags.team = 'risk'\", \"run_view_type\": \"ACTIVE_ONLY\", \"max_results\": 1000, \"order_by\": [\"metrics.accuracy DESC\"]}")
expect "$(echo "$SEARCH" | field '.runs[0].info.run_id')" "$RUN" "search finds the run by metric, param and tag"
expect "$(echo "$SEARCH" | field '.runs[0].info.status')" "FINISHED" "run finished"
expect "$(call GET "$API/metrics/get-history?run_id=$RUN&metric_key=loss" | field '.metrics.length')" "2" "loss history has 2 points"
expect "$(call GET "$API/artifacts/list?run_id=$RUN&path=model" | field '.files[0].path')" "model/MLmodel" "run artifacts listed"

MODEL="curl-model-$SUFFIX"
call POST "$API/registered-models/create" "{\"name\": \"$MODEL\"}" >/dev/null
VERSION=$(call POST "$API/model-versions/create" "{\"name\": \"$MODEL\", \"source\": \"runs:/$RUN/model\", \"run_id\": \"$RUN\"}" | field .model_version.version)
expect "$VERSION" "1" "model version 1"
call POST "$API/registered-models/alias" "{\"name\": \"$MODEL\", \"alias\": \"champion\", \"version\": \"$VERSION\"}" >/dev/null
expect "$(call GET "$API/registered-models/alias?name=$MODEL&alias=champion" | field .model_version.run_id)" "$RUN" "champion alias → the run's version"
expect "$(call GET "$API/model-versions/get-download-uri?name=$MODEL&version=$VERSION" | field .artifact_uri)" "mlflow-artifacts:/$EXP/$RUN/artifacts/model" "download uri inside the store"
echo "{\"experiment_id\": \"$EXP\", \"run_id\": \"$RUN\", \"model\": \"$MODEL\", \"version\": \"$VERSION\"}"
