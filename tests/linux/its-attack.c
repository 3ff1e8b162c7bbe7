// SPDX-License-Identifier: GPL-2.0-only
/*
 * its-attack: the GICv3 ITS aimed at the hypervisor, from Linux user space
 * under isohyp (issue "No path around the SMMU").
 *
 * The ITS is a DMA master no SMMU fronts: a MAPD command names an
 * Interrupt Translation Table that the ITS then writes (an ITE per MAPTI).
 * Through /dev/mem this program takes the ITS over from the kernel, points
 * its command queue at a page of its own (physical address from
 * /proc/self/pagemap), and queues:
 *   - control: MAPD of an unused DeviceID with the ITT in another page of
 *     its own, MAPTI of event 0, SYNC: the ITS writes the ITE, so the page
 *     changes -- the mechanism really writes memory;
 *   - attack: MAPD of another DeviceID with the ITT at the hypervisor's
 *     carve-out (/proc/device-tree/reserved-memory/hypervisor@.../reg), then
 *     MAPTI and SYNC: under isohyp the hypervisor refuses the MAPD and logs
 *     it (tests/linux/boot.sh checks the log), so the MAPTI finds no device.
 * The kernel's ITS queue is gone afterwards: run it last, before power-off.
 * Prints "its-attack: <check>: ok|fail <detail>"; exit 0 when all pass.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PROBE_NAME "its-attack"
#include "probe.h"

#define GITS_CTLR 0x0000
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_CTLR_ENABLED 0x1u
#define GITS_CTLR_QUIESCENT 0x80000000u
#define GITS_CBASER_VALID (1ULL << 63)
#define ITS_CMD_MAPD 0x08
#define ITS_CMD_MAPTI 0x0a
#define ITS_CMD_SYNC 0x05
#define ITS_MAPD_VALID (1ULL << 63)
#define CONTROL_DEVID 0x7f10
#define ATTACK_DEVID 0x7f11
#define LPI 8300

static volatile uint8_t *its;
/* reg of the first node under @dir (recursively) whose compatible has @compat. */
static int find_reg(const char *dir, const char *compat, uint64_t *base)
{
	char path[512], buf[256];
	struct dirent *e;
	DIR *d = opendir(dir);
	int found = 0;
	ssize_t n;
	int fd;

	if (!d)
		return 0;
	snprintf(path, sizeof(path), "%s/compatible", dir);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		for (ssize_t i = 0; n > 0 && i < n; i += strlen(buf + i) + 1) {
			buf[n] = '\0';
			if (!strcmp(buf + i, compat)) {
				uint8_t reg[16];

				snprintf(path, sizeof(path), "%s/reg", dir);
				fd = open(path, O_RDONLY);
				if (fd >= 0 && read(fd, reg, 16) == 16) {
					*base = be64(reg); /* #address-cells = 2 on virt */
					found = 1;
				}
				if (fd >= 0)
					close(fd);
			}
		}
	}
	while (!found && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		found = find_reg(path, compat, base);
	}
	closedir(d);
	return found;
}

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(its + off);
}

static void wr64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(its + off) = v;
}

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(its + off);
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(its + off) = v;
}

static void *page_alloc(void)
{
	void *p;

	if (posix_memalign(&p, PAGE, PAGE))
		return NULL;
	memset(p, 0, PAGE);
	mlock(p, PAGE);
	return p;
}

