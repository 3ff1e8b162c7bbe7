// SPDX-License-Identifier: GPL-2.0-only
/*
 * The machine of the device-mediation fuzz targets (mediator.h): memory,
 * the host stage-2, the driver's bring-up, the host's accesses, and the
 * hypervisor's accessors of host memory, checked.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_FIXED_NOREPLACE */
#include <string.h>
#include <sys/mman.h>

#include <asm/esr.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>

#include "../unit/lib/heap_pages.h"
#include "mediator.h"

#define FZ_PAGES (FZ_RAM_SIZE >> 12)

u64 fake_timer_ticks;

static bool donated[FZ_PAGES];
static struct hyp_pool pool;

/* Refusals are the point of these targets: count them, print nothing. */
void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
}

u8 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

u16 fz_u16(struct fz_in *in)
{
	return fz_u8(in) | (u16)fz_u8(in) << 8;
}

u64 fz_u64(struct fz_in *in)
{
	u64 v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (u64)fz_u8(in) << (8 * i);
	return v;
}

bool fz_host_owns(u64 pa, u64 len)
{
	u64 p;

	if (!len || pa + len < pa || pa < FZ_RAM || pa + len > FZ_RAM + FZ_RAM_SIZE)
		return false;
	for (p = pa & ~0xfffULL; p < pa + len; p += 0x1000)
		if ((p >= FZ_CARVE && p < FZ_CARVE + FZ_CARVE_SIZE) || donated[(p - FZ_RAM) >> 12])
			return false;
	return true;
}

/* The hypervisor touches host memory only through these: never a page the host does not own. */
void host_mem_read(phys_addr_t pa, void *dst, u64 len)
{
	FUZZ_CHECK(fz_host_owns(pa, len));
	memcpy(dst, (const void *)(uintptr_t)pa, len);
}

void host_mem_write(phys_addr_t pa, const void *src, u64 len)
{
	FUZZ_CHECK(fz_host_owns(pa, len));
	memcpy((void *)(uintptr_t)pa, src, len);
}

void host_mem_zero(phys_addr_t pa, u64 len)
{
	FUZZ_CHECK(fz_host_owns(pa, len));
	memset((void *)(uintptr_t)pa, 0, len);
}

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

static int map_device(u64 pa, u64 size)
{
	return 0;
}

int fz_machine_reset(u64 mmio, u64 mmio_size, const char *name, const struct boot_info *bi)
{
	static const struct boot_mem_range ram = { FZ_RAM, FZ_RAM_SIZE };
	static bool mapped;
	const struct hyp_driver_env env = {
		.bi = bi,
		.pool = &pool,
		.host_ia_bits = FZ_IA_BITS,
		.map_device = map_device,
	};
	const struct hyp_driver *d;
	struct hyp_mmio_region *r;

	if (!mapped) {
		FUZZ_CHECK(mmap((void *)(uintptr_t)FZ_RAM, FZ_RAM_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
				0) == (void *)(uintptr_t)FZ_RAM);
		mapped = true;
	}
	for (u64 a = mmio; a < mmio + mmio_size; a += 0x1000)
		while ((r = hyp_mmio_find(a)))
			hyp_mmio_unregister(r);
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	FUZZ_CHECK(heap_tables == 0);
	memset((void *)(uintptr_t)FZ_RAM, 0, FZ_RAM_SIZE);
	memset(donated, 0, sizeof(donated));
	FUZZ_CHECK(!host_stage2_init(&ram, 1, FZ_IA_BITS, &heap_mm_ops, NULL, &mp_ops));
	FUZZ_CHECK(!host_stage2_protect_hyp(FZ_CARVE, FZ_CARVE_SIZE));
	hyp_pool_init(&pool, FZ_CARVE, FZ_POOL_PAGES);
	for (d = __start_hyp_device_drivers; d < __stop_hyp_device_drivers; d++)
		if (!strcmp(d->name, name))
			return d->init(&env);
	FUZZ_CHECK(!"driver linked");
	return -ENODEV;
}

