// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The command line layer: the only place that prints or exits. Everything
 * below it returns a negative errno and leaves its explanation in an
 * errbuf, and sees no options (load.c translates them).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "arch.h"
#include "kho.h"
#include "load.h"
#include "options.h"
#include "syscalls.h"

static const char *kho_source_name(enum kho_fdt_source s)
{
	switch (s) {
	case KHO_SRC_LIVE: return "live FDT page (via /proc/kcore)";
	case KHO_SRC_DEBUGFS: return "complete debugfs copy (kho/out/fdt)";
	case KHO_SRC_FILE: return "--kho-fdt file";
	default: return "none";
	}
}

static void print_ranges(const char *what, const struct mem_map *m)
{
	size_t i;

	printf("%s:\n", what);
	for (i = 0; i < m->nr; i++)
		printf("  0x%016" PRIx64 "-0x%016" PRIx64 " %s\n", m->r[i].start,
		       m->r[i].end - 1, mem_type_name(m->r[i].type));
}

static void print_kho(const struct kho_handover *h)
{
	size_t i;

	printf("KHO: handing over %s, %s\n", h->compatible,
	       kho_source_name(h->source));
	if (h->fdt_phys)
		printf("KHO: FDT at 0x%" PRIx64 ", %" PRIu64 " bytes\n",
		       h->fdt_phys, h->fdt_size);
	for (i = 0; i < h->nr_scratch; i++)
		printf("KHO: scratch[%zu] 0x%016" PRIx64 " size 0x%" PRIx64 "%s\n",
		       i, h->scratch[i].addr, h->scratch[i].size,
		       h->scratch[i].size ? "" : " (empty, not used)");
	if (h->own_scratch)
		printf("KHO: the running kernel has no KHO: scratch chosen by %s, %" PRIu64
		       " MiB to stay free for the next kernel's early allocations\n",
		       h->scratch_auto ? "the loader's sizing rule" : "--kho-scratch",
		       h->scratch_need >> 20);
	if (h->empty_map)
		printf("KHO: empty preserved-memory map at 0x%" PRIx64 "\n",
		       h->mem_map);
	if (h->edited && h->source == KHO_SRC_LIVE)
		printf("KHO: the live FDT is handed over as a copy, to add the blobs\n");
	for (i = 0; i < h->nr_blobs; i++)
		printf("KHO: blob %s: %zu bytes at 0x%" PRIx64 "\n",
		       h->blobs[i].name, h->blobs[i].size, h->blobs[i].phys);
	if (h->why_not_live[0] && h->source != KHO_SRC_LIVE)
		printf("KHO: live FDT not used: %s\n", h->why_not_live);
	if (h->why_not_debugfs[0] && h->source != KHO_SRC_DEBUGFS)
		printf("KHO: debugfs copy not used: %s\n", h->why_not_debugfs);
}

static void print_plan(const struct kexec_load *l)
{
	struct plan sorted = l->plan;
	size_t i;

	/* Sort a copy: the plan's own order is what kexec_load gets. */
	plan_sort(&sorted);
	printf("%zu segments, entry 0x%" PRIx64 ":\n", sorted.nr, l->entry);
	printf("  #  destination                               memsz       data        what\n");
	for (i = 0; i < sorted.nr; i++) {
		const struct segment *s = &sorted.seg[i];

		printf("  %-2zu 0x%016" PRIx64 "-0x%016" PRIx64 "  0x%-9" PRIx64
		       " 0x%-9zx %s\n",
		       i, s->mem, s->mem + s->memsz - 1, s->memsz, s->bufsz,
		       s->name ? s->name : "?");
	}
	if (l->kho)
		printf("KHO scratch left free for the next kernel: %" PRIu64
		       " MiB of %" PRIu64 " MiB\n",
		       plan_free_bytes(&l->plan) >> 20,
		       memmap_total(&l->plan.allowed, MEM_RAM) >> 20);
	else
		printf("allowed memory left free: %" PRIu64 " MiB\n",
		       plan_free_bytes(&l->plan) >> 20);
}

static int fail(const struct errbuf *e, int err)
{
	fprintf(stderr, "kexec: %s\n", err_str(e, err));
	return 1;
}

