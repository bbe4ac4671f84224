// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * luo-memfd: preserve a memfd across kexec through the Live Update
 * Orchestrator (/dev/liveupdate), for the kexec-kho VM tests and demo.
 *
 *   luo-memfd save SESSION SIZE_MB SEED
 *	memfd of SIZE_MB MiB filled with the pattern of SEED, preserved in a
 *	new session; a child process keeps the session open until kexec.
 *   luo-memfd restore SESSION SIZE_MB SEED [--keep NEWSESSION]
 *	in the next kernel: retrieve it, check size and every byte; with
 *	--keep, finish SESSION and preserve the same memfd again in
 *	NEWSESSION for one more kexec.
 *   luo-memfd put SESSION TEXT	a memfd holding TEXT (the demo)
 *   luo-memfd get SESSION	print the TEXT got back, finish the session
 *   luo-memfd selftest		the checker catches changes (no LUO needed)
 *
 * The session fd must stay open until reboot(LINUX_REBOOT_CMD_KEXEC):
 * closing it unpreserves every file in it (luo_session_release() in
 * kernel/liveupdate/luo_session.c). /dev/liveupdate itself may be open
 * only once at a time (luo_open()), so it is closed before the holder
 * forks. A retrieved file stays registered as preserved until its session
 * is finished, so --keep finishes the old session before preserving again.
 *
 * Exit status 0 on success; every failure prints one line and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/liveupdate.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LUO_DEV "/dev/liveupdate"
#define MEMFD_TOKEN 0x6b6b0001ULL
#define TEXT_TOKEN 0x6b6b0002ULL
#define CHUNK (1U << 20)
#define MAX_SIZE_MB 4096UL
#define TEXT_MAX 4096

static const char *prog = "luo-memfd";

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* splitmix64: every 8-byte word is a function of the seed and its index. */
static uint64_t pattern_word(uint64_t seed, uint64_t index)
{
	uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill_chunk(uint64_t *buf, size_t words, uint64_t seed,
		       uint64_t first)
{
	size_t i;

	for (i = 0; i < words; i++)
		buf[i] = pattern_word(seed, first + i);
}

/* A cheap digest of the whole file, printed so two kernels can be compared. */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || !*s || *end) ? -EINVAL : 0;
}

static void session_name(const char *name, __u8 out[LIVEUPDATE_SESSION_NAME_LENGTH])
{
	if (strlen(name) >= LIVEUPDATE_SESSION_NAME_LENGTH)
		die("session name '%s' is longer than %d bytes", name,
		    LIVEUPDATE_SESSION_NAME_LENGTH - 1);
	memset(out, 0, LIVEUPDATE_SESSION_NAME_LENGTH);
	memcpy(out, name, strlen(name));
}

static int luo_open(void)
{
	int fd = open(LUO_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("cannot open %s: %s (boot with liveupdate=on; only one opener at a time)",
		    LUO_DEV, strerror(errno));
	return fd;
}

static int session_create(int luo, const char *name)
{
	struct liveupdate_ioctl_create_session a = { .size = sizeof(a) };

	session_name(name, a.name);
	if (ioctl(luo, LIVEUPDATE_IOCTL_CREATE_SESSION, &a))
		die("cannot create session '%s': %s", name, strerror(errno));
	return a.fd;
}

static int session_retrieve(int luo, const char *name)
{
	struct liveupdate_ioctl_retrieve_session a = { .size = sizeof(a) };

	session_name(name, a.name);
	if (ioctl(luo, LIVEUPDATE_IOCTL_RETRIEVE_SESSION, &a))
		die("cannot retrieve session '%s': %s%s", name, strerror(errno),
		    errno == ENOENT ? " (the previous kernel handed over no such session)" : "");
	return a.fd;
}

static void preserve_fd(int session, const char *name, int fd, uint64_t token)
{
	struct liveupdate_session_preserve_fd a = {
		.size = sizeof(a), .fd = fd, .token = token,
	};

	if (ioctl(session, LIVEUPDATE_SESSION_PRESERVE_FD, &a))
		die("cannot preserve the memfd in session '%s': %s", name,
		    strerror(errno));
}

static int retrieve_fd(int session, const char *name, uint64_t token)
{
	struct liveupdate_session_retrieve_fd a = {
		.size = sizeof(a), .token = token,
	};

	if (ioctl(session, LIVEUPDATE_SESSION_RETRIEVE_FD, &a))
		die("cannot retrieve token 0x%llx from session '%s': %s",
		    (unsigned long long)token, name, strerror(errno));
	return a.fd;
}

static void session_finish(int session, const char *name)
{
	struct liveupdate_session_finish a = { .size = sizeof(a) };

	if (ioctl(session, LIVEUPDATE_SESSION_FINISH, &a))
		die("cannot finish session '%s': %s", name, strerror(errno));
}

/*
 * Keep @session open in a child until the kexec; the parent returns. The
 * child holds nothing else: stdio goes to /dev/null so the console and
 * the test script are not kept waiting.
 */
static void hold_session(int session, const char *name)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid > 0) {
		printf("%s: session '%s' held open by pid %d until kexec\n",
		       prog, name, (int)pid);
		close(session);
		return;
	}
	setsid();
	signal(SIGHUP, SIG_IGN);
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	if (chdir("/"))
		_exit(1);
	for (;;)
		pause();
}

