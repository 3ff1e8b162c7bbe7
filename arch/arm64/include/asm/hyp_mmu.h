/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own EL2 stage-1 translation: an identity map (VA == PA) of
 * the carve-out (its text read-only and executable, its rodata read-only,
 * everything else read-write and never executable, SCTLR_EL2.WXN on; each
 * CPU's stack with an unmapped guard page below it) and the MMIO the
 * hypervisor drives (Device-nGnRE). No host RAM: a host page is mapped in a
 * per-CPU fixmap slot for the one access that needs it. Built once per boot on the boot CPU and
 * shared by every CPU.
 */
#ifndef ISOHYP_ASM_HYP_MMU_H
#define ISOHYP_ASM_HYP_MMU_H

#include <isohyp/page_alloc.h>
#include <isohyp/types.h>

enum hyp_map_type {
	HYP_MAP_TEXT, /* normal memory, read-only, executable (the image's text) */
	HYP_MAP_RODATA, /* normal memory, read-only, never executable */
	HYP_MAP_DATA, /* normal memory, read-write, never executable */
	HYP_MAP_DEVICE, /* Device-nGnRE, read-write, never executable */
};

/* The values __hyp_mmu_on (entry.S) loads; layout fixed by it. */
struct hyp_mmu_cfg {
	u64 mair, tcr, ttbr0, sctlr;
};

extern struct hyp_mmu_cfg hyp_mmu_cfg;

int hyp_mmu_init(struct hyp_pool *pool, unsigned int pa_bits);
/*
 * This CPU's fixmap slot: @pa's page mapped (read-write, never executable)
 * until hyp_fixmap_unmap(); returns @pa's address in it. One at a time per
 * CPU; the caller makes sure the page may be accessed (host_mem.c).
 */
void *hyp_fixmap_map(u64 pa);
void hyp_fixmap_unmap(void);
int hyp_mmu_map(u64 pa, u64 size, enum hyp_map_type type);

#endif /* ISOHYP_ASM_HYP_MMU_H */
