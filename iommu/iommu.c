// SPDX-License-Identifier: GPL-2.0-only
/*
 * The iommu core (ARCHITECTURE.md section 5), after pKVM's "shadow host
 * stage-2" patch: the driver's init, then a snapshot of the host stage-2
 * under host_mmu.lock, then the driver's enable, then forwarding of every
 * ownership change, which mem_protect makes through
 * kvm_iommu_host_stage2_idmap() only. The IOMMUs start translating only once
 * the identity map is complete (enable after the snapshot): DMA that
 * firmware left running is aborted while the map is built, never faulted
 * against host RAM that is not mapped yet (issue 13, "install without a DMA
 * gap"). A failure anywhere tears the driver down.
 *
 * Forwarding starts only after a *successful* snapshot (the posted patch set
 * its flag to !!ret, which turns every later update off: the unit tests check
 * exactly that). Prot: RAM is Normal write-back (IOMMU_CACHE), anything else
 * Device (IOMMU_MMIO) -- a DMA initiator cannot say per transfer which one it
 * targets, so stage-2 must (review thread of the reference patch).
 *
 * A driver update that fails after writing (an invalidation not confirmed,
 * an IOMMU that lost power mid-update or is broken) leaves the IOMMU's view of its range
 * unknown between the old and the new state while mem_protect keeps or
 * restores the CPU's. The core records that range as stale and re-applies it
 * from the host stage-2 -- the truth -- before the next update and on each
 * host trap, until the driver confirms it; the driver owes a whole-VMID
 * invalidation after any failure (drivers/smmuv3/io_pgtable.c). So CPU and
 * DMA views converge once the IOMMU works again, and while they differ the
 * DMA view is the narrower one (mem_protect's order of the two steps).
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

/*
 * [stale_start, stale_end): what a failed driver update may have left
 * different from the host stage-2 (one range, the union of every failure
 * since the last successful re-application; empty when stale_end == 0).
 * Under host_mmu.lock; read without it only as a hint.
 */
static u64 stale_start, stale_end;

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

/* How a walk of the host stage-2 feeds the driver. */
struct idmap_walk {
	u64 start, end; /* the walk's range: leaves are clipped to it */
	bool resync; /* unmap what the host does not own (else: it is unmapped already) */
};

static int snapshot_leaf(const struct kvm_pgtable_visit_ctx *ctx,
			 enum kvm_pgtable_walk_flags visit)
{
	const struct idmap_walk *w = ctx->arg;
	kvm_pte_t pte = ctx->old;
	struct kvm_mem_range range;
	u64 start = ctx->addr > w->start ? ctx->addr : w->start;
	u64 end = ctx->end < w->end ? ctx->end : w->end;
	bool mem;

