#!/bin/bash
# test-kho-arm64-64k.sh: the KHO VM tests of test-kho.sh on arm64 with a
# 64 KiB page kernel (build-kernel.sh arm64-64k) as A, B and C of every
# chain, QEMU virt -cpu max, TCG, 2 CPUs, 3 GiB. Cases: load (A -> B -> C
# through kexec_load: live FDT page, test_kho, reserve_mem, LUO memfd
# byte-exact, count 2), kfdt (--kho-fdt copy, /memreserve/), file
# (kexec -s, then ours) and mixed (the 4 KiB kernel as A refuses KHO to
# the 64 KiB Image, the 64 KiB one to the 4 KiB Image). On top of the arm64 checks, every kernel must run
# with 64 KiB pages (AT_PAGESZ) and every segment kexec -d plans must start
# and end on a 64 KiB boundary. Its own file so tests/run-all.sh, which
# runs every tests/vm/test-*.sh, runs it too.
exec "$(dirname "$0")/test-kho.sh" arm64-64k "$@"