static int make_memfd(const char *name)
{
	int fd = memfd_create(name, 0);

	if (fd < 0)
		die("memfd_create: %s", strerror(errno));
	return fd;
}

static uint64_t write_pattern(int fd, uint64_t size, uint64_t seed)
{
	uint64_t *buf = malloc(CHUNK), off, h = 0xcbf29ce484222325ULL;
	size_t i;

	if (!buf)
		die("out of memory");
	if (ftruncate(fd, (off_t)size))
		die("ftruncate to %" PRIu64 " bytes: %s", size, strerror(errno));
	for (off = 0; off < size; off += CHUNK) {
		fill_chunk(buf, CHUNK / 8, seed, off / 8);
		for (i = 0; i < CHUNK / 8; i++)
			h = mix(h, buf[i]);
		if (pwrite(fd, buf, CHUNK, (off_t)off) != CHUNK)
			die("writing the memfd at %" PRIu64 ": %s", off,
			    strerror(errno));
	}
	free(buf);
	return h;
}

/*
 * 0 and the digest when every byte is the pattern's; -1 after saying
 * where the first difference is.
 */
static int verify_pattern(int fd, uint64_t size, uint64_t seed,
			  uint64_t *digest)
{
	uint64_t *want = malloc(CHUNK), *got = malloc(CHUNK), off;
	uint64_t h = 0xcbf29ce484222325ULL;
	struct stat st;
	int ret = -1;
	size_t i;

	if (!want || !got)
		die("out of memory");
	if (fstat(fd, &st))
		die("fstat: %s", strerror(errno));
	if ((uint64_t)st.st_size != size) {
		fprintf(stderr, "%s: memfd is %lld bytes, expected %" PRIu64 "\n",
			prog, (long long)st.st_size, size);
		goto out;
	}
	for (off = 0; off < size; off += CHUNK) {
		ssize_t n = pread(fd, got, CHUNK, (off_t)off);

		if (n != CHUNK)
			die("reading the memfd at %" PRIu64 ": %s", off,
			    n < 0 ? strerror(errno) : "short read");
		fill_chunk(want, CHUNK / 8, seed, off / 8);
		if (memcmp(want, got, CHUNK)) {
			const uint8_t *a = (const void *)want, *b = (const void *)got;
			size_t j = 0;

			while (a[j] == b[j])
				j++;
			fprintf(stderr, "%s: MISMATCH at byte %" PRIu64
				": expected 0x%02x, got 0x%02x\n",
				prog, off + j, a[j], b[j]);
			goto out;
		}
		for (i = 0; i < CHUNK / 8; i++)
			h = mix(h, got[i]);
	}
	*digest = h;
	ret = 0;
out:
	free(want);
	free(got);
	return ret;
}

static void parse_size_seed(const char *s_mb, const char *s_seed,
			    uint64_t *size, uint64_t *seed)
{
	uint64_t mb;

	if (parse_u64(s_mb, &mb) || !mb || mb > MAX_SIZE_MB)
		die("SIZE_MB '%s' is not a number of MiB in 1..%lu", s_mb,
		    MAX_SIZE_MB);
	if (parse_u64(s_seed, seed))
		die("SEED '%s' is not a number", s_seed);
	*size = mb << 20;
}

static int cmd_save(int argc, char **argv)
{
	uint64_t size, seed, h;
	int luo, session, mfd;

	if (argc != 5)
		die("usage: save SESSION SIZE_MB SEED");
	parse_size_seed(argv[3], argv[4], &size, &seed);
	luo = luo_open();
	session = session_create(luo, argv[2]);
	close(luo);
	mfd = make_memfd("kk-pattern");
	h = write_pattern(mfd, size, seed);
	preserve_fd(session, argv[2], mfd, MEMFD_TOKEN);
	close(mfd);
	printf("%s: saved session '%s': %" PRIu64 " MiB, seed %" PRIu64
	       ", digest %016" PRIx64 "\n", prog, argv[2], size >> 20, seed, h);
	hold_session(session, argv[2]);
	return 0;
}