/*
 * kexec -e must know whether the KHO FDT copy it loaded still describes
 * the running kernel. Without the record a stale copy would boot
 * silently, so a failure to write it unloads again: nothing stays loaded.
 */
static int record_load(const char *root, const struct kho_handover *h,
		       struct errbuf *e)
{
	struct errbuf ignored = { 0 };
	int err;

	if (!h)
		return kho_record_clear(root, e);
	err = kho_record_save(root, h, e);
	if (!err)
		return 0;
	sys_kexec_unload(arch_kexec_flags, &ignored);
	return err_prefix(e, err, "cannot record the KHO state for kexec -e, so nothing was loaded");
}

static int do_load(const struct kexec_opts *o, const char *root)
{
	struct kexec_load l = { 0 };
	struct load_request r;
	struct errbuf e = { 0 };
	size_t i;
	int err;

	opts_load_request(o, &r);
	err = load_prepare(&l, &r, root, &e);
	if (err)
		goto out;
	for (i = 0; l.kho && i < l.kho->nr_warnings; i++)
		fprintf(stderr, "kexec: warning: %s\n", l.kho->warnings[i]);
	if (l.kho && l.next_abi.warning[0])
		fprintf(stderr, "kexec: warning: %s\n", l.next_abi.warning);
	if (o->debug || o->dry_run) {
		if (o->debug > 1)
			print_ranges("memory map", &l.sysmem);
		if (l.kho)
			print_kho(l.kho);
		if (l.kho && l.next_abi.verdict[0])
			printf("KHO: %s\n", l.next_abi.verdict);
		if (!l.kho)
			printf("KHO: not handing over\n");
		if (o->debug)
			print_ranges("segments may use", &l.plan.allowed);
		print_plan(&l);
	}
	if (o->dry_run) {
		printf("dry run: nothing loaded\n");
		goto out;
	}
	err = sys_kexec_load(l.entry, &l.plan, arch_kexec_flags, &e);
	if (err)
		goto out;
	err = record_load(root, l.kho, &e);
out:
	load_free(&l);
	return err ? fail(&e, err) : 0;
}

static int do_file_load(const struct kexec_opts *o, const char *root,
			bool fallback)
{
	struct errbuf e = { 0 };
	char *cmdline = NULL;
	int err;

	err = build_cmdline(root, o->cmdline, o->reuse_cmdline, &cmdline, &e);
	if (err)
		return fail(&e, err);
	if (o->dry_run) {
		printf("would call kexec_file_load(%s, %s, \"%s\")\n", o->kernel,
		       o->initrd ? o->initrd : "no initrd", cmdline);
		free(cmdline);
		return 0;
	}
	err = sys_kexec_file_load(o->kernel, o->initrd, cmdline, &e);
	free(cmdline);
	if (!err)
		err = kho_record_clear(root, &e);	/* the kernel's own FDT: never stale */
	if (!err)
		return 0;
	/* -a: the kernel may not know the format or the syscall; we might. */
	if (fallback && (err == -ENOSYS || err == -ENOEXEC || err == -EINVAL)) {
		if (o->debug)
			printf("kexec_file_load failed (%s); trying kexec_load\n",
			       err_str(&e, err));
		return do_load(o, root);
	}
	return fail(&e, err);
}

/* The interfaces ifdown_all() took down, with the flags they had. */
struct ifs_down {
	struct ifreq *r;
	size_t nr;
};

/*
 * kexec-tools brings interfaces down so NICs stop DMA before the jump.
 * Only those that were up are taken down, and remembered in @d.
 */
static void ifdown_all(struct ifs_down *d)
{
	struct if_nameindex *ifs, *i;
	size_t n = 0;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	ifs = if_nameindex();
	for (i = ifs; i && i->if_index; i++)
		n++;
	d->r = n ? calloc(n, sizeof(*d->r)) : NULL;
	for (i = ifs; d->r && i->if_index; i++) {
		struct ifreq ifr = { 0 };

		if (!strcmp(i->if_name, "lo"))
			continue;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_UP))
			continue;
		d->r[d->nr] = ifr;
		ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) == 0)
			d->nr++;
	}
	if (ifs)
		if_freenameindex(ifs);
	close(fd);
}

