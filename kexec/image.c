// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kexec.h"
#include "kho.h"

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

int image_type_find(const char *name, const void *buf, size_t len,
		    const struct image_type **type, struct errbuf *e)
{
	const struct image_type *const *t;
	struct errbuf first = { 0 };
	int err = -ENOEXEC;

	for (t = arch_image_types; *t; t++) {
		if (name && strcmp(name, (*t)->name))
			continue;
		err = (*t)->probe(buf, len, &first);
		if (!err) {
			*type = *t;
			return 0;
		}
		/* A forced type explains its own rejection. */
		if (name)
			return err_set(e, err, "%s", err_str(&first, err));
	}
	if (name)
		return err_set(e, -EINVAL, "unknown image type '%s' for %s",
			       name, arch_name);
	if (first.err)
		return err_set(e, -ENOEXEC, "not a kernel image %s can boot (%s)",
			       arch_name, first.msg);
	return err_set(e, -ENOEXEC, "not a kernel image %s can boot", arch_name);
}
