#!/bin/bash
# test-kho-arm64.sh: the KHO VM tests of test-kho.sh on arm64 (QEMU virt,
# -cpu max, TCG, 2 CPUs, 1 GiB). Its own file so tests/run-all.sh, which
# runs every tests/vm/test-*.sh, runs the arm64 set too.
exec "$(dirname "$0")/test-kho.sh" arm64 "$@"
