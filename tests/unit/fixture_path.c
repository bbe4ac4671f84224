// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_path.h"

const char *fixture(const char *name)
{
	static char path[PATH_MAX];
	const char *dir = getenv("KEXEC_KHO_FIXTURES");
	char here[1024], *slash;

	if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		return path;
	}
	snprintf(here, sizeof(here), "%s", __FILE__);
	slash = strrchr(here, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(here, ".");
	snprintf(path, sizeof(path), "%s/../fixtures/%s", here, name);
	return path;
}
