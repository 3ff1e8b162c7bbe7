// SPDX-License-Identifier: GPL-2.0-only
/*
 * The iommu core (ARCHITECTURE.md section 5), after pKVM's "shadow host
 * stage-2" patch: the driver's init, then a snapshot of the host stage-2
 * under host_mmu.lock, then forwarding of every ownership change, which
 * mem_protect makes through kvm_iommu_host_stage2_idmap() only.
 *
 * Forwarding starts only after a *successful* snapshot (the posted patch set
 * its flag to !!ret, which turns every later update off: the unit tests check
 * exactly that). Prot: RAM is Normal write-back (IOMMU_CACHE), anything else
 * Device (IOMMU_MMIO) -- a DMA initiator cannot say per transfer which one it
 * targets, so stage-2 must (review thread of the reference patch).
 *
 * Lock order: host_mmu.lock, then whatever the driver takes.
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/iommu.h>
#include <isohyp/mem_protect.h>
#include <isohyp/panic.h>

const struct kvm_iommu_ops *kvm_iommu_ops;
unsigned long kvm_iommu_prot_warnings;

/*
 * Written under host_mmu.lock, once, before the host runs (so readers that
 * only run on host traps may read it without the lock).
 */
static bool kvm_idmap_initialized;

int kvm_iommu_register(const struct kvm_iommu_ops *ops)
{
	if (kvm_iommu_ops)
		return -EBUSY; /* one driver */
	if (!ops || !ops->init || !ops->host_stage2_idmap || !ops->info)
		return -EINVAL;
	kvm_iommu_ops = ops;
	return 0;
}

int pkvm_to_iommu_prot(enum kvm_pgtable_prot prot, bool is_memory)
{
	const enum kvm_pgtable_prot known = KVM_PGTABLE_PROT_RWX | KVM_PGTABLE_PROT_SW0;
	int iommu_prot = 0;

	if (prot & ~known) {
		/* Not understood: never widen access because of it. */
		pr_warn("iommu: unknown stage-2 prot bits %x ignored\n", prot & ~known);
		kvm_iommu_prot_warnings++;
	}
	if (prot & KVM_PGTABLE_PROT_R)
		iommu_prot |= IOMMU_READ;
	if (prot & KVM_PGTABLE_PROT_W)
		iommu_prot |= IOMMU_WRITE;
	if (!iommu_prot)
		return 0;
	return iommu_prot | (is_memory ? IOMMU_CACHE : IOMMU_MMIO);
}

static int snapshot_leaf(const struct kvm_pgtable_visit_ctx *ctx,
			 enum kvm_pgtable_walk_flags visit)
{
	kvm_pte_t pte = ctx->old;
	struct kvm_mem_range range;
	u64 start = ctx->addr, end = ctx->end;
	bool mem;

	if (pte && !kvm_pte_valid(pte))
		return 0; /* owned by someone else: stays unmapped */
	/* A leaf may span RAM and MMIO (an empty level-0 entry): split it by type. */
	while (start < end) {
		u64 stop;
		int prot;

		mem = find_mem_range(start, &range);
		stop = range.end < end ? range.end : end;
		if (kvm_pte_valid(pte))
			prot = pkvm_to_iommu_prot(kvm_pgtable_stage2_pte_prot(pte), mem);
		else
			prot = IOMMU_READ | IOMMU_WRITE | (mem ? IOMMU_CACHE : IOMMU_MMIO);
		if (prot) {
			int ret = kvm_iommu_ops->host_stage2_idmap(start, stop, prot);

			if (ret)
				return ret;
		}
		start = stop;
	}
	return 0;
}

static int kvm_iommu_snapshot_host_stage2(void)
{
	struct kvm_pgtable_walker walker = {
		.cb = snapshot_leaf, .flags = KVM_PGTABLE_WALK_LEAF,
	};
	struct kvm_pgtable *pgt = &host_mmu.pgt;
	int ret;

	hyp_spin_lock(&host_mmu.lock);
	ret = kvm_pgtable_walk(pgt, 0, BIT(pgt->ia_bits), &walker);
	/* Start receiving calls to host_stage2_idmap -- only if that worked. */
	kvm_idmap_initialized = !ret;
	hyp_spin_unlock(&host_mmu.lock);
	return ret;
}

int kvm_iommu_init(void)
{
	struct kvm_iommu_info info;
	int ret;

	if (!kvm_iommu_ops)
		return -ENODEV;
	ret = kvm_iommu_ops->init();
	if (ret)
		return ret;
	ret = kvm_iommu_snapshot_host_stage2();
	if (ret) {
		pr_err("iommu: snapshot of the host stage-2 failed: %d\n", ret);
		if (kvm_iommu_ops->teardown)
			kvm_iommu_ops->teardown();
		return ret;
	}
	kvm_iommu_ops->info(&info);
	pr_info("iommu: DMA isolation on: %lu IOMMUs follow the host stage-2, identity map in "
		"%lu table pages\n", (unsigned long)info.nr_iommus,
		(unsigned long)info.nr_table_pages);
	return 0;
}

void kvm_iommu_info(struct kvm_iommu_info *info)
{
	*info = (struct kvm_iommu_info){ 0 };
	if (kvm_iommu_ops)
		kvm_iommu_ops->info(info);
}

void kvm_iommu_poll(void)
{
	if (kvm_idmap_initialized && kvm_iommu_ops->poll)
		kvm_iommu_ops->poll();
}

void kvm_iommu_report(void)
{
	struct kvm_iommu_info info;

	if (!kvm_idmap_initialized)
		return;
	kvm_iommu_info(&info);
	pr_info("iommu: %lu DMA faults at stage 2 since boot, last at %lx\n",
		(unsigned long)info.nr_faults, (unsigned long)info.last_fault_addr);
}

/**
 * kvm_iommu_host_stage2_idmap() - mirror an ownership change into the IOMMU.
 * @prot: the host's stage-2 prot for the range now, 0 when it left the host.
 * Caller holds host_mmu.lock. Returns the driver's result (0 before the
 * snapshot or without a driver: nothing to mirror yet).
 */
int kvm_iommu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, enum kvm_pgtable_prot prot)
{
	hyp_assert_lock_held(&host_mmu.lock);
	if (!kvm_idmap_initialized || !kvm_iommu_ops)
		return 0;
	return kvm_iommu_ops->host_stage2_idmap(start, end,
						pkvm_to_iommu_prot(prot, addr_is_memory(start)));
}
