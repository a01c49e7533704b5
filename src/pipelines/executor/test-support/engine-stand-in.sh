#!/usr/bin/env bash
# A stand-in for the docker/podman client, for tests on machines without a container engine. It answers
# `version`, and for `run` it checks the arguments the container runner builds (same-path volumes, workdir, env,
# image) and runs the command on the host — the mounted paths are the host's own, so the step sees what it would
# see in the container. Every call is appended to $ENGINE_LOG.
set -euo pipefail
echo "$*" >> "${ENGINE_LOG:-/dev/null}"
case "${1:-}" in
  version) echo "99.0-stand-in"; exit 0 ;;
  kill) pkill -f "osprey-stand-in-name=$2" || true; exit 0 ;;
  run) shift ;;
  *) echo "stand-in engine: unsupported command $1" >&2; exit 125 ;;
esac
workdir=""; envs=(); name=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rm) shift ;;
    --name=*) name="${1#--name=}"; shift ;;
    --user=*) shift ;;
    --volume)
      IFS=: read -r host inside mode <<< "$2"
      [[ "$host" == "$inside" && -e "$host" && ( "$mode" == ro || "$mode" == rw ) ]] || { echo "bad volume $2" >&2; exit 125; }
      shift 2 ;;
    --workdir=*) workdir="${1#--workdir=}"; shift ;;
    --env) envs+=("$2"); shift 2 ;;
    --*) echo "stand-in engine: unexpected flag $1" >&2; exit 125 ;;
    *) break ;;
  esac
done
image="$1"; shift
echo "image $image" >> "${ENGINE_LOG:-/dev/null}"
cd "$workdir"
exec env "${envs[@]}" OSPREY_STAND_IN_NAME="osprey-stand-in-name=$name" "$@"
