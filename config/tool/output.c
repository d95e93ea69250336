/* SPDX-License-Identifier: Apache-2.0 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* After the rename, so that the new name survives a power cut too. */
static void sync_directory(const char *path)
{
	char copy[4096];

	snprintf(copy, sizeof(copy), "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int out_write_atomic(const char *path, const void *data, size_t len, mode_t mode, const char *group,
                     char *err, size_t err_size)
{
	char tmp[4096];
	const char *step;

	/* Ends in neither .conf nor a name an include_dir would load, should it be left. */
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, err_size, "--output %s: the path is too long", path);
		return -1;
	}
	/* mkstemp creates the file 0600: no one else can read it before its mode is set. */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, err_size, "cannot create a file beside %s: %s", path,
		         strerror(errno));
		return -1;
	}
	struct group *gr = group != NULL ? getgrnam(group) : NULL;
	step = "set the group of";
	if (gr != NULL && fchown(fd, (uid_t)-1, gr->gr_gid) != 0)
		goto fail;
	step = "set the mode of";
	if (fchmod(fd, mode) != 0)
		goto fail;
	step = "write";
	if (write_all(fd, data, len) != 0)
		goto fail;
	step = "sync";
	if (fsync(fd) != 0)
		goto fail;
	step = "close";
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename into place";
	if (rename(tmp, path) != 0)
		goto fail;
	sync_directory(path);
	return 0;
fail:
	snprintf(err, err_size, "cannot %s %s: %s", step, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}
