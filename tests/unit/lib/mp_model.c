// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ownership machine and its reference model (mp_model.h), shared by
 * tests/unit/mem_protect_test.c and tests/fuzz/mem_protect.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isohyp/errno.h>
#include <uapi/isohyp.h>

#include "mp_model.h"
#include "s2_decode.h"

u8 *ram_bytes; /* the contents of RAM, for zeroing checks */
long pool_allocated, pool_freed, pool_fail_after = -1;

u64 page_pa(u64 i)
{
	return i < RAM0_PAGES ? RAM0 + (i << 12) : RAM1 + ((i - RAM0_PAGES) << 12);
}

u8 *page_bytes(u64 pa)
{
	return ram_bytes + (pa >= RAM1 ? RAM0_SIZE + (pa - RAM1) : pa - RAM0);
}

static void *zalloc(void *arg)
{
	void *p;

	if (pool_fail_after == 0)
		return NULL;
	if (pool_fail_after > 0)
		pool_fail_after--;
	p = aligned_alloc(4096, 4096);
	memset(p, 0, 4096);
	pool_allocated++;
	return p;
}

static void put(void *p)
{
	pool_freed++;
	free(p);
}

static void *p2v(phys_addr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static phys_addr_t v2p(void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

int nr_tlb_flushes;

static void tlb_flush(struct kvm_pgtable *pgt, u64 addr, u64 size)
{
	nr_tlb_flushes++;
}

const struct kvm_pgtable_mm_ops mm_ops = {
	.zalloc_page = zalloc, .put_page = put, .phys_to_virt = p2v, .virt_to_phys = v2p,
	.tlb_flush = tlb_flush,
};

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset(page_bytes(pa), 0, size);
}

const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

/* ---- a fake IOMMU driver: what DMA may reach, per RAM page ----------------- */

int iommu_prot[RAM_PAGES];
int iommu_mmio_prot; /* what it was told for the UART page */
int iommu_calls;

static int fake_iommu_init(void)
{
	return 0;
}

/* Pages of RAM range [ram, ram + size), first index @first, whose base lies in [start, end). */
static void iommu_prot_set(u64 ram, u64 size, u64 first, phys_addr_t start, phys_addr_t end,
			   int prot)
{
	u64 lo = start > ram ? start : ram, hi = end < ram + size ? end : ram + size, pa;

	for (pa = (lo + 0xfff) & ~0xfffULL; pa < hi; pa += 0x1000)
		iommu_prot[first + ((pa - ram) >> 12)] = prot;
}

static int fake_iommu_idmap(phys_addr_t start, phys_addr_t end, int prot)
{
	iommu_calls++;
	iommu_prot_set(RAM0, RAM0_SIZE, 0, start, end, prot);
	iommu_prot_set(RAM1, RAM1_SIZE, RAM0_PAGES, start, end, prot);
	if (0x9000000 >= start && 0x9000000 < end)
		iommu_mmio_prot = prot;
	return 0;
}

static void fake_iommu_info(struct kvm_iommu_info *info)
{
	*info = (struct kvm_iommu_info){ .nr_iommus = 1 };
}

static const struct kvm_iommu_ops fake_iommu = {
	.init = fake_iommu_init, .host_stage2_idmap = fake_iommu_idmap, .info = fake_iommu_info,
};

/* ---- the reference model ---------------------------------------------------- */

u8 model[RAM_PAGES];
u8 model_pins[RAM_PAGES]; /* pins held on each page */

const struct boot_mem_range ram_ranges[2] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

void machine_setup(void)
{
	free(ram_bytes);
	ram_bytes = malloc(RAM0_SIZE + RAM1_SIZE);
	memset(ram_bytes, 0xa5, RAM0_SIZE + RAM1_SIZE);
	machine_reset();
}

void machine_reset(void)
{
	u64 i;

	pool_fail_after = -1;
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	pool_allocated = pool_freed = 0;
	memset(iommu_prot, 0, sizeof(iommu_prot));
	if (!kvm_iommu_ops)
		kvm_iommu_register(&fake_iommu);
	memset(model_pins, 0, sizeof(model_pins));
	for (i = 0; i < RAM_PAGES; i++)
		model[i] = page_pa(i) >= CARVE && page_pa(i) < CARVE + CARVE_SIZE ? M_HYP : M_OWNED;
}

int expected_page_state(u64 i)
{
	static const int map[] = { ISOHYP_PAGE_HOST_OWNED, ISOHYP_PAGE_SHARED_HYP,
				   ISOHYP_PAGE_HYP_OWNED, ISOHYP_PAGE_HYP_OWNED };

	if (model_pins[i])
		return ISOHYP_PAGE_HOST_PINNED; /* only host pages can be pinned */
	return map[model[i]];
}

/* The model, PAGE_STATE, the decoded descriptors and the IOMMU agree on page i. */
bool page_agrees(u64 i, char *why, size_t len)
{
	struct xlate x = ref_walk(&host_mmu.pgt, page_pa(i));
	int dma = IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE;
	int state = __pkvm_host_page_state(page_pa(i) >> 12);
	bool desc_ok;

	switch (model[i]) {
	case M_OWNED:
		desc_ok = (!x.valid && !x.owner) || (x.valid && !x.sw0 && x.pa == page_pa(i));
		break;
	case M_SHARED:
		desc_ok = x.valid && x.sw0 && x.pa == page_pa(i) && x.s2ap == 3;
		break;
	case M_DONATED:
		desc_ok = !x.valid && x.owner == PKVM_ID_DONATED;
		break;
	default:
		desc_ok = !x.valid && x.owner == PKVM_ID_HYP;
		break;
	}
	if (model[i] >= M_DONATED)
		dma = 0;
	snprintf(why, len, "page %llx: model %d, PAGE_STATE %d, desc valid %d owner %u sw0 %d, iommu %x",
			 (unsigned long long)page_pa(i), model[i], state, x.valid, x.owner, x.sw0,
			 iommu_prot[i]);
	return desc_ok && state == expected_page_state(i) && iommu_prot[i] == dma;
}

/* What the reference model says a call on [first, first + n) returns. */
int model_call(int op, u64 pfn, u64 n, bool commit)
{
	static const u8 need[] = { M_OWNED, M_SHARED, M_OWNED, M_DONATED };
	static const u8 next[] = { M_SHARED, M_OWNED, M_DONATED, M_OWNED };
	u64 first, i, p;

	if (!n || pfn + n < pfn || pfn + n > (1ull << (IA_BITS - 12)))
		return -EINVAL;
	/* Wholly inside one RAM range? */
	if (pfn >= (RAM0 >> 12) && pfn + n <= ((RAM0 + RAM0_SIZE) >> 12))
		first = pfn - (RAM0 >> 12);
	else if (pfn >= (RAM1 >> 12) && pfn + n <= ((RAM1 + RAM1_SIZE) >> 12))
		first = RAM0_PAGES + pfn - (RAM1 >> 12);
	else
		return -EINVAL;
	for (i = first; i < first + n; i++)
		if (model[i] != need[op])
			return -EPERM;
	if (commit)
		for (p = first; p < first + n; p++)
			model[p] = next[op];
	return 0;
}

int real_call(int op, u64 pfn, u64 n)
{
	switch (op) {
	case 0:
		return __pkvm_host_share_hyp(pfn, n);
	case 1:
		return __pkvm_host_unshare_hyp(pfn, n);
	case 2:
		return __pkvm_host_donate_hyp(pfn, n);
	default:
		return __pkvm_host_reclaim(pfn, n);
	}
}
