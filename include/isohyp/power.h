/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hooks the hypervisor core owns for the arch code's power paths (the PSCI
 * relay), so that arch/ never calls into the iommu core or drivers itself.
 */
#ifndef ISOHYP_POWER_H
#define ISOHYP_POWER_H

/*
 * The host asked for SYSTEM_OFF, SYSTEM_RESET or SYSTEM_RESET2 and the
 * relay is about to forward it: the last moment the hypervisor runs. It
 * reports, zeroes every page the host donated and its own carve-out, and
 * returns with the EL2 MMU off: the caller may only make the firmware call
 * on this stack, and must never return to the host.
 */
void hyp_system_down_prepare(void);

#endif /* ISOHYP_POWER_H */
