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

struct kvm_iommu_ops {
	int (*init)(void);
	/* Identity-map [start, end) with @prot, or unmap it when @prot is 0. */
	int (*host_stage2_idmap)(phys_addr_t start, phys_addr_t end, int prot);
};

/* The one driver; NULL when the platform has none (DMA is then not isolated). */
extern const struct kvm_iommu_ops *kvm_iommu_ops;

int kvm_iommu_register(const struct kvm_iommu_ops *ops);
int kvm_iommu_init(void);
int kvm_iommu_host_stage2_idmap(phys_addr_t start, phys_addr_t end, enum kvm_pgtable_prot prot);
int pkvm_to_iommu_prot(enum kvm_pgtable_prot prot, bool is_memory);
/* "Cannot happen but survivable" events, for tests: unknown prot bits seen. */
extern unsigned long kvm_iommu_prot_warnings;

#endif /* ISOHYP_IOMMU_H */
