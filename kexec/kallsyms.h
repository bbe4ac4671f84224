/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEXEC_KALLSYMS_H
#define KEXEC_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct errbuf;

/*
 * Look a symbol up in <root>/proc/kallsyms. @types lists the symbol type
 * letters accepted ("dDbB" for data). Built-in symbols only: lines that
 * name a module are skipped.
 *
 * Returns 0 with *addr set; -ENOENT when no such symbol exists (kernel
 * built without CONFIG_KALLSYMS_ALL, or without the feature); -EPERM when
 * it exists but its address reads as 0 (kptr_restrict, not root);
 * -ENOTUNIQ when two different addresses carry the name.
 */
int kallsyms_lookup(const char *root, const char *name, const char *types,
		    uint64_t *addr, struct errbuf *e);

/*
 * Where reading /proc/kallsyms stops: a distribution kernel with every
 * module loaded lists some 20 MiB, so an endless or a far larger file
 * (a fixture, a hostile mount) is refused with -EFBIG.
 */
#define KALLSYMS_MAX (256u << 20)

/*
 * The same over an fd, streaming: /proc/kallsyms is megabytes and its
 * size is not known in advance. @what names the file in messages;
 * -EFBIG past KALLSYMS_MAX bytes.
 */
int kallsyms_lookup_fd(int fd, const char *what, const char *name,
		       const char *types, uint64_t *addr, struct errbuf *e);

/*
 * Parse one line (no newline) "ADDR T NAME[\t[MOD]]". Returns 0 on a
 * well-formed line, -EINVAL otherwise. *sym points into @line and is
 * @sym_len bytes long; *module is 1 when a module name follows.
 */
int kallsyms_parse_line(const char *line, size_t len, uint64_t *addr,
			char *type, const char **sym, size_t *sym_len,
			int *module);

#endif