u64 fz_where(u8 cls, u16 off, u64 step)
{
	u64 o = (u64)off * step, edge = step * (1 + off % 16);

	switch (cls % 10) {
	case 0: /* host RAM below the carve-out */
		return FZ_RAM + o % (FZ_CARVE - FZ_RAM);
	case 1: /* host RAM above it */
		return FZ_CARVE + FZ_CARVE_SIZE +
		       o % (FZ_RAM + FZ_RAM_SIZE - FZ_CARVE - FZ_CARVE_SIZE);
	case 2: /* the pool: the hypervisor's tables, queues, descriptors */
		return FZ_CARVE + o % (FZ_POOL_PAGES * 0x1000ULL);
	case 3: /* the rest of the carve-out */
		return FZ_CARVE + FZ_POOL_PAGES * 0x1000ULL +
		       o % (FZ_CARVE_SIZE - FZ_POOL_PAGES * 0x1000ULL);
	case 4: /* just below the carve-out: runs into it */
		return FZ_CARVE - edge;
	case 5: /* the carve-out's last bytes: runs into host RAM */
		return FZ_CARVE + FZ_CARVE_SIZE - edge;
	case 6: /* RAM's last bytes: runs into MMIO */
		return FZ_RAM + FZ_RAM_SIZE - edge;
	case 7: /* MMIO the host keeps */
		return FZ_UART + o % 0x1000;
	case 8: /* far away: no RAM, nothing backed */
		return (u64)off << 24;
	default: /* just below RAM */
		return FZ_RAM - edge;
	}
}

bool fz_host_write(u64 pa, const void *src, u64 len)
{
	/* Only RAM is backed here: MMIO is reached by register accesses, not stores. */
	bool ram = len && pa >= FZ_RAM && pa + len <= FZ_RAM + FZ_RAM_SIZE, may = ram;

	for (u64 p = pa & ~0xfffULL; ram && p < pa + len; p += 0x1000)
		may = may && host_stage2_idmap(p) == 0;
	if (ram)
		FUZZ_CHECK(may == fz_host_owns(pa, len));
	if (may)
		memcpy((void *)(uintptr_t)pa, src, len);
	return may;
}

int fz_host_donate_toggle(u64 pa)
{
	u64 i = (pa - FZ_RAM) >> 12;
	int ret;

	if (pa < FZ_RAM || pa >= FZ_RAM + FZ_RAM_SIZE)
		return -EINVAL;
	ret = donated[i] ? __pkvm_host_reclaim(pa >> 12, 1) : __pkvm_host_donate_hyp(pa >> 12, 1);
	if (!ret)
		donated[i] = !donated[i];
	return ret;
}

/* ESR_EL2 of a data abort from EL1 with ISV = 1: x1, Wn for accesses below 8 bytes. */
static u64 dabt(unsigned int size, bool write)
{
	u64 sas = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

	return FIELD_PREP(ESR_EC, ESR_EC_DABT_LOW) | BIT(25) | ESR_DABT_ISV |
	       FIELD_PREP(ESR_DABT_SAS, sas) | FIELD_PREP(ESR_DABT_SRT, 1) |
	       (size == 8 ? ESR_DABT_SF : 0) | (write ? ESR_DABT_WNR : 0);
}

int fz_mmio(u64 addr, unsigned int size, bool write, u64 *val)
{
	struct hyp_mmio_region *r = hyp_mmio_find(addr);
	struct mmio_access acc;
	u64 regs[31] = { 0 };
	int ret;

	if (!r)
		return -ENOENT;
	regs[1] = write ? *val : 0x5a5a5a5a5a5a5a5aULL;
	ret = mmio_decode(dabt(size, write), &acc);
	FUZZ_CHECK(!ret);
	ret = hyp_mmio_emulate(r, addr, &acc, regs);
	if (!ret && !write)
		*val = regs[1];
	return ret;
}
