// SPDX-License-Identifier: GPL-2.0-or-later
/* The staleness record (kho_record.h) load writes and exec checks. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errbuf.h"
#include "fsroot.h"
#include "kho.h"
#include "kho_record.h"
#include "sha256.h"
#include "util.h"

int kho_digest(const struct kho_handover *h, uint8_t out[KHO_DIGEST_SIZE])
{
	if (!h->fdt || !h->fdt_len)
		return -EINVAL;
	sha256(h->fdt, h->fdt_len, out);
	return 0;
}

static const char *source_name(enum kho_fdt_source s)
{
	switch (s) {
	case KHO_SRC_LIVE:
		return "live";
	case KHO_SRC_DEBUGFS:
		return "debugfs";
	case KHO_SRC_FILE:
		return "file";
	default:
		return "none";
	}
}

static void hex_digest(const uint8_t *d, char *out)
{
	int i;

	for (i = 0; i < KHO_DIGEST_SIZE; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int parse_digest(const char *s, size_t len, uint8_t *d)
{
	size_t i;

	if (len != 2 * KHO_DIGEST_SIZE)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int c = hex_digit((unsigned char)s[i]);

		/* We write lower case; anything else was not written by us. */
		if (c < 0 || isupper((unsigned char)s[i]))
			return -EINVAL;
		d[i / 2] = (i & 1) ? (d[i / 2] | c) : c << 4;
	}
	return 0;
}

static int mkdir_under(const char *root, const char *path, struct errbuf *e)
{
	char full[PATH_MAX];
	int ret;

	ret = fsroot_path(root, path, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", path);
	if (mkdir(full, 0700) && errno != EEXIST)
		return err_set(e, -errno, "cannot create %s: %s", full,
			       strerror(errno));
	return 0;
}

int kho_record_save(const char *root, const struct kho_handover *h,
		    struct errbuf *e)
{
	char full[PATH_MAX], tmp[PATH_MAX + 8];
	char dig[2 * KHO_DIGEST_SIZE + 1], base[2 * KHO_DIGEST_SIZE + 1];
	uint8_t d[KHO_DIGEST_SIZE];
	FILE *f;
	int ret;

	if (kho_digest(h, d))
		return err_set(e, -EINVAL, "no KHO FDT to record");
	/* What exec can re-read and compare is the source, not our edit. */
	if (h->edited)
		memcpy(d, h->src_digest, sizeof(d));
	if (strchr(h->src_path, '\n'))
		return err_set(e, -EINVAL, "KHO source path has a newline");
	hex_digest(d, dig);
	hex_digest(h->base_digest, base);
	ret = mkdir_under(root, "/run", e);
	if (!ret)
		ret = mkdir_under(root, KHO_RECORD_DIR, e);
	if (ret)
		return ret;
	ret = fsroot_path(root, KHO_RECORD, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", KHO_RECORD);
	snprintf(tmp, sizeof(tmp), "%s.tmp", full);
	f = fopen(tmp, "we");
	if (!f)
		return err_set(e, -errno, "cannot create %s: %s", tmp,
			       strerror(errno));
	fprintf(f, "source=%s\npath=%s\nsha256=%s\n", source_name(h->source),
		h->src_path, dig);
	if (h->has_base)
		fprintf(f, "base=%s\n", base);
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		ret = -errno ?: -EIO;
		fclose(f);
		unlink(tmp);
		return err_set(e, ret, "cannot write %s: %s", tmp,
			       strerror(-ret));
	}
	fclose(f);
	if (rename(tmp, full)) {
		ret = -errno;
		unlink(tmp);
		return err_set(e, ret, "cannot rename %s to %s: %s", tmp, full,
			       strerror(-ret));
	}
	return 0;
}

static int parse_record_line(struct kho_record *r, const char *line,
			     size_t len, unsigned *seen)
{
	const char *eq = memchr(line, '=', len);
	size_t klen, vlen;
	const char *v;

	if (!eq)
		return -EINVAL;
	klen = eq - line;
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen == 6 && !memcmp(line, "source", 6)) {
		static const enum kho_fdt_source all[] = {
			KHO_SRC_LIVE, KHO_SRC_DEBUGFS, KHO_SRC_FILE,
		};
		size_t i;

		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			const char *n = source_name(all[i]);

			if (strlen(n) == vlen && !memcmp(v, n, vlen)) {
				r->source = all[i];
				*seen |= 1;
				return 0;
			}
		}
		return -EINVAL;
	}
	if (klen == 4 && !memcmp(line, "path", 4)) {
		if (vlen >= sizeof(r->path))
			return -EINVAL;
		memcpy(r->path, v, vlen);
		r->path[vlen] = '\0';
		*seen |= 2;
		return 0;
	}
	if (klen == 6 && !memcmp(line, "sha256", 6)) {
		*seen |= 4;
		return parse_digest(v, vlen, r->digest);
	}
	if (klen == 4 && !memcmp(line, "base", 4)) {
		r->has_base = true;
		return parse_digest(v, vlen, r->base_digest);
	}
	return -EINVAL;
}