static int cmd_restore(int argc, char **argv)
{
	const char *keep = NULL;
	uint64_t size, seed, h;
	int luo, session, mfd;

	if (argc == 7 && !strcmp(argv[5], "--keep"))
		keep = argv[6];
	else if (argc != 5)
		die("usage: restore SESSION SIZE_MB SEED [--keep NEWSESSION]");
	parse_size_seed(argv[3], argv[4], &size, &seed);
	luo = luo_open();
	session = session_retrieve(luo, argv[2]);
	mfd = retrieve_fd(session, argv[2], MEMFD_TOKEN);
	if (verify_pattern(mfd, size, seed, &h))
		die("session '%s': the memfd did not come back intact", argv[2]);
	printf("%s: restored session '%s': %" PRIu64
	       " MiB byte-exact, seed %" PRIu64 ", digest %016" PRIx64 "\n",
	       prog, argv[2], size >> 20, seed, h);
	session_finish(session, argv[2]);
	close(session);
	if (!keep) {
		close(mfd);
		close(luo);
		return 0;
	}
	session = session_create(luo, keep);
	close(luo);
	preserve_fd(session, keep, mfd, MEMFD_TOKEN);
	close(mfd);
	printf("%s: preserved it again in session '%s'\n", prog, keep);
	hold_session(session, keep);
	return 0;
}

static int cmd_put(int argc, char **argv)
{
	size_t len;
	int luo, session, mfd;

	if (argc != 4)
		die("usage: put SESSION TEXT");
	len = strlen(argv[3]);
	if (!len || len > TEXT_MAX)
		die("TEXT must be 1..%d bytes", TEXT_MAX);
	luo = luo_open();
	session = session_create(luo, argv[2]);
	close(luo);
	mfd = make_memfd("kk-message");
	if (write(mfd, argv[3], len) != (ssize_t)len)
		die("writing the memfd: %s", strerror(errno));
	preserve_fd(session, argv[2], mfd, TEXT_TOKEN);
	close(mfd);
	printf("%s: session '%s' preserves a memfd of %zu bytes\n", prog,
	       argv[2], len);
	hold_session(session, argv[2]);
	return 0;
}

static int cmd_get(int argc, char **argv)
{
	char buf[TEXT_MAX + 1];
	struct stat st;
	ssize_t n;
	int luo, session, mfd;

	if (argc != 3)
		die("usage: get SESSION");
	luo = luo_open();
	session = session_retrieve(luo, argv[2]);
	mfd = retrieve_fd(session, argv[2], TEXT_TOKEN);
	if (fstat(mfd, &st))
		die("fstat: %s", strerror(errno));
	if (st.st_size <= 0 || st.st_size > TEXT_MAX)
		die("retrieved memfd is %lld bytes, not a message",
		    (long long)st.st_size);
	n = pread(mfd, buf, (size_t)st.st_size, 0);
	if (n != st.st_size)
		die("reading the memfd: %s", n < 0 ? strerror(errno) : "short read");
	buf[n] = '\0';
	printf("%s\n", buf);
	session_finish(session, argv[2]);
	close(mfd);
	close(session);
	close(luo);
	return 0;
}

/*
 * The checker must be able to fail: no kexec needed, so this runs on the
 * build host. A one-byte change and a size change must both be caught.
 */
static int cmd_selftest(void)
{
	uint64_t h1, h2, size = 4ULL << 20, seed = 42;
	uint8_t byte;
	int mfd = make_memfd("kk-selftest");

	h1 = write_pattern(mfd, size, seed);
	if (verify_pattern(mfd, size, seed, &h2) || h1 != h2)
		die("selftest: an intact memfd did not verify");
	if (pread(mfd, &byte, 1, 3 << 20) != 1)
		die("selftest: read: %s", strerror(errno));
	byte ^= 0x10;
	if (pwrite(mfd, &byte, 1, 3 << 20) != 1)
		die("selftest: write: %s", strerror(errno));
	if (!verify_pattern(mfd, size, seed, &h2))
		die("selftest: a flipped bit at byte %d went unnoticed", 3 << 20);
	if (!verify_pattern(mfd, size + CHUNK, seed, &h2))
		die("selftest: a wrong size went unnoticed");
	if (!verify_pattern(mfd, size, seed + 1, &h2))
		die("selftest: another seed's pattern went unnoticed");
	close(mfd);
	printf("%s: selftest passed: intact data verifies, a flipped bit, a wrong size and a wrong seed are caught\n",
	       prog);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "save"))
		return cmd_save(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "restore"))
		return cmd_restore(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "put"))
		return cmd_put(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "get"))
		return cmd_get(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "selftest"))
		return cmd_selftest();
	fprintf(stderr,
		"usage: %s save SESSION SIZE_MB SEED\n"
		"       %s restore SESSION SIZE_MB SEED [--keep NEWSESSION]\n"
		"       %s put SESSION TEXT\n"
		"       %s get SESSION\n"
		"       %s selftest\n", prog, prog, prog, prog, prog);
	return 2;
}
