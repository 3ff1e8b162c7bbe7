/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMMUv3 driver's entry points outside the driver: its registration
 * with the iommu core (which hyp/main.c reaches through the driver table,
 * include/isohyp/driver.h; unit tests and the benchmark call it directly)
 * and the choice of how the identity map holds RAM.
 */
#ifndef ISOHYP_ARM_SMMU_V3_H
#define ISOHYP_ARM_SMMU_V3_H

#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>

/*
 * The SMMUv3s of @smmus (their registers already mapped at
 * EL2 and taken from the host). Table memory comes from @pool; @ia_bits is
 * the host stage-2's input size, the most the identity map must cover.
 */
int kvm_arm_smmu_v3_register(const struct boot_smmu *smmus, unsigned int nr,
			     struct hyp_pool *pool, u32 ia_bits);

/* How the SMMUv3 driver maps RAM; the default comes from Kconfig. */
enum smmu_map_policy {
	SMMU_MAP_BLOCKS, /* largest blocks, split and merged as ownership changes */
	SMMU_MAP_RAM_PAGES, /* RAM at 4 KiB from the start: never split, never merged */
	SMMU_MAP_BASELINE, /* the reference patch: RAM at 4 KiB, one TLBI per page */
};

/* Before kvm_arm_smmu_v3_register() only (benchmarks compare policies). */
int kvm_arm_smmu_v3_set_policy(enum smmu_map_policy policy);

#endif /* ISOHYP_ARM_SMMU_V3_H */