int kho_record_load(const char *root, struct kho_record *r, struct errbuf *e)
{
	size_t len, pos = 0;
	unsigned seen = 0;
	char *buf;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = fsroot_exists(root, KHO_RECORD);
	if (ret == 0)
		return -ENOENT;
	ret = fsroot_read(root, KHO_RECORD, 4096, &buf, &len, e);
	if (ret)
		return ret;
	while (!ret && pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		ret = parse_record_line(r, buf + pos, n, &seen);
		pos += n + 1;
	}
	free(buf);
	if (ret || seen != 7)
		return err_set(e, -EBADMSG, "%s is not a kexec-kho record",
			       KHO_RECORD);
	return 0;
}

static int check_file(const struct kho_record *r, struct errbuf *e)
{
	uint8_t d[KHO_DIGEST_SIZE];
	size_t len;
	void *buf;
	int ret;

	ret = read_file(r->path, KHO_FDT_MAX, &buf, &len, e);
	if (ret)
		return ret;
	sha256(buf, len, d);
	free(buf);
	if (memcmp(d, r->digest, sizeof(d)))
		return err_set(e, -ESTALE,
			       "%s changed since it was loaded: load it again",
			       r->path);
	return 0;
}

int kho_record_check(const char *root, const struct kho_record *r,
		     struct errbuf *e)
{
	struct kho_fdt_src k = { 0 };
	struct errbuf tmp = { 0 };
	uint8_t d[KHO_DIGEST_SIZE];
	int ret = 0;

	switch (r->source) {
	case KHO_SRC_LIVE:
		/* The page itself is never stale; a copy of it (blobs) can be. */
		if (!r->has_base)
			return 0;
		ret = kho_read_kernel_fdt(root, &k, &tmp);
		if (ret) {
			err_set(e, ret,
				"cannot re-read the running kernel's KHO FDT to check the copy loaded: %s",
				err_str(&tmp, ret));
			break;
		}
		sha256(k.fdt, k.fdt_len, d);
		if (memcmp(d, r->base_digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the running kernel's KHO FDT changed since load (a subsystem added or removed preserved data): the copy loaded with the --kho-blob nodes no longer describes it");
		break;
	case KHO_SRC_FILE:
		ret = check_file(r, e);
		if (ret || !r->has_base)
			return ret;
		ret = kho_read_kernel_fdt(root, &k, &tmp);
		if (ret) {
			err_set(e, ret,
				"cannot re-read the running kernel's KHO FDT to check %s: %s",
				r->path, err_str(&tmp, ret));
			break;
		}
		sha256(k.fdt, k.fdt_len, d);
		if (memcmp(d, r->base_digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the running kernel's KHO FDT changed since load (a subsystem added or removed preserved data): %s no longer describes it",
				      r->path);
		break;
	case KHO_SRC_DEBUGFS:
		ret = kho_read_debugfs_fdt(root, &k, &tmp);
		/* Truncated now, complete at load: it grew. */
		if (ret == -ENODATA) {
			ret = err_set(e, -ESTALE,
				      "the KHO FDT changed since load: %s",
				      err_str(&tmp, ret));
			break;
		}
		if (ret) {
			err_set(e, ret, "%s", err_str(&tmp, ret));
			break;
		}
		sha256(k.fdt, k.fdt_len, d);
		if (memcmp(d, r->digest, sizeof(d)))
			ret = err_set(e, -ESTALE,
				      "the KHO FDT in %s changed since load (a subsystem added or removed preserved data): load again",
				      KHO_OUT_FDT);
		break;
	default:
		return err_set(e, -EINVAL, "the KHO record has no source");
	}
	kho_fdt_src_free(&k);
	return ret;
}

int kho_record_clear(const char *root, struct errbuf *e)
{
	char full[PATH_MAX];
	int ret;

	ret = fsroot_path(root, KHO_RECORD, full, sizeof(full));
	if (ret)
		return err_set(e, ret, "bad record path %s", KHO_RECORD);
	if (unlink(full) && errno != ENOENT)
		return err_set(e, -errno, "cannot remove %s: %s", full,
			       strerror(errno));
	return 0;
}
