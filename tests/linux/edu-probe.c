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
 *
 * "edu-probe vfio" (nested mode, issue 14: Linux's own arm-smmu-v3 translates
 * DMA, so physical addresses mean nothing to a device in a DMA domain, and
 * edu, with no driver, gets no domain a user could use): the device is bound
 * to vfio-pci, its group put in a type1 container, and its BAR0 mapped and
 * bus mastering enabled through the VFIO device fd.
 *   - no-driver: first, before vfio-pci takes it, edu has no iommu group
 *     (Linux gives a device a domain when a driver binds), and a DMA of
 *     ours by physical address, bus mastering on through sysfs, does not
 *     arrive: no STE of Linux lets an unbound device through.
 *   - vfio-dma: page a at IOVA_A, page b at IOVA_B (VFIO_IOMMU_MAP_DMA); a ->
 *     device -> b by IOVA; the bytes must arrive.
 *   - vfio-unmapped-write: the device writes to b's *physical* address, an
 *     IOVA nobody mapped: b must stay as it was (the SMMU faults at stage 1;
 *     the event goes to Linux's driver, tests/linux/boot-nested.test checks
 *     its log).
 *   - vfio-unmapped-read: the device reads an unmapped IOVA over a pattern
 *     in its buffer: the pattern or zeros come back, never a's bytes.
 *   - vfio-unmap: after VFIO_IOMMU_UNMAP_DMA of b (Linux's TLBI through the
 *     emulated command queue), a DMA to IOVA_B no longer reaches b.
 *   - vfio-after: a -> device -> a second mapping again, so nothing broke.
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
#include <linux/vfio.h>
#include <sys/ioctl.h>
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

/* ---- VFIO mode -------------------------------------------------------------------- */

#define IOVA_A 0x10000000ULL
#define IOVA_B 0x10001000ULL
#define IOVA_C 0x10002000ULL
#define IOVA_UNMAPPED 0x20000000ULL

static int vfio_container = -1;

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* Bind @dir's device to vfio-pci and open it through its group; the device fd, or -1. */
static int vfio_open(const char *dir, char *group_name, size_t len)
{
	const char *bdf = strrchr(dir, '/') + 1;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	char path[400], link[400];
	int group, dev, i;
	ssize_t n;
	uint16_t cmd;

	snprintf(path, sizeof(path), "%s/driver_override", dir);
	if (write_str(path, "vfio-pci"))
		return report("vfio-bind", 0, "%s: %s", path, strerror(errno)), -1;
	write_str("/sys/bus/pci/drivers_probe", bdf);
	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (!strstr(link, "vfio-pci"))
		return report("vfio-bind", 0, "%s bound to '%s', not vfio-pci", bdf, link), -1;
	snprintf(path, sizeof(path), "%s/iommu_group", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return report("vfio-bind", 0, "%s: no iommu group", bdf), -1;
	link[n] = '\0';
	snprintf(group_name, len, "%s", strrchr(link, '/') + 1);
	vfio_container = open("/dev/vfio/vfio", O_RDWR);
	if (vfio_container < 0 || ioctl(vfio_container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(vfio_container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		return report("vfio-bind", 0, "/dev/vfio/vfio: no type1v2 IOMMU: %s",
			      strerror(errno)),
		       -1;
	snprintf(path, sizeof(path), "/dev/vfio/%s", group_name);
	/* udev-less: devtmpfs makes the node when vfio-pci takes the device. */
	for (i = 0; (group = open(path, O_RDWR)) < 0 && i < 100; i++)
		usleep(10000);
	if (group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return report("vfio-bind", 0, "%s: not a viable group: %s", path, strerror(errno)),
		       -1;
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &vfio_container) ||
	    ioctl(vfio_container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return report("vfio-bind", 0, "container: %s", strerror(errno)), -1;
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev < 0)
		return report("vfio-bind", 0, "GET_DEVICE_FD %s: %s", bdf, strerror(errno)), -1;
	/* Bus mastering through the config-space region, BAR0 through its mmap. */
	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri) ||
	    pread(dev, &cmd, 2, ri.offset + PCI_COMMAND) != 2)
		return report("vfio-bind", 0, "config region: %s", strerror(errno)), -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(dev, &cmd, 2, ri.offset + PCI_COMMAND) != 2)
		return report("vfio-bind", 0, "config write: %s", strerror(errno)), -1;
	ri.argsz = sizeof(ri);
	ri.index = VFIO_PCI_BAR0_REGION_INDEX;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri) ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return report("vfio-bind", 0, "BAR0 region: %s", strerror(errno)), -1;
	regs = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, ri.offset);
	if (regs == MAP_FAILED)
		return report("vfio-bind", 0, "BAR0 mmap: %s", strerror(errno)), -1;
	return dev;
}

static int vfio_map(void *p, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)p,
		.iova = iova,
		.size = PAGE,
	};

	return ioctl(vfio_container, VFIO_IOMMU_MAP_DMA, &m);
}

static int vfio_unmap(uint64_t iova)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = iova, .size = PAGE };

	return ioctl(vfio_container, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != PAGE;
}

/* IOVA @src -> device -> IOVA @dst. */
static int vfio_copy(uint64_t src, uint64_t dst)
{
	return edu_dma(src, EDU_BUF, 0) || edu_dma(EDU_BUF, dst, 1);
}

