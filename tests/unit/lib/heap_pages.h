/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests and benchmarks: page-table pages from the heap for a
 * stage-2 the test builds itself (the host's), counted, with physical
 * address == host pointer as in the hypervisor's identity map. TLB
 * invalidation is a no-op: no CPU walks these tables.
 */
#ifndef ISOHYP_TEST_HEAP_PAGES_H
#define ISOHYP_TEST_HEAP_PAGES_H

#include <stdlib.h>
#include <string.h>

#include <isohyp/pgtable.h>

static long heap_tables; /* pages taken and not given back */

static void *heap_zalloc_page(void *arg)
{
	void *p = aligned_alloc(4096, 4096);

	if (p) {
		memset(p, 0, 4096);
		heap_tables++;
	}
	return p;
}

static void heap_put_page(void *p)
{
	heap_tables--;
	free(p);
}

static void *heap_phys_to_virt(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t heap_virt_to_phys(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

static void heap_tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
}

static const struct kvm_pgtable_mm_ops heap_mm_ops = {
	.zalloc_page = heap_zalloc_page,
	.put_page = heap_put_page,
	.phys_to_virt = heap_phys_to_virt,
	.virt_to_phys = heap_virt_to_phys,
	.tlb_flush = heap_tlb_flush,
};

#endif
