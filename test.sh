#!/bin/sh
# Installs what is missing, builds everything (Debug: AddressSanitizer + UBSan) and runs every
# test: the check unit suites and the end-to-end tests that drive the real binary.
set -eu
cd "$(dirname "$0")"
./scripts/deps.sh
cmake -S . -B build/debug -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build/debug -j "$(nproc)"
cd build/debug
ctest --output-on-failure -j "$(nproc)" "$@"
