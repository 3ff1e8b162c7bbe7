// SPDX-License-Identifier: GPL-2.0-only
/*
 * EL2 stage-1 page tables (Arm ARM D8.3, VMSAv8-64 descriptors, 4 KiB granule,
 * 48-bit VA, translation regime with one privilege level). Identity only and
 * map-only: the hypervisor never unmaps its own view. Uses 1 GiB and 2 MiB
 * blocks where the range allows.
 */
#include <asm/cache.h>
#include <asm/hyp_mmu.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>
#include <isohyp/errno.h>

#define S1_VALID BIT(0)
#define S1_TABLE BIT(1) /* at levels 0-2; at level 3 it marks a page */
#define S1_ATTRINDX GENMASK(4, 2)
#define S1_AP GENMASK(7, 6)
#define S1_AP_RW_EL2 1 /* AP[2:1] = 01: AP[1] is RES1 with one privilege level */
#define S1_AP_RO_EL2 3 /* AP[2:1] = 11: read-only */
#define S1_SH GENMASK(9, 8)
#define S1_AF BIT(10)
#define S1_XN BIT(54)
#define S1_ADDR GENMASK(47, 12)

#define MAIR_IDX_NORMAL 0
#define MAIR_IDX_DEVICE 1

#define HYP_VA_BITS 48
/*
 * The fixmap: the last 2 MiB of the VA space, one 4 KiB slot per CPU, where
 * a host page is mapped for the duration of one access (host_mem.c). No
 * identity mapping may reach it.
 */
#define HYP_FIXMAP_BASE (BIT(HYP_VA_BITS) - SZ_2M)
#define HYP_FIXMAP_SLOTS 512

struct hyp_mmu_cfg hyp_mmu_cfg;
static u64 *hyp_pgd;
static struct hyp_pool *mmu_pool;
static u64 *fixmap_ptes; /* the level-3 table of the fixmap */

static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

static u64 leaf_attrs(enum hyp_map_type type, int level)
{
	bool ro = type == HYP_MAP_TEXT || type == HYP_MAP_RODATA;
	u64 d = S1_VALID | S1_AF | FIELD_PREP(S1_AP, ro ? S1_AP_RO_EL2 : S1_AP_RW_EL2);

	if (level == 3)
		d |= S1_TABLE;
	if (type == HYP_MAP_DEVICE)
		return d | FIELD_PREP(S1_ATTRINDX, MAIR_IDX_DEVICE) | S1_XN;
	d |= FIELD_PREP(S1_ATTRINDX, MAIR_IDX_NORMAL) | FIELD_PREP(S1_SH, TCR_SH_INNER);
	/* Only text executes (and SCTLR_EL2.WXN makes anything writable XN anyway). */
	return type == HYP_MAP_TEXT ? d : d | S1_XN;
}

static int map_level(u64 *table, int level, u64 pa, u64 end, enum hyp_map_type type)
{
	u64 size = level_size(level);

	while (pa < end) {
		u64 idx = (pa >> (12 + 9 * (3 - level))) & 511;
		u64 next = ALIGN_DOWN(pa, size) + size;
		u64 *entry = &table[idx];
		int ret;

		if (next > end || next < pa)
			next = end;
		if (level >= 1 && IS_ALIGNED(pa, size) && next - pa == size &&
		    !(*entry & S1_VALID)) {
			/* A whole block (or page) where nothing is mapped yet. */
			*entry = (pa & S1_ADDR) | leaf_attrs(type, level);
			pa = next;
			continue;
		}
		if (level == 3)
			return -EEXIST; /* the page is mapped already */
		if (!(*entry & S1_VALID)) {
			u64 *sub = hyp_alloc_page(mmu_pool);

			if (!sub)
				return -ENOMEM;
			*entry = ((u64)(uintptr_t)sub & S1_ADDR) | S1_VALID | S1_TABLE;
		} else if (!(*entry & S1_TABLE)) {
			return -EEXIST; /* would split a block we mapped: not supported */
		}
		ret = map_level((u64 *)(uintptr_t)(*entry & S1_ADDR), level + 1, pa, next, type);
		if (ret)
			return ret;
		pa = next;
	}
	return 0;
}

