/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests and the mem_protect fuzz target: the ownership machine of
 * lib/machine_layout.h with hyp/mem_protect.c's host stage-2 on it (a page
 * pool of aligned_alloc() pages, a fake IOMMU driver recording what DMA may
 * reach per RAM page, RAM contents for zeroing checks), and the reference
 * model: a plain array of page states the real calls must agree with.
 */
#ifndef ISOHYP_TEST_MP_MODEL_H
#define ISOHYP_TEST_MP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>

#include "machine_layout.h"

/* Pages of both RAM ranges, indexed 0..RAM_PAGES-1. */
#define RAM0_PAGES (RAM0_SIZE >> 12)
#define RAM_PAGES ((RAM0_SIZE + RAM1_SIZE) >> 12)

enum model_state { M_OWNED, M_SHARED, M_DONATED, M_HYP };

extern u8 *ram_bytes; /* the contents of RAM */
extern long pool_allocated, pool_freed, pool_fail_after; /* -1: never fail */
extern int nr_tlb_flushes;
extern const struct kvm_pgtable_mm_ops mm_ops;
extern const struct mem_protect_ops mp_ops;
extern const struct boot_mem_range ram_ranges[2];
extern int iommu_prot[RAM_PAGES]; /* what the fake IOMMU was told, per RAM page */
extern int iommu_mmio_prot; /* ... for the UART page */
extern int iommu_calls;
extern u8 model[RAM_PAGES]; /* enum model_state */
extern u8 model_pins[RAM_PAGES]; /* pins held on each page */

u64 page_pa(u64 i);
u8 *page_bytes(u64 pa);

/*
 * No host stage-2, an empty pool, the model: carve-out M_HYP, the rest
 * M_OWNED; machine_setup() also (re)fills RAM with 0xa5, machine_reset()
 * leaves RAM as it is (72 MiB: the fuzz target resets per input).
 */
void machine_setup(void);
void machine_reset(void);

int expected_page_state(u64 i);

/* The model, PAGE_STATE, the decoded descriptors and the IOMMU agree on page i. */
bool page_agrees(u64 i, char *why, size_t len);

/* What the model says op (0 share, 1 unshare, 2 donate, 3 reclaim) on [pfn, pfn + n) returns. */
int model_call(int op, u64 pfn, u64 n, bool commit);

/* The real host call op on [pfn, pfn + n). */
int real_call(int op, u64 pfn, u64 n);

#endif
