// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kkbench-run: run one command and print what it cost, for bench/.
 *
 *   kkbench-run [-o FILE] [-m] [-i USEC] [--] COMMAND [ARG]...
 *
 * Prints one line of key=value pairs (to FILE with -o, else stdout):
 *   rc        the command's exit status (128+N if killed by signal N,
 *             127 if it could not be run)
 *   wall_ns   monotonic time from fork to reaping the child
 *   user_us   the child's user CPU time (rusage)
 *   sys_us    the child's system CPU time: for kexec this is where both
 *             loaders spend their time (reading files, copying segments)
 *   maxrss_kb the child's peak resident set
 *   free0_kb  free memory (see free_kb) just before the fork
 *   free1_kb  free memory just after the child was reaped: free0 - free1
 *             is what the command left allocated (kexec: the loaded image)
 *   minfree_kb (only with -m) the lowest free memory seen while the child ran,
 *             polled every USEC microseconds (default 1000): free0 -
 *             minfree is the peak memory the command cost the system,
 *             user space and kernel buffers alike
 *
 * Polling costs CPU on another CPU, so timed runs should not use -m.
 * Built static by bench/kexec-bench.sh; needs no kernel headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct run_opts {
	const char *out;
	int poll;
	long interval_us;
	char **argv;
};

struct run_result {
	int rc;
	uint64_t wall_ns;
	struct rusage ru;
	long free0_kb;
	long free1_kb;
	long minfree_kb;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Free memory in kB as the page allocator sees it: every zone's free
 * pages plus the pages parked on the per-CPU free lists ("count:" in each
 * pageset of /proc/zoneinfo). MemFree leaves the latter out, and after a
 * kexec image of tens of MiB is freed they can hold megabytes, enough to
 * swamp a before/after difference. -1 if /proc/zoneinfo cannot be read.
 */
static long free_kb(void)
{
	static char buf[1 << 18];
	size_t len = 0;
	long pages = 0, v;
	char *line, *next;
	ssize_t n;
	int fd;

	fd = open("/proc/zoneinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (!len)
		return -1;
	buf[len] = '\0';
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line += strspn(line, " ");
		if (sscanf(line, "pages free %ld", &v) == 1 ||
		    sscanf(line, "count: %ld", &v) == 1)
			pages += v;
	}
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	char *end;
	int c;

	o->out = NULL;
	o->poll = 0;
	o->interval_us = 1000;
	while ((c = getopt(argc, argv, "+o:mi:h")) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'm':
			o->poll = 1;
			break;
		case 'i':
			errno = 0;
			o->interval_us = strtol(optarg, &end, 10);
			if (errno || *end || o->interval_us < 1 ||
			    o->interval_us > 1000000)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc)
		return -EINVAL;
	o->argv = argv + optind;
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Reap @pid, polling MemFree meanwhile if asked; returns wait status. */
static int reap(pid_t pid, const struct run_opts *o, struct run_result *r)
{
	int status = 0;
	pid_t w;
	long f;

	for (;;) {
		w = wait4(pid, &status, o->poll ? WNOHANG : 0, &r->ru);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (w == 0) {
			f = free_kb();
			if (f >= 0 && (r->minfree_kb < 0 || f < r->minfree_kb))
				r->minfree_kb = f;
			sleep_us(o->interval_us);
		}
	}
}

static int run(const struct run_opts *o, struct run_result *r)
{
	uint64_t t0;
	pid_t pid;
	int status;

	r->minfree_kb = -1;
	r->free0_kb = free_kb();
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(o->argv[0], o->argv);
		fprintf(stderr, "kkbench-run: cannot run %s: %s\n", o->argv[0],
			strerror(errno));
		_exit(127);
	}
	status = reap(pid, o, r);
	r->wall_ns = now_ns() - t0;
	r->free1_kb = free_kb();
	if (status < 0)
		return status;
	if (WIFEXITED(status))
		r->rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->rc = 128 + WTERMSIG(status);
	else
		r->rc = 255;
	if (r->minfree_kb < 0 || (r->free1_kb >= 0 && r->free1_kb < r->minfree_kb))
		r->minfree_kb = r->free1_kb;
	return 0;
}

static uint64_t tv_us(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000ULL + (uint64_t)tv->tv_usec;
}

static int report(const struct run_opts *o, const struct run_result *r)
{
	FILE *f = stdout;
	int ret = 0;

	if (o->out) {
		f = fopen(o->out, "w");
		if (!f)
			return -errno;
	}
	fprintf(f, "rc=%d wall_ns=%" PRIu64 " user_us=%" PRIu64
		" sys_us=%" PRIu64 " maxrss_kb=%ld free0_kb=%ld free1_kb=%ld",
		r->rc, r->wall_ns, tv_us(&r->ru.ru_utime),
		tv_us(&r->ru.ru_stime), r->ru.ru_maxrss, r->free0_kb,
		r->free1_kb);
	if (o->poll)
		fprintf(f, " minfree_kb=%ld", r->minfree_kb);
	fputc('\n', f);
	if (ferror(f))
		ret = -EIO;
	if (o->out && fclose(f))
		ret = -errno;
	return ret;
}

int main(int argc, char **argv)
{
	struct run_result r = { 0 };
	struct run_opts o;
	int err;

	if (parse_args(argc, argv, &o)) {
		fprintf(stderr, "usage: kkbench-run [-o FILE] [-m] [-i USEC] [--] COMMAND [ARG]...\n");
		return 2;
	}
	err = run(&o, &r);
	if (err) {
		fprintf(stderr, "kkbench-run: %s\n", strerror(-err));
		return 125;
	}
	err = report(&o, &r);
	if (err) {
		fprintf(stderr, "kkbench-run: cannot write the result: %s\n",
			strerror(-err));
		return 125;
	}
	return r.rc;
}