	if (pte && !kvm_pte_valid(pte)) {
		/* Owned by someone else: stays (or becomes) unmapped. */
		return w->resync ? kvm_iommu_ops->host_stage2_idmap(start, end, 0) : 0;
	}
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
		if (prot || w->resync) {
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
	struct kvm_pgtable *pgt = &host_mmu.pgt;
	struct idmap_walk w = { .start = 0, .end = BIT(pgt->ia_bits) };
	struct kvm_pgtable_walker walker = {
		.cb = snapshot_leaf, .arg = &w, .flags = KVM_PGTABLE_WALK_LEAF,
	};
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
	stale_start = stale_end = 0;
	ret = kvm_iommu_snapshot_host_stage2();
	if (ret) {
		pr_err("iommu: snapshot of the host stage-2 failed: %d\n", ret);
		goto teardown;
	}
	ret = kvm_iommu_ops->enable ? kvm_iommu_ops->enable() : 0;
	if (ret) {
		pr_err("iommu: enabling translation failed: %d\n", ret);
		hyp_spin_lock(&host_mmu.lock);
		kvm_idmap_initialized = false;
		hyp_spin_unlock(&host_mmu.lock);
		goto teardown;
	}
	kvm_iommu_ops->info(&info);
	pr_info("iommu: DMA isolation on: %lu IOMMUs follow the host stage-2, identity map in "
		"%lu table pages\n", (unsigned long)info.nr_iommus,
		(unsigned long)info.nr_table_pages);
	return 0;
teardown:
	if (kvm_iommu_ops->teardown)
		kvm_iommu_ops->teardown();
	return ret;
}

void kvm_iommu_info(struct kvm_iommu_info *info)
{
	*info = (struct kvm_iommu_info){ 0 };
	if (kvm_iommu_ops)
		kvm_iommu_ops->info(info);
}

/*
 * Re-apply the stale range from the host stage-2, leaf by leaf: what the host
 * owns mapped with its prot, the rest unmapped. Caller holds host_mmu.lock.
 * 0 when the driver confirmed all of it (the range is then forgotten), else
 * the driver's error (the range stays stale; a broken IOMMU says -EIO at
 * once, without waiting).
 */
static int kvm_iommu_resync_locked(void)
{
	struct idmap_walk w = { .start = stale_start, .end = stale_end, .resync = true };
	struct kvm_pgtable_walker walker = {
		.cb = snapshot_leaf, .arg = &w, .flags = KVM_PGTABLE_WALK_LEAF,
	};
	int ret;

	hyp_assert_lock_held(&host_mmu.lock);
	if (!stale_end)
		return 0;
	ret = kvm_pgtable_walk(&host_mmu.pgt, w.start, w.end - w.start, &walker);
	if (ret)
		return ret;
	pr_info("iommu: %lx-%lx re-applied from the host stage-2: DMA follows the CPUs again\n",
		(unsigned long)stale_start, (unsigned long)stale_end - 1);
	stale_start = stale_end = 0;
	return 0;
}

static void kvm_iommu_mark_stale_locked(u64 start, u64 end)
{
	if (!stale_end) {
		stale_start = start, stale_end = end;
		return;
	}
	stale_start = start < stale_start ? start : stale_start;
	stale_end = end > stale_end ? end : stale_end;
}

bool kvm_iommu_idmap_stale(void)
{
	return stale_end != 0;
}

/*
 * On every host trap: the driver looks at its IOMMUs first (faults, errors,
 * an IOMMU found reset is taken over again); then a stale range is
 * re-applied, so the views converge even if the host changes nothing.
 */
void kvm_iommu_poll(void)
{
	if (!kvm_idmap_initialized)
		return;
	if (kvm_iommu_ops->poll)
		kvm_iommu_ops->poll();
	if (__atomic_load_n(&stale_end, __ATOMIC_RELAXED)) {
		hyp_spin_lock(&host_mmu.lock);
		kvm_iommu_resync_locked();
		hyp_spin_unlock(&host_mmu.lock);
	}
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
 * Caller holds host_mmu.lock. Returns 0 (also before the snapshot or without
 * a driver: nothing to mirror yet) or the driver's error:
 *   -ENOMEM     no table memory; the IOMMU's view of the range is unchanged;
 *   -ETIMEDOUT  an IOMMU did not confirm the invalidation in time;
 *   -EIO        an IOMMU reported a command error, or is broken (then at
 *               once, without waiting on it).
 * On any other error the range is recorded stale and re-applied from the
 * host stage-2 later (kvm_iommu_resync_locked()): the caller only has to
 * leave the host stage-2 as it wants DMA to end up. A stale range from an
 * earlier failure is re-applied first; if that fails for want of memory the
 * change goes ahead, else so does this call fail -- a map untried, an unmap
 * still made in the table (never more DMA than the CPUs).
 */
int kvm_iommu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, enum kvm_pgtable_prot prot)
{
	int iommu_prot, ret, err = 0;

	hyp_assert_lock_held(&host_mmu.lock);
	if (!kvm_idmap_initialized || !kvm_iommu_ops)
		return 0;
	iommu_prot = pkvm_to_iommu_prot(prot, addr_is_memory(start));
	ret = kvm_iommu_resync_locked();
	/*
	 * The change is still passed on when it is an unmap (it only narrows
	 * DMA; rollbacks need it) or when re-applying the stale range merely
	 * lacked table memory (this change may be what frees some: a reclaim
	 * merges tables). Then the stale range simply stays recorded.
	 */
	if (ret && ret != -ENOMEM && iommu_prot)
		return ret;
	err = kvm_iommu_ops->host_stage2_idmap(start, end, iommu_prot);
	if (!ret || ret == -ENOMEM)
		ret = err;
	/*
	 * The caller keeps or restores the CPU side on any error: whatever the
	 * driver wrote must be re-applied then. -ENOMEM from it wrote nothing.
	 */
	if (ret && err != -ENOMEM)
		kvm_iommu_mark_stale_locked(start, end);
	return ret;
}

/* The driver's update of @nr ranges: in one, or (a driver without it) one by one. */
static int kvm_iommu_idmap_ranges(const struct kvm_pgtable_range *r, u32 nr, int iommu_prot)
{
	int ret = 0, err;
	u32 i;

	if (kvm_iommu_ops->host_stage2_idmap_ranges)
		return kvm_iommu_ops->host_stage2_idmap_ranges(r, nr, iommu_prot);
	/* Every range is tried, whatever failed before: unmaps must all reach the IOMMU. */
	for (i = 0; i < nr; i++) {
		err = kvm_iommu_ops->host_stage2_idmap(r[i].addr, r[i].addr + r[i].size, iommu_prot);
		if (err && (!ret || ret == -ENOMEM))
			ret = err;
	}
	return ret;
}

/**
 * kvm_iommu_host_stage2_idmap_ranges() - kvm_iommu_host_stage2_idmap() for
 * @nr sorted, disjoint ranges of RAM, mirrored in one driver update (one
 * invalidation) when the driver can. Same contract and errors; on an error
 * every range is recorded stale (but for -ENOMEM from a driver that updates
 * them as one, which changed nothing).
 */
int kvm_iommu_host_stage2_idmap_ranges(const struct kvm_pgtable_range *r, u32 nr,
				       enum kvm_pgtable_prot prot)
{
	int iommu_prot, ret, err;
	u32 i;

	hyp_assert_lock_held(&host_mmu.lock);
	if (!kvm_idmap_initialized || !kvm_iommu_ops || !nr)
		return 0;
	iommu_prot = pkvm_to_iommu_prot(prot, true);
	ret = kvm_iommu_resync_locked();
	/* As for one range: an unmap goes ahead, and so does anything after -ENOMEM. */
	if (ret && ret != -ENOMEM && iommu_prot)
		return ret;
	err = kvm_iommu_idmap_ranges(r, nr, iommu_prot);
	if (!ret || ret == -ENOMEM)
		ret = err;
	if (ret && (err != -ENOMEM || !kvm_iommu_ops->host_stage2_idmap_ranges))
		for (i = 0; i < nr; i++)
			kvm_iommu_mark_stale_locked(r[i].addr, r[i].addr + r[i].size);
	return ret;
}
