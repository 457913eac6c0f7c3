#!/usr/bin/env bash
# Installs the system packages naskit uses, from Debian, when they are missing:
#   libtorch-dev   the tensor engine (real training); npm ci builds the addon against it
#   python3-torch  PyTorch, the engine's reference in tests and benchmarks
# and, with --test-tools (as .ci/run does), what only some tests use:
#   python3-onnx   the ONNX project's checker, a second opinion on exported models in tests
#   chromium       Debian's browser, for the dashboard's end-to-end tests (playwright-core drives it)
# and, without installing anything, V8's v8-fast-api-calls.h for the engine's fast calls
# (scripts/fetch-v8-fast-api-header.sh). Safe to run again: installed packages are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libtorch-dev python3-torch)
if [ "${1:-}" = "--test-tools" ]; then packages+=(python3-onnx chromium); fi
need=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  scripts/fetch-v8-fast-api-header.sh
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "naskit: missing ${need[*]} and this is not a Debian/Ubuntu system; install libtorch and set LIBTORCH=/path/to/libtorch (see README.md)" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "naskit: installing ${need[*]} needs root; run: apt-get install -y ${need[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "naskit: installing ${need[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
scripts/fetch-v8-fast-api-header.sh
