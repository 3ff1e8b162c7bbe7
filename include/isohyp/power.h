/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hooks the hypervisor core owns for the arch code's power paths (the PSCI
 * relay), so that arch/ never calls into the iommu core or drivers itself.
 */
#ifndef ISOHYP_POWER_H
#define ISOHYP_POWER_H

/*
 * The host asked for SYSTEM_OFF, SYSTEM_RESET or SYSTEM_RESET2 and the
 * relay is about to forward it: the last moment the hypervisor runs.
 */
void hyp_system_down_prepare(void);

#endif /* ISOHYP_POWER_H */
