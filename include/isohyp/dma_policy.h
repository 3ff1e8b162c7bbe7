/* SPDX-License-Identifier: GPL-2.0-only */
/* The platform DMA policy at EL2 (hyp/dma_policy.c, ARCHITECTURE.md section 9). */
#ifndef ISOHYP_DMA_POLICY_H
#define ISOHYP_DMA_POLICY_H

#include <isohyp/boot_info.h>

/*
 * Take the register ranges of the devices the loader removed (@bi's
 * removed[]) from the host: page state 4, an external abort on access, no
 * DMA. At boot, after the host stage-2 exists and before kvm_iommu_init().
 * 0; -EINVAL when a range is malformed (not page aligned, empty, wrapping,
 * RAM), before anything changed; or what host_stage2_protect_hyp() returned.
 */
int hyp_dma_policy_apply(const struct boot_info *bi);

#endif /* ISOHYP_DMA_POLICY_H */