/* The reboot failed and this system goes on: with its network. */
static void ifup_again(struct ifs_down *d)
{
	size_t i;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (i = 0; fd >= 0 && i < d->nr; i++)
		ioctl(fd, SIOCSIFFLAGS, &d->r[i]);
	if (fd >= 0)
		close(fd);
	free(d->r);
	d->r = NULL;
	d->nr = 0;
}

/* Refuse to boot with a KHO FDT copy that no longer matches the kernel. */
static int check_stale(const struct kexec_opts *o, const char *root,
		       struct errbuf *e)
{
	struct kho_record r;
	int err;

	err = kho_record_load(root, &r, e);
	if (err == -ENOENT) {
		err_clear(e);
		return 0;
	}
	if (err)
		return err;
	err = kho_record_check(root, &r, e);
	if (err == -ESTALE && o->force) {
		fprintf(stderr, "kexec: warning: %s; booting anyway (--force)\n",
			err_str(e, err));
		err_clear(e);
		return 0;
	}
	if (err == -ESTALE)
		return err_prefix(e, err, "the KHO FDT loaded is stale (load again, or -e --force)");
	return err;
}

static int do_exec(const struct kexec_opts *o, const char *root)
{
	struct ifs_down down = { 0 };
	struct errbuf e = { 0 };
	int err;

	err = kexec_loaded(root, &e);
	if (err < 0)
		return fail(&e, err);
	if (err == 0) {
		fprintf(stderr, "kexec: nothing is loaded: load a kernel with kexec -l first\n");
		return 1;
	}
	err = check_stale(o, root, &e);
	if (err)
		return fail(&e, err);
	if (!o->no_sync)
		sync();
	if (!o->no_ifdown)
		ifdown_all(&down);
	err = sys_kexec_reboot(&e);
	ifup_again(&down);
	return fail(&e, err);
}

/*
 * kexec-tools' -S: exit 1 when the image asked about is loaded, 0 when
 * not, so 1 cannot also mean an error: that is 255, as kexec-tools'
 * -1 from main().
 */
static int do_status(const struct kexec_opts *o, const char *root)
{
	struct errbuf e = { 0 };
	int loaded = o->status_normal ? kexec_loaded(root, &e) :
					kexec_crash_loaded(root, &e);

	if (loaded < 0) {
		fail(&e, loaded);
		return 255;
	}
	printf("%s\n", loaded ? "loaded" : "not loaded");
	return loaded ? 1 : 0;
}

static int do_unload(const char *root)
{
	struct errbuf e = { 0 };
	int err = sys_kexec_unload(arch_kexec_flags, &e);

	if (!err)
		err = kho_record_clear(root, &e);
	return err ? fail(&e, err) : 0;
}

static int dispatch_load(const struct kexec_opts *o, const char *root)
{
	switch (o->syscall) {
	case SYSCALL_FILE:
		return do_file_load(o, root, false);
	case SYSCALL_AUTO:
		return do_file_load(o, root, true);
	default:
		return do_load(o, root);
	}
}

int main(int argc, char **argv)
{
	struct kexec_opts o;
	struct errbuf e = { 0 };
	const char *root;
	int err, ret = 0;

	err = parse_options(argc, argv, &o, &e);
	if (err) {
		fail(&e, err);
		free_options(&o);
		return 1;
	}
	/* Never the environment: a root process reads the running system. */
	root = o.sysroot && *o.sysroot ? o.sysroot : "/";

	switch (o.action) {
	case ACT_HELP:
		fputs(kexec_usage, stdout);
		break;
	case ACT_VERSION:
		printf("kexec-kho %s (%s)\n", PACKAGE_VERSION, arch_name);
		break;
	case ACT_STATUS:
		ret = do_status(&o, root);
		break;
	case ACT_UNLOAD:
		ret = do_unload(root);
		break;
	case ACT_EXEC:
		ret = do_exec(&o, root);
		break;
	case ACT_LOAD:
		ret = dispatch_load(&o, root);
		break;
	case ACT_LOAD_EXEC:
		ret = dispatch_load(&o, root);
		if (!ret && !o.dry_run)
			ret = do_exec(&o, root);
		break;
	default:
		break;
	}
	free_options(&o);
	return ret;
}
