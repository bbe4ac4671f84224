# summarize.awk: medians and ratios from the KKBENCH lines of
# bench/guest/bench.sh (see bench/README.md). Input: the raw lines; output:
# the summary table. mawk-compatible (no asort).
#
# Comparisons (name = mode:ours-variant):
#   kho:ours     KHO boot, both loaders with their defaults (neither
#                computes a purgatory digest under KHO)
#   kho:ourscs   KHO boot, ours --checksum vs the kernel's (no digest)
#   nokho:ourscs boot without KHO, both compute a digest (x86_64; arm64's
#                kexec_file_load never does)
#   nokho:ours   arm64 only: boot without KHO, neither computes a digest
#   kho:cand, kho:candcs, nokho:candcs: the same for a --candidate build

function median(key, n,    i, j, t, a) {
	n = cnt[key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = val[key, i] + 0
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n % 2)
		return a[(n + 1) / 2]
	return (a[n / 2] + a[n / 2 + 1]) / 2
}

function minmax(key,    i, lo, hi, v) {
	for (i = 1; i <= cnt[key]; i++) {
		v = val[key, i] + 0
		if (i == 1 || v < lo)
			lo = v
		if (i == 1 || v > hi)
			hi = v
	}
	mm_lo = lo
	mm_hi = hi
}

function add(key, v) {
	cnt[key]++
	val[key, cnt[key]] = v
}

function parse(    i, kv) {
	delete f
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		f[kv[1]] = kv[2]
	}
}

$1 == "KKBENCH:" && $2 == "R" {
	parse()
	g = f["mode"] SUBSEP f["var"] SUBSEP f["size"]
	seen[g] = 1
	sizes[f["size"]] = 1
	if (f["rc"] != "0")
		bad++
	add(g SUBSEP "wall", f["wall_ns"] / 1e9)
	add(g SUBSEP "cpu", (f["user_us"] + f["sys_us"]) / 1e6)
	add(g SUBSEP "user", f["user_us"] / 1e6)
	add(g SUBSEP "sys", f["sys_us"] / 1e6)
	add(g SUBSEP "rss", f["maxrss_kb"] / 1024)
	add(g SUBSEP "loaded", (f["free0_kb"] - f["free1_kb"]) / 1024)
	add(g SUBSEP "left", (f["free0_kb"] - f["unl_kb"]) / 1024)
	next
}
$1 == "KKBENCH:" && $2 == "M" {
	parse()
	g = f["mode"] SUBSEP f["var"] SUBSEP f["size"]
	if (f["rc"] != "0")
		bad++
	add(g SUBSEP "peak", (f["free0_kb"] - f["minfree_kb"]) / 1024)
	next
}
$1 == "KKBENCH:" && $2 == "C" {
	parse()
	c = f["mode"] SUBSEP f["comp"]
	if (!(c in comp_seen)) {
		comp_seen[c] = 1
		comps[++ncomps] = c
	}
	add(c SUBSEP "wall", f["wall_ns"] / 1e9)
	add(c SUBSEP "cpu", (f["user_us"] + f["sys_us"]) / 1e6)
	next
}

function label(mode, var) {
	if (mode == "kho" && var == "ours")
		return "KHO, defaults (no digest on either side)"
	if (mode == "kho" && var == "ourscs")
		return "KHO, ours --checksum (kernel: no digest)"
	if (mode == "nokho" && var == "ourscs" && ARCH == "arm64")
		return "no KHO, ours --checksum (kernel: none)"
	if (mode == "nokho" && var == "ourscs")
		return "no KHO, digest on both sides"
	if (mode == "nokho" && var == "ours")
		return "no KHO, no digest on either side"
	if (mode == "kho" && var == "cand")
		return "candidate: KHO, defaults"
	if (mode == "kho" && var == "candcs")
		return "candidate: KHO, --checksum"
	if (mode == "nokho" && var == "candcs")
		return "candidate: no KHO, digest on both"
	return mode "/" var
}

function unit_fmt(metric, v) {
	if (v == "")
		return "-"
	if (metric ~ /^(wall|cpu|user|sys)$/)
		return sprintf("%.3f s", v)
	return sprintf("%.1f MiB", v)
}

