// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Typed property values: parsing what the user writes after "set", and
 * showing what a tree holds. The KHO properties (and the kernel's blobs)
 * hold u64s in the CPU's byte order, not the big-endian cells the DT
 * convention uses, so u32:/u64: follow the kernel and cells: the DT.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "fsroot.h"
#include "inject.h"
#include "util.h"

static bool all_xdigits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

int inject_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	const char *p = s;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		p = s + 2;
		base = 16;
		if (!all_xdigits(p))
			return -EINVAL;
	} else {
		for (; *p; p++)
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
		if (p == s)
			return -EINVAL;
		p = s;
	}
	errno = 0;
	v = strtoull(p, &end, base);
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int set_data(struct inject_value *v, const void *p, size_t len)
{
	/* malloc(0) may return NULL: keep one byte so NULL means ENOMEM. */
	v->data = malloc(len ? len : 1);
	if (!v->data)
		return -ENOMEM;
	if (len)
		memcpy(v->data, p, len);
	v->len = len;
	return 0;
}

static int parse_number(const char *spec, const char *num, uint64_t max,
			uint64_t *out, struct errbuf *e)
{
	int ret = inject_parse_u64(num, max, out);

	if (ret == -ERANGE)
		return err_set(e, -EINVAL, "value %s: %s does not fit in %s",
			       spec, num, max == UINT32_MAX ? "32 bits" : "64 bits");
	if (ret)
		return err_set(e, -EINVAL,
			       "value %s: \"%s\" is not a number (decimal, or hex with 0x)",
			       spec, num);
	return 0;
}

static int parse_cells(const char *spec, const char *s,
		       struct inject_value *v, struct errbuf *e)
{
	size_t n = 0, len = strlen(s);
	uint32_t *cells = NULL;
	char *copy, *p, *q, c;
	bool comma = false;
	uint64_t x;
	int ret = 0;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	if (len && s[0] == '<') {
		if (len < 2 || s[len - 1] != '>')
			return err_set(e, -EINVAL,
				       "value %s: a cell list opened with '<' must end with '>'",
				       spec);
		s++;
		len -= 2;
	}
	copy = strndup(s, len);
	/* Each token is at least one char plus a separator. */
	cells = malloc((len / 2 + 1) * sizeof(*cells));
	if (!copy || !cells) {
		ret = err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	/*
	 * Blanks separate cells, and so does one comma: a comma with no
	 * cell on either side (",,", ",1", "1,") is a mistake, not a skip.
	 */
	for (p = copy; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (*p == ',') {
			if (!n || comma) {
				ret = err_set(e, -EINVAL,
					      "value %s: an empty cell before a comma",
					      spec);
				goto out;
			}
			comma = true;
			p++;
		} else {
			q = p + strcspn(p, " \t,");
			c = *q;
			*q = '\0';
			ret = parse_number(spec, p, UINT32_MAX, &x, e);
			if (ret)
				goto out;
			*q = c;
			cells[n++] = htobe32((uint32_t)x);
			comma = false;
			p = q;
		}
	}
	if (comma) {
		ret = err_set(e, -EINVAL,
			      "value %s: a cell list must not end with a comma",
			      spec);
		goto out;
	}
	ret = set_data(v, cells, n * sizeof(*cells));
	if (ret)
		err_set(e, ret, "out of memory");
out:
	free(copy);
	free(cells);
	return ret;
}

static int parse_hex(const char *spec, const char *s, struct inject_value *v,
		     struct errbuf *e)
{
	size_t n = 0, digits = 0;
	unsigned char *b;
	const char *p;
	int hi = -1, d;

	b = malloc(strlen(s) / 2 + 1);
	if (!b)
		return err_set(e, -ENOMEM, "out of memory");
	for (p = s; *p; p++) {
		/* Spaces and colons may separate bytes, never split one. */
		if (*p == ' ' || *p == ':') {
			if (hi >= 0)
				goto bad;
			continue;
		}
		d = hex_digit((unsigned char)*p);
		if (d < 0)
			goto bad;
		digits++;
		if (hi < 0) {
			hi = d;
		} else {
			b[n++] = (unsigned char)(hi << 4 | d);
			hi = -1;
		}
	}
	if (hi >= 0)
		goto bad;
	d = set_data(v, b, n);
	free(b);
	if (d)
		return err_set(e, d, "out of memory");
	return 0;
bad:
	free(b);
	return err_set(e, -EINVAL,
		       "value %s: hex: wants pairs of hex digits (0a0b0c, or 0a:0b:0c)",
		       spec);
}

int inject_parse_value(const char *spec, struct inject_value *v,
		       struct errbuf *e)
{
	uint64_t x;
	uint32_t x32;
	void *buf;
	size_t len;
	int ret;

