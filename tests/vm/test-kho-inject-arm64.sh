#!/bin/bash
# test-kho-inject-arm64.sh: the kho-inject VM tests of test-kho-inject.sh
# on arm64 (QEMU virt, -cpu max, TCG, 2 CPUs, 1 GiB). Its own file so
# tests/run-all.sh, which runs every tests/vm/test-*.sh, runs them too.
exec "$(dirname "$0")/test-kho-inject.sh" arm64 "$@"
