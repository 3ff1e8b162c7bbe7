// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwcfg-probe: QEMU's fw_cfg DMA driven from Linux user space under isohyp.
 *
 * fw_cfg ("qemu,fw-cfg-mmio", QEMU docs/specs/fw_cfg.rst) is a DMA master no
 * SMMU fronts; the hypervisor mediates its DMA. Through /dev/mem (its
 * registers, found in /proc/device-tree) this program rings its DMA
 * doorbell with FWCfgDmaAccess descriptors in pages of its own (physical
 * addresses from /proc/self/pagemap; every field big-endian):
 *   - own-buffer: select the signature (key 0) and read 64 bytes into a page
 *     of ours, 64-bit trigger then the split 32-bit one (Linux's
 *     qemu_fw_cfg uses that): "QEMU" and zeros arrive, control reads 0;
 *   - carveout: the same transfer aimed at the hypervisor's carve-out
 *     (/proc/device-tree/reserved-memory/hypervisor@.../reg): control must
 *     read ERROR; the hypervisor logs the refusal (tests/linux/boot.sh);
 *   - after: own-buffer again.
 * With the argument "claimed" it only tries to map the registers, for after
 * qemu_fw_cfg has claimed them: Debian's kernel has CONFIG_IO_STRICT_DEVMEM,
 * so /dev/mem must refuse (EPERM) -- the attack needs the driver unbound.
 * Prints "fwcfg-probe: <check>: ok|fail <detail>"; exit 0 when all pass.
 * Needs root.
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
#include <unistd.h>

#define PROBE_NAME "fwcfg-probe"
#include "probe.h"

#define FW_CFG_DMA 0x10
#define FW_CFG_DMA_LO 0x14
#define DMA_ERROR 0x01U
#define DMA_READ 0x02U
#define DMA_SELECT 0x08U
#define LEN 64

struct dma_access {
	uint32_t control, length;
	uint64_t address;
};

static volatile uint8_t *regs;
static int map_regs(uint64_t base)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *p;

	if (fd < 0)
		return -1;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, base & ~(uint64_t)(PAGE - 1));
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	regs = (volatile uint8_t *)p + (base & (PAGE - 1));
	return 0;
}

/* Single stores the hypervisor can emulate (no pairs, no writeback). */
static void write32(unsigned int off, uint32_t v)
{
	__asm__ __volatile__("dsb st\n\tstr %w0, [%1]" : : "r"(v), "r"(regs + off) : "memory");
}

static void write64(unsigned int off, uint64_t v)
{
	__asm__ __volatile__("dsb st\n\tstr %0, [%1]" : : "r"(v), "r"(regs + off) : "memory");
}

/* Select the signature, read LEN bytes to @buf_pa; the control word back. */
static uint32_t dma_signature(volatile struct dma_access *d, uint64_t d_pa, uint64_t buf_pa,
			      int split)
{
	d->control = __builtin_bswap32(DMA_SELECT | DMA_READ);
	d->length = __builtin_bswap32(LEN);
	d->address = __builtin_bswap64(buf_pa);
	if (split) {
		write32(FW_CFG_DMA, __builtin_bswap32(d_pa >> 32));
		write32(FW_CFG_DMA_LO, __builtin_bswap32((uint32_t)d_pa));
	} else {
		write64(FW_CFG_DMA, __builtin_bswap64(d_pa));
	}
	return __builtin_bswap32(d->control);
}

static int holds_signature(const uint8_t *p)
{
	int i;

	if (memcmp(p, "QEMU", 4))
		return 0;
	for (i = 4; i < LEN; i++)
		if (p[i])
			return 0;
	return 1;
}

static void check_own_buffer(const char *name, volatile struct dma_access *d, uint64_t d_pa,
			     uint8_t *buf)
{
	uint64_t pa = virt_to_phys(buf);
	uint32_t c64, c32;
	int ok64, ok32;

	memset(buf, 0xa5, PAGE);
	c64 = dma_signature(d, d_pa, pa, 0);
	ok64 = holds_signature(buf);
	memset(buf, 0xa5, PAGE);
	c32 = dma_signature(d, d_pa, pa, 1);
	ok32 = holds_signature(buf);
	report(name, !c64 && !c32 && ok64 && ok32,
	       "%#llx: signature read by DMA (64-bit trigger: control %#x%s, split: control %#x%s)",
	       (unsigned long long)pa, c64, ok64 ? "" : ", bytes wrong", c32,
	       ok32 ? "" : ", bytes wrong");
}

int main(int argc, char **argv)
{
	uint64_t fw_cfg = find_node("/proc/device-tree", "fw-cfg@"), carve, d_pa;
	volatile struct dma_access *d;
	uint8_t *pages;

	if (!fw_cfg) {
		report("device", 0, "no fw-cfg@ node in /proc/device-tree");
		return 1;
	}
	if (argc > 1 && !strcmp(argv[1], "claimed")) {
		int ret = map_regs(fw_cfg);

		report("devmem-claimed", ret && errno == EPERM, "%#llx: /dev/mem %s%s",
		       (unsigned long long)fw_cfg, ret ? "refused: " : "allowed the mapping",
		       ret ? strerror(errno) : "");
		return failures ? 1 : 0;
	}
	if (map_regs(fw_cfg)) {
		report("device", 0, "%#llx: cannot map through /dev/mem: %s",
		       (unsigned long long)fw_cfg, strerror(errno));
		return 1;
	}
	report("device", 1, "%#llx through /dev/mem", (unsigned long long)fw_cfg);
	pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (pages == MAP_FAILED) {
		report("buffer", 0, "mmap: %s", strerror(errno));
		return 1;
	}
	d = (volatile struct dma_access *)pages;
	d_pa = virt_to_phys(pages);
	if (!d_pa || !virt_to_phys(pages + PAGE)) {
		report("buffer", 0, "no physical address in /proc/self/pagemap");
		return 1;
	}
	check_own_buffer("own-buffer", d, d_pa, pages + PAGE);

	carve = find_carveout();
	if (!carve) {
		report("carveout", 0, "no hypervisor@ node in /proc/device-tree/reserved-memory");
	} else {
		uint32_t c64 = dma_signature(d, d_pa, carve, 0);
		uint32_t c32 = dma_signature(d, d_pa, carve, 1);

		report("carveout", c64 == DMA_ERROR && c32 == DMA_ERROR,
		       "%#llx: control %#x (64-bit trigger), %#x (split): %s",
		       (unsigned long long)carve, c64, c32,
		       c64 == DMA_ERROR && c32 == DMA_ERROR ? "refused" : "not refused");
	}
	check_own_buffer("after", d, d_pa, pages + PAGE);
	printf("fwcfg-probe: %s\n", failures ? "FAILED" : "all checks passed");
	return failures ? 1 : 0;
}
