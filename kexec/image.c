// SPDX-License-Identifier: GPL-2.0-or-later
/* Which of the arch's image types a kernel file is (arch.h). */
#include <errno.h>
#include <string.h>

#include "arch.h"
#include "errbuf.h"

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