function metric_name(m) {
	if (m == "wall") return "load time (wall)"
	if (m == "cpu") return "CPU time (user+sys)"
	if (m == "user") return "  user"
	if (m == "sys") return "  sys"
	if (m == "loaded") return "memory held while loaded"
	if (m == "peak") return "peak memory during load"
	if (m == "rss") return "kexec process peak RSS"
	return m
}

function row(mode, var, size, m,    a, b, r) {
	a = median(mode SUBSEP var SUBSEP size SUBSEP m)
	b = median(mode SUBSEP "file" SUBSEP size SUBSEP m)
	r = "-"
	# A ratio to a time below 10 ms (user time of kexec_file_load) says nothing.
	if (a != "" && b != "" && b + 0 > 0 && (m !~ /^(wall|cpu|user|sys)$/ || b >= 0.01))
		r = sprintf("%.2f", a / b)
	printf "%-42s %4s MiB  %-26s %12s %16s %6s\n", label(mode, var), size,
		metric_name(m), unit_fmt(m, a), unit_fmt(m, b), r
	if (m == "wall" && r != "-")
		lines[++nlines] = sprintf("load time, %s, %s MiB initrd: kexec_load %.3f s, kexec_file_load %.3f s, ratio %s",
			label(mode, var), size, a, b, r)
}

END {
	nsz = 0
	for (s in sizes)
		szl[++nsz] = s + 0
	for (i = 2; i <= nsz; i++) {
		t = szl[i]
		for (j = i - 1; j >= 1 && szl[j] > t; j--)
			szl[j + 1] = szl[j]
		szl[j + 1] = t
	}
	ncmp = split("kho:ours kho:cand kho:ourscs kho:candcs nokho:ours nokho:ourscs nokho:candcs", cmp, " ")
	nmet = split("wall cpu user sys loaded peak rss", met, " ")
	printf "Medians of %s loads each (ratio = ours / kernel; < 1 means ours is faster or smaller)\n\n", ITER
	printf "%-42s %8s  %-26s %12s %16s %6s\n", "comparison", "initrd", "metric",
		"kexec_load", "kexec_file_load", "ratio"
	for (c = 1; c <= ncmp; c++) {
		split(cmp[c], mv, ":")
		for (k = 1; k <= nsz; k++) {
			if (!((mv[1] SUBSEP mv[2] SUBSEP szl[k]) in seen))
				continue
			if (!((mv[1] SUBSEP "file" SUBSEP szl[k]) in seen))
				continue
			for (m = 1; m <= nmet; m++)
				row(mv[1], mv[2], szl[k], met[m])
			print ""
		}
	}
	print "In one line each:"
	for (i = 1; i <= nlines; i++)
		print "  " lines[i]
	print ""
	print "Spread of the load time (min / median / max, s) and memory left after kexec -u:"
	for (g in seen) {
		split(g, p, SUBSEP)
		minmax(g SUBSEP "wall")
		spread[++nspread] = sprintf("  %-6s %-8s %3s MiB: %.3f / %.3f / %.3f   n=%d   not returned by unload: %.1f MiB",
			p[1], p[2], p[3], mm_lo, median(g SUBSEP "wall"), mm_hi, cnt[g SUBSEP "wall"],
			median(g SUBSEP "left"))
	}
	for (i = 2; i <= nspread; i++) {
		t = spread[i]
		for (j = i - 1; j >= 1 && spread[j] > t; j--)
			spread[j + 1] = spread[j]
		spread[j + 1] = t
	}
	for (i = 1; i <= nspread; i++)
		print spread[i]
	if (ncomps) {
		print ""
		print "Pieces, timed alone (median of 3):"
		for (i = 1; i <= ncomps; i++) {
			split(comps[i], p, SUBSEP)
			printf "  %-6s %-24s wall %.3f s, cpu %.3f s\n", p[1], p[2],
				median(comps[i] SUBSEP "wall"), median(comps[i] SUBSEP "cpu")
		}
	}
	if (bad)
		printf "\n%d loads FAILED (rc != 0)\n", bad
}
