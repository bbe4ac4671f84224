// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch.h"
#include "fsroot.h"
#include "kho.h"
#include "load.h"

/*
 * Words of the running kernel's command line that must not be carried
 * over: kexec-tools drops BOOT_IMAGE= (the boot loader's, not ours) and
 * nothing else for a normal load. crashkernel= stays, or kdump would be
 * off after every kexec reboot; kexec-tools drops it only for -p.
 */
static bool drop_reused_word(const char *w, size_t n)
{
	static const char *const drop[] = { "BOOT_IMAGE=", NULL };
	const char *const *d;

	for (d = drop; *d; d++)
		if (n >= strlen(*d) && !strncmp(w, *d, strlen(*d)))
			return true;
	return false;
}

static int reused_cmdline(const char *root, char **out, struct errbuf *e)
{
	char *buf, *res, *p;
	size_t len, n, used = 0;
	int err;

	err = fsroot_read(root, "/proc/cmdline", MAX_CMDLINE_SIZE, &buf, &len,
			  e);
	if (err)
		return err;
	res = malloc(len + 1);
	if (!res) {
		free(buf);
		return err_set(e, -ENOMEM, "out of memory");
	}
	for (p = buf; *p;) {
		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (!n)
			break;
		if (!drop_reused_word(p, n)) {
			if (used)
				res[used++] = ' ';
			memcpy(res + used, p, n);
			used += n;
		}
		p += n;
	}
	res[used] = '\0';
	free(buf);
	*out = res;
	return 0;
}

int build_cmdline(const char *root, const char *append, bool reuse,
		  char **out, struct errbuf *e)
{
	char *base = NULL, *res;
	const char *add = append ? append : "";
	size_t len;
	int err;

	if (reuse) {
		err = reused_cmdline(root, &base, e);
		if (err)
			return err;
	}
	len = (base ? strlen(base) + 1 : 0) + strlen(add) + 1;
	if (len > MAX_CMDLINE_SIZE) {
		free(base);
		return err_set(e, -E2BIG, "command line is %zu bytes; too long",
			       len);
	}
	res = malloc(len);
	if (!res) {
		free(base);
		return err_set(e, -ENOMEM, "out of memory");
	}
	res[0] = '\0';
	if (base && *base) {
		strcpy(res, base);
		if (*add)
			strcat(res, " ");
	}
	strcat(res, add);
	free(base);
	*out = res;
	return 0;
}

/*
 * --mem-min/--mem-max and KHO both narrow where segments may go; applying
 * them to the allowed set keeps every image loader unaware of either.
 */
int load_clip_allowed(const struct mem_map *in, uint64_t min, uint64_t max,
		      struct mem_map *out)
{
	size_t i;
	int err;

	for (i = 0; i < in->nr; i++) {
		uint64_t s = in->r[i].start, t = in->r[i].end;

		if (in->r[i].type != MEM_RAM)
			continue;
		if (s < min)
			s = min;
		if (max && t > max)
			t = max;
		if (s >= t)
			continue;
		err = memmap_add(out, s, t, MEM_RAM);
		if (err)
			return err;
	}
	return 0;
}

static int setup_allowed(struct kexec_load *l, const struct load_request *o,
			 struct errbuf *e)
{
	struct mem_map base = { 0 }, clipped = { 0 };
	int err;

	if (l->kho)
		err = kho_allowed_ranges(l->kho, &base);
	else
		err = memmap_filter(&l->sysmem, MEM_RAM, &base);
	if (err)
		goto out;
	err = load_clip_allowed(&base, o->mem_min, o->mem_max, &clipped);
	if (err)
		goto out;
	if (!clipped.nr) {
		err = err_set(e, -ENOMEM,
			      "no usable memory is left for segments%s%s",
			      l->kho ? " inside the KHO scratch regions" : "",
			      o->mem_min || o->mem_max ?
				      " between --mem-min and --mem-max" : "");
		goto out;
	}
	err = plan_init(&l->plan, &clipped);
out:
	memmap_free(&base);
	memmap_free(&clipped);
	return err;
}

/*
 * A kernel or initrd larger than the memory segments may use can never be
 * placed. A regular file is mapped, its size known, and placement names
 * what does not fit; a pipe or a device (/dev/zero) is read into memory,
 * so reading stops at @room (what the segments may use, 0 when not known
 * yet), not after the 2 GiB an initrd may be.
 */