static int page_is_zero(const volatile uint8_t *p)
{
	for (int i = 0; i < PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Queue @n commands at the start of @q and run them; 0 if the ITS ran all. */
static int run(uint64_t *q, const uint64_t (*cmds)[4], int n)
{
	memcpy(q, cmds, n * 32);
	__sync_synchronize();
	wr64(GITS_CWRITER, n * 32);
	for (int i = 0; i < 1000 && (rd64(GITS_CREADR) & ~1ULL) != (uint64_t)n * 32; i++)
		usleep(1000);
	return (rd64(GITS_CREADR) & ~1ULL) == (uint64_t)n * 32 ? 0 : -1;
}

/* The ITS with its queue at @qpa (one page), from offset 0. */
static int its_retarget(uint64_t qpa)
{
	wr32(GITS_CTLR, 0);
	for (int i = 0; i < 1000 && !(rd32(GITS_CTLR) & GITS_CTLR_QUIESCENT); i++)
		usleep(1000);
	wr64(GITS_CBASER, GITS_CBASER_VALID | qpa); /* 1 page, 4 KiB */
	wr32(GITS_CTLR, GITS_CTLR_ENABLED);
	return rd64(GITS_CREADR) == 0 && rd64(GITS_CWRITER) == 0 ? 0 : -1;
}

int main(void)
{
	uint64_t its_pa = 0, carve = find_carveout(), qpa, ittpa, ite_bytes;
	uint64_t *q = page_alloc(), *queue2 = page_alloc();
	uint8_t *itt = page_alloc();
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (!find_reg("/proc/device-tree", "arm,gic-v3-its", &its_pa) || !carve || fd < 0 ||
	    !q || !itt || !queue2) {
		report("setup", 0, "ITS %llx, carve-out %llx, /dev/mem fd %d", (unsigned long long)its_pa,
		       (unsigned long long)carve, fd);
		return 1;
	}
	its = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, its_pa);
	if (its == MAP_FAILED) {
		report("setup", 0, "cannot map the ITS at %llx through /dev/mem",
		       (unsigned long long)its_pa);
		return 1;
	}
	ite_bytes = ((rd64(GITS_TYPER) >> 4) & 0xf) + 1;
	qpa = virt_to_phys(q);
	ittpa = virt_to_phys(itt);
	if (!qpa || !ittpa || its_retarget(qpa)) {
		report("setup", 0, "queue %llx, ITT %llx: cannot take the ITS's queue",
		       (unsigned long long)qpa, (unsigned long long)ittpa);
		return 1;
	}
	report("setup", 1, "ITS at %llx, queue %llx, ITE %llu bytes, carve-out %llx",
	       (unsigned long long)its_pa, (unsigned long long)qpa,
	       (unsigned long long)ite_bytes, (unsigned long long)carve);

	/* Control: an ITT in our own page, one event: the ITS writes its ITE. */
	const uint64_t control[3][4] = {
		{ ITS_CMD_MAPD | (uint64_t)CONTROL_DEVID << 32, 0, ITS_MAPD_VALID | ittpa, 0 },
		{ ITS_CMD_MAPTI | (uint64_t)CONTROL_DEVID << 32, (uint64_t)LPI << 32, 0, 0 },
		{ ITS_CMD_SYNC, 0, 0, 0 },
	};
	int ran = run(q, control, 3);

	report("control-itt-written", !ran && !page_is_zero(itt),
	       "MAPD+MAPTI with the ITT at %llx: the ITS %s it", (unsigned long long)ittpa,
	       page_is_zero(itt) ? "did not write" : "wrote");

	/* Attack: the ITT at the carve-out. A fresh queue so offsets start at 0. */
	const uint64_t attack[3][4] = {
		{ ITS_CMD_MAPD | (uint64_t)ATTACK_DEVID << 32, 0, ITS_MAPD_VALID | carve, 0 },
		{ ITS_CMD_MAPTI | (uint64_t)ATTACK_DEVID << 32, (uint64_t)(LPI + 1) << 32, 0, 0 },
		{ ITS_CMD_SYNC, 0, 0, 0 },
	};
	if (its_retarget(virt_to_phys(queue2))) {
		report("attack-carveout-itt", 0, "cannot take the ITS's queue again");
		return 1;
	}
	ran = run(queue2, attack, 3);
	report("attack-carveout-itt", !ran,
	       "MAPD with the ITT at the carve-out %llx: the queue moved on (%s)",
	       (unsigned long long)carve, ran ? "stalled" : "the hypervisor's log says what it refused");
	return failures ? 1 : 0;
}
