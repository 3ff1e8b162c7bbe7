// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu-probe: DMA isolation checked from Linux user space under isohyp.
 *
 * Drives QEMU's edu PCI device (vendor 1234, device 11e8) through sysfs --
 * "config" to enable memory decoding and bus mastering, "resource0" for its
 * registers -- and uses its DMA engine (RAM <-> a 4 KiB buffer inside the
 * device at device address 0x40000):
 *   - own-buffer: a page of this process (physical address from
 *     /proc/self/pagemap) goes to the device and back into another page;
 *     the bytes must arrive.
 *   - carveout-read: the device reads the hypervisor's carve-out (found in
 *     /proc/device-tree/reserved-memory/hypervisor@.../reg) into a buffer
 *     preloaded with a known pattern; copied out again, the buffer must hold
 *     the pattern or zeros (what QEMU gives a refused read), and never the
 *     hypervisor image's header.
 *   - carveout-write: the device writes 64 bytes over the carve-out's first
 *     bytes. Linux cannot read them back: the proof is the hypervisor's log
 *     of a refused write at that address (tests/linux/boot.sh checks it), and
 *     that everything after still works. 64 bytes (16 faulting beats on
 *     QEMU), so the read's 1024 events and these fit the event queue.
 *   - after: own-buffer again, so the refused DMA broke nothing.
 * Prints "edu-probe: <check>: ok|fail <detail>" per check; exit 0 when all
 * pass. Needs root (pagemap physical addresses, config space writes).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PROBE_NAME "edu-probe"
#include "probe.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_REG_ID 0x00
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_RUN 0x1
#define EDU_DMA_TO_RAM 0x2
#define EDU_BUF 0x40000ULL
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
/* The EL2 image header's magic (include/isohyp/boot_info.h), at offset 8. */
#define HYP_IMAGE_MAGIC 0x3265676d69707968ULL

static volatile uint8_t *regs;
static unsigned long read_hex(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoul(buf, NULL, 16);
}

/* The sysfs directory of the edu device, or NULL. */
static char *find_edu(void)
{
	static char dir[300];
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[400];

	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		if (read_hex(path) != EDU_VENDOR)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", e->d_name);
		if (read_hex(path) != EDU_DEVICE)
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		closedir(d);
		return dir;
	}
	closedir(d);
	return NULL;
}

static int enable_device(const char *dir)
{
	char path[400];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (pread(fd, &cmd, 2, PCI_COMMAND) != 2) {
		close(fd);
		return -1;
	}
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, 2, PCI_COMMAND) != 2) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/resource0", dir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return -1;
	regs = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return regs == MAP_FAILED ? -1 : 0;
}

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(regs + off);
}

static uint64_t rd64(unsigned int off)
{
	return *(volatile uint64_t *)(regs + off);
}

static void wr64(unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

/* One transfer of @len bytes; 0, or -1 if the engine did not finish within 2 s. */
static int edu_dma_len(uint64_t src, uint64_t dst, int to_ram, uint64_t len)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	wr64(EDU_REG_DMA_SRC, src);
	wr64(EDU_REG_DMA_DST, dst);
	wr64(EDU_REG_DMA_CNT, len);
	wr64(EDU_REG_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	for (i = 0; i < 2000; i++) {
		if (!(rd64(EDU_REG_DMA_CMD) & EDU_DMA_RUN))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int edu_dma(uint64_t src, uint64_t dst, int to_ram)
{
	return edu_dma_len(src, dst, to_ram, PAGE);
}

static void fill(uint8_t *p, uint8_t seed)
{
	int i;

	for (i = 0; i < PAGE; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static int has(const uint8_t *p, uint8_t seed)
{
	int i;

	for (i = 0; i < PAGE; i++)
		if (p[i] != (uint8_t)(seed + i * 7))
			return 0;
	return 1;
}

static int is_zero(const uint8_t *p)
{
	int i;

	for (i = 0; i < PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Page a -> device -> page b; the bytes must arrive. */
static void check_own_buffer(const char *name, uint8_t *a, uint8_t *b, uint8_t seed)
{
	uint64_t pa = virt_to_phys(a), pb = virt_to_phys(b);

	fill(a, seed);
	memset(b, 0, PAGE);
	if (!pa || !pb) {
		report(name, 0, "no physical address in /proc/self/pagemap");
		return;
	}
	if (edu_dma(pa, EDU_BUF, 0) || edu_dma(EDU_BUF, pb, 1)) {
		report(name, 0, "DMA engine did not finish");
		return;
	}
	report(name, has(b, seed), "%#llx -> device -> %#llx", (unsigned long long)pa,
	       (unsigned long long)pb);
}

int main(void)
{
	uint8_t *a, *b;
	uint64_t carve;
	char *dir = find_edu();

	if (!dir) {
		report("device", 0, "no edu device (1234:11e8) in /sys/bus/pci/devices");
		return 1;
	}
	if (enable_device(dir) || (rd32(EDU_REG_ID) & 0xff) != 0xed) {
		report("device", 0, "%s: cannot enable or map BAR0: %s", dir, strerror(errno));
		return 1;
	}
	report("device", 1, "%s", dir);
	a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
		 -1, 0);
	if (a == MAP_FAILED) {
		report("buffer", 0, "mmap: %s", strerror(errno));
		return 1;
	}
	b = a + PAGE;
	check_own_buffer("own-buffer", a, b, 0x31);

	carve = find_carveout();
	if (!carve) {
		report("carveout-read", 0, "no hypervisor@ node in /proc/device-tree/reserved-memory");
	} else {
		fill(a, 0x42);
		memset(b, 0, PAGE);
		if (edu_dma(virt_to_phys(a), EDU_BUF, 0) || edu_dma(carve, EDU_BUF, 0) ||
		    edu_dma(EDU_BUF, virt_to_phys(b), 1))
			report("carveout-read", 0, "DMA engine did not finish");
		else {
			uint64_t word;

			memcpy(&word, b + 8, sizeof(word));
			report("carveout-read",
			       (has(b, 0x42) || is_zero(b)) && word != HYP_IMAGE_MAGIC,
			       "%#llx: no carve-out byte reached the device (buffer %s)",
			       (unsigned long long)carve, has(b, 0x42) ? "unchanged" : "zeroed");
		}
	}
	if (carve) {
		fill(a, 0x66);
		if (edu_dma(virt_to_phys(a), EDU_BUF, 0) || edu_dma_len(EDU_BUF, carve, 1, 64))
			report("carveout-write", 0, "DMA engine did not finish");
		else
			report("carveout-write", 1,
			       "%#llx: 64 bytes issued; the hypervisor must log them refused",
			       (unsigned long long)carve);
	}
	check_own_buffer("after", a, b, 0x53);
	printf("edu-probe: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