/**
 * hyp_mmu_map() - identity-map [pa, pa + size) at EL2.
 * Ranges must be page aligned and must not overlap earlier ones.
 * Returns 0, -EINVAL, -ENOMEM or -EEXIST.
 */
int hyp_mmu_map(u64 pa, u64 size, enum hyp_map_type type)
{
	if (!IS_ALIGNED(pa | size, SZ_4K) || !size || pa + size < pa ||
	    pa + size > HYP_FIXMAP_BASE)
		return -EINVAL;
	return map_level(hyp_pgd, 0, pa, pa + size, type);
}

/* The tables down to the fixmap's level-3 table, made once at boot. */
static int fixmap_init(void)
{
	u64 *table = hyp_pgd;
	int level;

	for (level = 0; level < 3; level++) {
		u64 *entry = &table[(HYP_FIXMAP_BASE >> (12 + 9 * (3 - level))) & 511];

		if (!(*entry & S1_VALID)) {
			u64 *sub = hyp_alloc_page(mmu_pool);

			if (!sub)
				return -ENOMEM;
			*entry = ((u64)(uintptr_t)sub & S1_ADDR) | S1_VALID | S1_TABLE;
		}
		table = (u64 *)(uintptr_t)(*entry & S1_ADDR);
	}
	fixmap_ptes = table;
	return 0;
}

void *hyp_fixmap_map(u64 pa)
{
	unsigned int slot = hyp_cpu_index();

	fixmap_ptes[slot] = (ALIGN_DOWN(pa, SZ_4K) & S1_ADDR) | leaf_attrs(HYP_MAP_DATA, 3);
	/* Invalid to valid needs no TLBI: the entry is seen before the first access. */
	__asm__ __volatile__("dsb ishst\n isb" ::: "memory");
	return (void *)(uintptr_t)(HYP_FIXMAP_BASE + slot * SZ_4K + (pa & (SZ_4K - 1)));
}

void hyp_fixmap_unmap(void)
{
	u64 va = HYP_FIXMAP_BASE + hyp_cpu_index() * SZ_4K;

	fixmap_ptes[hyp_cpu_index()] = 0;
	/*
	 * Gone from every TLB before the slot names another page: another CPU's
	 * speculative walk may have cached it (the tables are shared).
	 */
	__asm__ __volatile__("dsb ishst\n tlbi vae2is, %0\n dsb ish\n isb"
			     : : "r"(va >> 12) : "memory");
}

int hyp_mmu_init(struct hyp_pool *pool, unsigned int pa_bits)
{
	unsigned int ps = pa_bits >= 48 ? 5 : pa_bits >= 44 ? 4 : pa_bits >= 42 ? 3 :
			  pa_bits >= 40 ? 2 : pa_bits >= 36 ? 1 : 0;

	mmu_pool = pool;
	hyp_pgd = hyp_alloc_page(pool);
	if (!hyp_pgd)
		return -ENOMEM;
	hyp_mmu_cfg.mair = MAIR_ATTR_NORMAL_WB << (8 * MAIR_IDX_NORMAL) |
			   MAIR_ATTR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE);
	hyp_mmu_cfg.tcr = TCR_EL2_RES1 | FIELD_PREP(TCR_EL2_T0SZ, 64 - HYP_VA_BITS) |
			  FIELD_PREP(TCR_EL2_IRGN0, TCR_RGN_WBWA) |
			  FIELD_PREP(TCR_EL2_ORGN0, TCR_RGN_WBWA) |
			  FIELD_PREP(TCR_EL2_SH0, TCR_SH_INNER) | FIELD_PREP(TCR_EL2_TG0, 0) |
			  FIELD_PREP(TCR_EL2_PS, ps);
	hyp_mmu_cfg.ttbr0 = (u64)(uintptr_t)hyp_pgd;
	hyp_mmu_cfg.sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN;
	return fixmap_init();
}
