/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the Linux user-space probes (edu-probe, fwcfg-probe, its-attack)
 * share: their "NAME: check: ok|fail detail" lines, physical addresses of
 * their own pages, and addresses from /proc/device-tree (2 address cells, as
 * on QEMU virt). Define PROBE_NAME before including it.
 */
#ifndef ISOHYP_TESTS_LINUX_PROBE_H
#define ISOHYP_TESTS_LINUX_PROBE_H

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096

static int failures;

static void __attribute__((format(printf, 3, 4))) report(const char *check, int ok,
							 const char *fmt, ...)
{
	va_list ap;

	printf(PROBE_NAME ": %s: %s ", check, ok ? "ok" : "fail");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

static uint64_t be64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* The first "reg" address of a /proc/device-tree node. */
static uint64_t dt_reg(const char *node)
{
	char path[600];
	uint8_t reg[16];
	uint64_t base = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/reg", node);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && read(fd, reg, 16) == 16)
		base = be64(reg);
	if (fd >= 0)
		close(fd);
	return base;
}

/* The base of the first node under @dir named @prefix...; 0 if none. */
static uint64_t find_node(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[300];
	uint64_t base = 0;

	if (!d)
		return 0;
	while (!base && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			base = dt_reg(path);
		}
	closedir(d);
	return base;
}

/* The hypervisor's carve-out: /reserved-memory/hypervisor@... (0 if none). */
static uint64_t find_carveout(void)
{
	return find_node("/proc/device-tree/reserved-memory", "hypervisor@");
}

/* Physical address of a resident page of ours (bits 0-54 of its pagemap entry). */
static uint64_t virt_to_phys(void *p)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, 8, (uintptr_t)p / PAGE * 8) != 8)
		ent = 0;
	close(fd);
	if (!(ent & (1ULL << 63)) || !(ent & ((1ULL << 55) - 1)))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * PAGE;
}

#endif /* ISOHYP_TESTS_LINUX_PROBE_H */