static int main_vfio(const char *dir)
{
	uint8_t *a, *b, *c;
	char group[64] = "";
	uint64_t pb;

	char path[400];

	a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
		 -1, 0);
	if (a == MAP_FAILED) {
		report("buffer", 0, "mmap: %s", strerror(errno));
		goto out;
	}
	b = a + PAGE, c = a + 2 * PAGE;
	snprintf(path, sizeof(path), "%s/iommu_group", dir);
	if (!access(path, F_OK)) {
		report("no-driver", 0, "%s: in an iommu group before any driver bound it", dir);
	} else if (enable_device(dir) || (rd32(EDU_REG_ID) & 0xff) != 0xed) {
		report("no-driver", 0, "%s: cannot enable or map BAR0: %s", dir, strerror(errno));
	} else {
		fill(a, 0x21);
		fill(b, 0x22);
		if (edu_dma(virt_to_phys(a), EDU_BUF, 0) || edu_dma(EDU_BUF, virt_to_phys(b), 1))
			report("no-driver", 0, "DMA engine did not finish");
		else
			report("no-driver", has(b, 0x22),
			       "no iommu group; DMA by physical address %#llx -> %#llx: %s",
			       (unsigned long long)virt_to_phys(a),
			       (unsigned long long)virt_to_phys(b),
			       has(b, 0x22) ? "did not arrive" : "ARRIVED");
	}
	if (vfio_open(dir, group, sizeof(group)) < 0 || (rd32(EDU_REG_ID) & 0xff) != 0xed) {
		report("vfio-device", 0, "%s: no edu behind VFIO", dir);
		goto out;
	}
	report("vfio-device", 1, "%s: vfio-pci, iommu group %s, BAR0 mapped by VFIO", dir, group);
	memset(a, 0, 3 * PAGE);
	if (vfio_map(a, IOVA_A) || vfio_map(b, IOVA_B) || vfio_map(c, IOVA_C)) {
		report("vfio-map", 0, "VFIO_IOMMU_MAP_DMA: %s", strerror(errno));
		goto out;
	}
	/* Translated DMA both ways: a (read by the device) -> b (written by it). */
	fill(a, 0x31);
	if (vfio_copy(IOVA_A, IOVA_B))
		report("vfio-dma", 0, "DMA engine did not finish");
	else
		report("vfio-dma", has(b, 0x31), "IOVA %#llx -> device -> IOVA %#llx",
		       (unsigned long long)IOVA_A, (unsigned long long)IOVA_B);
	/* The attack: b's physical address as an IOVA (nobody mapped it there). */
	pb = virt_to_phys(b);
	fill(b, 0x44);
	fill(a, 0x55);
	if (!pb)
		report("vfio-unmapped-write", 0, "no physical address in /proc/self/pagemap");
	else if (vfio_copy(IOVA_A, pb))
		report("vfio-unmapped-write", 0, "DMA engine did not finish");
	else
		report("vfio-unmapped-write", has(b, 0x44),
		       "device -> %#llx (b's physical address, unmapped as an IOVA): b %s",
		       (unsigned long long)pb, has(b, 0x44) ? "unchanged" : "CHANGED");
	/* An unmapped read: the device's buffer holds c's pattern, a's never arrives. */
	fill(c, 0x66);
	memset(b, 0, PAGE);
	if (edu_dma(IOVA_C, EDU_BUF, 0) || edu_dma(IOVA_UNMAPPED, EDU_BUF, 0) ||
	    edu_dma(EDU_BUF, IOVA_B, 1))
		report("vfio-unmapped-read", 0, "DMA engine did not finish");
	else
		report("vfio-unmapped-read", (has(b, 0x66) || is_zero(b)) && !has(b, 0x55),
		       "IOVA %#llx -> device: %s", (unsigned long long)IOVA_UNMAPPED,
		       has(b, 0x66) ? "buffer unchanged" :
		       is_zero(b)   ? "zeros" :
				      "OTHER BYTES");
	/* Unmapped by VFIO (Linux's TLBI on the emulated queue): b is out of reach. */
	fill(b, 0x77);
	fill(a, 0x88);
	if (vfio_unmap(IOVA_B))
		report("vfio-unmap", 0, "VFIO_IOMMU_UNMAP_DMA: %s", strerror(errno));
	else if (vfio_copy(IOVA_A, IOVA_B))
		report("vfio-unmap", 0, "DMA engine did not finish");
	else
		report("vfio-unmap", has(b, 0x77), "device -> IOVA %#llx after unmap: b %s",
		       (unsigned long long)IOVA_B, has(b, 0x77) ? "unchanged" : "CHANGED");
	/* The control after the attacks: still translating. */
	fill(a, 0x99);
	memset(c, 0, PAGE);
	if (vfio_copy(IOVA_A, IOVA_C))
		report("vfio-after", 0, "DMA engine did not finish");
	else
		report("vfio-after", has(c, 0x99), "IOVA %#llx -> device -> IOVA %#llx",
		       (unsigned long long)IOVA_A, (unsigned long long)IOVA_C);
out:
	printf("edu-probe: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint8_t *a, *b;
	uint64_t carve;
	char *dir = find_edu();

	if (!dir) {
		report("device", 0, "no edu device (1234:11e8) in /sys/bus/pci/devices");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "vfio"))
		return main_vfio(dir);
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
