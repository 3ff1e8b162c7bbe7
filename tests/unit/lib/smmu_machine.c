// SPDX-License-Identifier: GPL-2.0-only
/* The machine of the SMMU unit tests (see smmu_machine.h). */
#include <stdlib.h>

#include "heap_pages.h"
#include "smmu_machine.h"
#include <isohyp/iommu.h>
#include <smmuv3/arm_smmu_v3.h>
#include <isohyp/mem_protect.h>

/* drivers/smmuv3/io_pgtable.c's table (its header clashes with the test's names). */
extern struct kvm_pgtable smmu_idmap;

void machine_smmu_merge_at_once(void)
{
	kvm_pgtable_stage2_set_idle_policy(&smmu_idmap, 0, 1);
}

const struct smmu_cfg qemu_cfg = {
	SMMU_MODEL_IDR0_QEMU, SMMU_MODEL_IDR1_QEMU, SMMU_MODEL_IDR3_QEMU, SMMU_MODEL_IDR5_QEMU,
	true, SMMU_SIZE,
};

struct smmu_model model;
struct hyp_pool pool;
u64 pool_pages = POOL_PAGES;
static void *pool_mem;
static const struct boot_mem_range ram_ranges[] = { { RAM0, RAM0_SIZE }, { RAM1, RAM1_SIZE } };

static void zero_pages(phys_addr_t pa, u64 size)
{
	/* The test's RAM is fictional: nothing to zero. */
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };

void machine_up(const struct smmu_cfg *cfg)
{
	kvm_iommu_ops = NULL;
	free(pool_mem);
	pool_mem = aligned_alloc(4096, POOL_PAGES * 4096);
	hyp_pool_init(&pool, (u64)(uintptr_t)pool_mem, pool_pages);
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	poc_memory_reset();
	smmu_model_init(&model, SMMU_PA, cfg->idr0, cfg->idr1, cfg->idr3, cfg->idr5);
	model.noncoherent = !cfg->coherent || !(cfg->idr0 & IDR0_COHACC);
}

int machine_register_smmus(const struct boot_smmu *b, unsigned int nr)
{
	int ret;

	ret = host_stage2_init(ram_ranges, 2, IA_BITS, &heap_mm_ops, NULL, &mp_ops);
	if (!ret)
		ret = host_stage2_protect_hyp(CARVE, CARVE_SIZE);
	if (!ret)
		ret = host_stage2_protect_hyp(SMMU_PA, nr * SMMU_SIZE);
	if (!ret)
		ret = kvm_arm_smmu_v3_register(b, nr, &pool, IA_BITS);
	return ret;
}

int machine_register(const struct smmu_cfg *cfg)
{
	struct boot_smmu b = { .base = SMMU_PA, .size = cfg->size, .coherent = cfg->coherent };

	return machine_register_smmus(&b, 1);
}

void machine_down(void)
{
	if (host_mmu.pgt.pgd)
		kvm_pgtable_stage2_destroy(&host_mmu.pgt);
	host_mmu.pgt.pgd = NULL;
	smmu_model_remove(&model);
	kvm_iommu_ops = NULL;
}

long machine_host_tables(void)
{
	return heap_tables;
}