	v->data = NULL;
	v->len = 0;
	if (!strncmp(spec, "str:", 4)) {
		ret = set_data(v, spec + 4, strlen(spec + 4) + 1);
	} else if (!strncmp(spec, "u32:", 4)) {
		ret = parse_number(spec, spec + 4, UINT32_MAX, &x, e);
		if (ret)
			return ret;
		x32 = (uint32_t)x;
		ret = set_data(v, &x32, sizeof(x32));
	} else if (!strncmp(spec, "u64:", 4)) {
		ret = parse_number(spec, spec + 4, UINT64_MAX, &x, e);
		if (ret)
			return ret;
		ret = set_data(v, &x, sizeof(x));
	} else if (!strncmp(spec, "cells:", 6)) {
		return parse_cells(spec, spec + 6, v, e);
	} else if (!strncmp(spec, "hex:", 4)) {
		return parse_hex(spec, spec + 4, v, e);
	} else if (spec[0] == '@') {
		ret = read_file(spec + 1, INJECT_MAX_FDT, &buf, &len, e);
		if (ret)
			return ret;
		v->data = buf;
		v->len = len;
		return 0;
	} else if (isdigit((unsigned char)spec[0])) {
		ret = parse_number(spec, spec, UINT64_MAX, &x, e);
		if (ret)
			return ret;
		ret = set_data(v, &x, sizeof(x));
	} else {
		return err_set(e, -EINVAL,
			       "value \"%s\" has no type: write str:TEXT, u32:N, u64:N, cells:<N ...>, hex:BYTES, @FILE or a number (u64)",
			       spec);
	}
	if (ret)
		return err_set(e, ret, "out of memory");
	return 0;
}

void inject_value_free(struct inject_value *v)
{
	free(v->data);
	v->data = NULL;
	v->len = 0;
}

const char *inject_size_str(uint64_t n, char *buf, size_t size)
{
	static const char *const unit[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"
	};
	uint64_t div = 1024;
	unsigned int i = 0;

	if (n < 1024) {
		snprintf(buf, size, "%llu byte%s", (unsigned long long)n,
			 n == 1 ? "" : "s");
		return buf;
	}
	while (i < 5 && n / 1024 >= div) {
		div *= 1024;
		i++;
	}
	if (n % div == 0)
		snprintf(buf, size, "%llu %s", (unsigned long long)(n / div),
			 unit[i]);
	else
		snprintf(buf, size, "%.2f %s", (double)n / (double)div,
			 unit[i]);
	return buf;
}

bool inject_is_kho_u64(const char *prop)
{
	return !strcmp(prop, "preserved-memory-map") ||
	       !strcmp(prop, "preserved-data") || !strcmp(prop, "blob-size");
}

uint64_t inject_get_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* One or more non-empty printable strings, each NUL-terminated. */
static bool is_strings(const unsigned char *p, size_t len)
{
	size_t i;

	if (!len || p[len - 1] || !p[0])
		return false;
	for (i = 0; i < len; i++) {
		if (!p[i]) {
			if (i + 1 < len && !p[i + 1])
				return false;
			continue;
		}
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	}
	return true;
}

static void put_strings(FILE *f, const unsigned char *p, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i + 1 < len; i++) {
		if (!p[i]) {
			fputs("\", \"", f);
		} else {
			if (p[i] == '"' || p[i] == '\\')
				fputc('\\', f);
			fputc(p[i], f);
		}
	}
	fputc('"', f);
}

char *inject_value_str(const char *prop, const void *val, size_t len,
		       size_t max_chars)
{
	const unsigned char *p = val;
	uint32_t cell;
	size_t i, n = 0;
	char *s = NULL;
	FILE *f;

	f = open_memstream(&s, &n);
	if (!f)
		return NULL;
	if (len == 8 && inject_is_kho_u64(prop)) {
		fprintf(f, "u64:0x%llx",
			(unsigned long long)inject_get_u64(val));
	} else if (is_strings(p, len)) {
		put_strings(f, p, len);
	} else if (len && len % 4 == 0) {
		fputc('<', f);
		for (i = 0; i < len; i += 4) {
			memcpy(&cell, p + i, 4);
			fprintf(f, "%s0x%x", i ? " " : "", be32toh(cell));
		}
		fputc('>', f);
	} else if (len) {
		fputc('[', f);
		for (i = 0; i < len; i++)
			fprintf(f, "%s%02x", i ? " " : "", p[i]);
		fputc(']', f);
	}
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	if (max_chars > 3 && n > max_chars)
		strcpy(s + max_chars - 3, "...");
	return s;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || strchr(",._+-", c);
}

bool inject_node_name_ok(const char *name, size_t len)
{
	size_t i, at = len;

	if (!len || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] == '@' && at == len && i > 0 && i + 1 < len) {
			at = i;
			continue;
		}
		if (!name[i] || !name_char(name[i]))
			return false;
	}
	return true;
}

bool inject_prop_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!name[i] || !(name_char(name[i]) || name[i] == '?' ||
				  name[i] == '#'))
			return false;
	return true;
}

/* Names come from hostile trees: keep terminals safe. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '\\';
}

char *inject_escape(const char *s, size_t len)
{
	char *out, *p;
	size_t i;

	/* At most four bytes each; one pass, as every node's path needs it. */
	out = malloc(4 * len + 1);
	if (!out)
		return NULL;
	for (i = 0, p = out; i < len; i++) {
		unsigned char c = s[i];

		if (plain(c)) {
			*p++ = (char)c;
		} else {
			snprintf(p, 5, "\\x%02x", c);
			p += 4;
		}
	}
	*p = '\0';
	return out;
}

char *inject_join(const char *parent, const char *name, size_t len)
{
	size_t plen = strcmp(parent, "/") ? strlen(parent) : 0;
	char *esc, *s;

	esc = inject_escape(name, len);
	if (!esc)
		return NULL;
	s = malloc(plen + strlen(esc) + 2);
	if (s) {
		memcpy(s, parent, plen);
		s[plen] = '/';
		strcpy(s + plen + 1, esc);
	}
	free(esc);
	return s;
}
