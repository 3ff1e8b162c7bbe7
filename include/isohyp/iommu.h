/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iommu core (iommu/iommu.c, ARCHITECTURE.md section 5): one registered
 * driver, initialised after the host stage-2 exists, then fed a snapshot of
 * it and every later ownership change, so DMA sees what the host's CPUs see.
 * Knows no IOMMU registers; the driver knows nothing of mem_protect.
 */
#ifndef ISOHYP_IOMMU_H
#define ISOHYP_IOMMU_H

#include <isohyp/pgtable.h>
#include <isohyp/types.h>

/* Access a driver must give a range (Linux's IOMMU_* names). */
#define IOMMU_READ BIT(0)
#define IOMMU_WRITE BIT(1)
#define IOMMU_CACHE BIT(2) /* Normal write-back memory */
#define IOMMU_MMIO BIT(4) /* Device memory */

/* What IOMMU_INFO reports (ARCHITECTURE.md section 4), and the boot log. */
struct kvm_iommu_info {
	u64 nr_iommus;
	u64 nr_faults; /* DMA faults at stage-2 recorded since boot */
	u64 last_fault_addr; /* 0 if none */
	u64 nr_table_pages; /* the identity map's page-table pages */
	u64 nr_pte_writes; /* descriptors the identity map wrote so far */
	u64 nr_reinits; /* IOMMUs found reset (lost power) and taken over again */
	u64 nr_broken; /* IOMMUs marked broken: they abort all DMA */
	/*
	 * Where the first IOMMU's own structures live (for tests and debugging;
	 * all inside the carve-out): driver-defined, e.g. stream table, command
	 * queue, event queue, identity-map root.
	 */
	u64 structs[4];
};

struct kvm_iommu_ops {
	/*
	 * Take the IOMMUs over and build their structures, translating nothing
	 * yet: until enable(), they abort every DMA (ARCHITECTURE.md section 6).
	 * host_stage2_idmap() works from here on, but owes no invalidation to
	 * an IOMMU that is not translating.
	 */
	int (*init)(void);
	/*
	 * Optional. The identity map is complete (the snapshot): forget
	 * whatever the IOMMUs cached and start translating through it.
	 */
	int (*enable)(void);
	/* init() succeeded but the hypervisor will not run: give the IOMMUs back. */
	void (*teardown)(void);
	/*
	 * Identity-map [start, end) with @prot, or unmap it when @prot is 0. Any
	 * translation of the old mapping is invalidated in every IOMMU before it
	 * returns. On an error the range may be anywhere between the old and the
	 * new state (the core re-applies it later); -ENOMEM changes nothing. A
	 * broken IOMMU fails every call with -EIO at once.
	 */
	int (*host_stage2_idmap)(phys_addr_t start, phys_addr_t end, int prot);
	/*
	 * Optional: the same for @nr sorted, disjoint ranges as one update --
	 * one invalidation for all of them; -ENOMEM changes none of them.
	 */
	int (*host_stage2_idmap_ranges)(const struct kvm_pgtable_range *r, u32 nr, int prot);
	/* Drain pending fault records first: the count includes all so far. */
	void (*info)(struct kvm_iommu_info *info);
	/*
	 * Optional. Log and count what the IOMMUs recorded since the last look
	 * (faults, global errors), and check each still holds what the driver
	 * programmed (re-initialise one that lost it before returning); cheap
	 * when there is nothing. Called on host traps: the hypervisor takes no
	 * interrupts.
	 */
	void (*poll)(void);
};

/* The one driver; NULL when the platform has none (DMA is then not isolated). */
extern const struct kvm_iommu_ops *kvm_iommu_ops;

int kvm_iommu_register(const struct kvm_iommu_ops *ops);
int kvm_iommu_init(void);
int kvm_iommu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, enum kvm_pgtable_prot prot);
/* The same for @nr sorted, disjoint RAM ranges, in one driver update when it can. */
int kvm_iommu_host_stage2_idmap_ranges(const struct kvm_pgtable_range *r, u32 nr,
				       enum kvm_pgtable_prot prot);
int pkvm_to_iommu_prot(enum kvm_pgtable_prot prot, bool is_memory);
/* All zero without a driver. */
void kvm_iommu_info(struct kvm_iommu_info *info);
/* Nothing before a successful kvm_iommu_init(). Takes host_mmu.lock while a range is stale. */
void kvm_iommu_poll(void);
/* A failed update left a range the IOMMUs may see differently from the host stage-2. */
bool kvm_iommu_idmap_stale(void);
/* The DMA fault summary, logged as the system goes down. */
void kvm_iommu_report(void);
/* "Cannot happen but survivable" events, for tests: unknown prot bits seen. */
extern unsigned long kvm_iommu_prot_warnings;

#endif /* ISOHYP_IOMMU_H */
