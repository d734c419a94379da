#!/bin/sh
# Installs what is missing, builds kube-apiserver (Release) and starts it on its embedded store.
# Flags are passed through: ./run.sh --secure-port=6443 --data-dir=./data
set -eu
cd "$(dirname "$0")"
./scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target kube-apiserver -j "$(nproc)"
exec build/release/kube-apiserver "$@"