/* A regular file's size in @size; false for a pipe, a device, or no file. */
static bool regular_file(const char *path, uint64_t *size)
{
	struct stat st;

	if (!path || stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	*size = (uint64_t)st.st_size;
	return true;
}

static int map_input(const struct kexec_load *l, const char *what,
		     const char *path, uint64_t max, uint64_t room,
		     struct file_map *m, struct errbuf *e)
{
	const char *limit = "the most kexec reads";
	uint64_t size;
	int err;

	if (room && room < max && !regular_file(path, &size)) {
		max = room;
		limit = l->kho ? "all the KHO scratch segments may use" :
				 "all the memory segments may use";
	}
	err = map_file(path, max, m, e);
	if (err != -EFBIG)
		return err;
	err_clear(e);
	return err_set(e, err, "%s %s: more than %llu MiB, %s for it", what,
		       path, (unsigned long long)(max >> 20), limit);
}

/*
 * The kernel comes first: its type says how much it grows, which sizes
 * --kho-scratch auto before anything is placed.
 */
static int read_kernel(struct kexec_load *l, const struct load_request *o,
		       struct errbuf *e)
{
	int err;

	err = map_input(l, "kernel", o->kernel, MAX_KERNEL_SIZE, 0,
			&l->kernel_file, e);
	if (err)
		return err;
	l->kernel = l->kernel_file.data;
	l->kernel_size = l->kernel_file.len;
	return 0;
}

/* What an input will take before it is read: a regular file's size, else 0. */
static uint64_t input_size_hint(const char *path)
{
	uint64_t size;

	return regular_file(path, &size) ? size : 0;
}

/* The initrd and command line, once the allowed ranges bound the read. */
static int read_rest(struct kexec_load *l, const struct load_request *o,
		     struct errbuf *e)
{
	char *cmdline;
	int err;

	if (o->initrd) {
		err = map_input(l, "initrd", o->initrd, MAX_INITRD_SIZE,
				memmap_total(&l->plan.allowed, MEM_RAM),
				&l->initrd_file, e);
		if (err)
			return err;
		l->initrd = l->initrd_file.data;
		l->initrd_size = l->initrd_file.len;
	}
	err = build_cmdline(l->root, o->append, o->reuse_cmdline, &cmdline, e);
	if (err)
		return err;
	l->cmdline = load_own(l, cmdline);
	return 0;
}

int load_prepare(struct kexec_load *l, const struct load_request *o,
		 const char *root, struct errbuf *e)
{
	const struct image_type *type;
	struct kho_request kr;
	int err;

	l->root = root;
	l->err = e;
	l->dtb = o->dtb;
	l->checksum = o->checksum;
	l->force = o->force;
	l->corrupt = o->corrupt;

	err = read_kernel(l, o, e);
	if (err)
		return err;
	err = image_type_find(o->type, l->kernel, l->kernel_size, &type, e);
	if (err)
		return err_prefix(e, err, "%s", o->kernel);
	err = memmap_read(root, &l->sysmem, e);
	if (err)
		return err;
	/* Scratch is sized before the image is parsed: the arch guesses. */
	kr = o->kho;
	kr.load_bytes = type->kernel_growth * (uint64_t)l->kernel_size +
			input_size_hint(o->initrd);
	err = kho_prepare(root, &kr, &l->sysmem, &l->kho, e);
	if (err)
		return err;
	err = setup_allowed(l, o, e);
	if (err)
		return err;
	/* Where segments may go bounds how much of a pipe is read. */
	err = read_rest(l, o, e);
	if (err)
		return err;
	err = type->load(l);
	if (err == -EADDRNOTAVAIL && l->kho)
		err_append(e, " (with KHO every segment must lie in the scratch regions: %llu MiB in all, %llu MiB still free; --no-kho lifts this)",
			   (unsigned long long)(memmap_total(&l->plan.allowed, MEM_RAM) >> 20),
			   (unsigned long long)(plan_free_bytes(&l->plan) >> 20));
	if (err)
		return err_prefix(e, err, "%s", o->kernel);
	if (l->kho)
		err = kho_abi_check(l->kho, &l->next_abi, o->kernel,
				    kho_abi_strict(&kr), o->kho_accept_loss, e);
	if (err)
		return err;
	if (l->kho)
		err = kho_check_kernel_scratch(l->kho, plan_free_bytes(&l->plan),
					       &l->sysmem, o->force, e);
	if (err)
		return err;
	/*
	 * What the segments take, page-rounded: every one lies in the
	 * allowed ranges, none overlaps another.
	 */
	return kho_finish(l->kho, memmap_total(&l->plan.allowed, MEM_RAM) -
					  plan_free_bytes(&l->plan), e);
}

void *load_own(struct kexec_load *l, void *buf)
{
	if (!buf)
		return NULL;
	/* The array is sized for every segment twice over; running out is a bug. */
	if (l->nr_owned >= sizeof(l->owned) / sizeof(l->owned[0]))
		abort();
	l->owned[l->nr_owned++] = buf;
	return buf;
}

void load_free(struct kexec_load *l)
{
	size_t i;

	for (i = 0; i < l->nr_owned; i++)
		free(l->owned[i]);
	l->nr_owned = 0;
	unmap_file(&l->kernel_file);
	unmap_file(&l->initrd_file);
	l->kernel = l->initrd = NULL;
	kho_free(l->kho);
	l->kho = NULL;
	plan_free(&l->plan);
	memmap_free(&l->sysmem);
}

bool load_wants_checksum(const struct kexec_load *l)
{
	if (l->checksum == LOAD_CHECKSUM_DEFAULT)
		return !l->kho;
	return l->checksum == LOAD_CHECKSUM_ON;
}
