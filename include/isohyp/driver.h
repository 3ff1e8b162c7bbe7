/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drivers the hypervisor core brings up without naming them (ARCHITECTURE.md
 * section 1): each registers an entry in a table the linker collects, and
 * hyp/main.c walks the tables at boot. IOMMU drivers run first (they take the
 * platform's SMMUs and call kvm_iommu_register()), then device mediators
 * (drivers/gic/, drivers/fw_cfg/: they register emulated MMIO regions).
 * A driver whose hardware is absent from @bi returns 0 and does nothing.
 */
#ifndef ISOHYP_DRIVER_H
#define ISOHYP_DRIVER_H

#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>

/* What a driver's init() gets. */
struct hyp_driver_env {
	const struct boot_info *bi; /* the platform, validated by the core */
	struct hyp_pool *pool; /* table memory */
	u32 host_ia_bits; /* the host stage-2's input size */
	/* Map [pa, pa + size) (page aligned) as Device memory at EL2: 0 or -errno. */
	int (*map_device)(u64 pa, u64 size);
};

struct hyp_driver {
	const char *name;
	/*
	 * Called once on the boot CPU at EL2, after the host stage-2 exists and
	 * before the host runs. 0 or -errno: an error stops the install.
	 */
	int (*init)(const struct hyp_driver_env *env);
};

#define __HYP_DRIVER(_sec, _name, _init)                                                 \
	static const struct hyp_driver __hyp_driver_##_name                              \
		__attribute__((used, section(#_sec), aligned(8))) = { #_name, _init }

/* An IOMMU driver: its init() registers kvm_iommu_ops when it drives one. */
#define HYP_IOMMU_DRIVER(_name, _init) __HYP_DRIVER(hyp_iommu_drivers, _name, _init)
/* A device mediator: its init() registers emulated MMIO regions. */
#define HYP_DEVICE_DRIVER(_name, _init) __HYP_DRIVER(hyp_device_drivers, _name, _init)

extern const struct hyp_driver __start_hyp_iommu_drivers[], __stop_hyp_iommu_drivers[];
extern const struct hyp_driver __start_hyp_device_drivers[], __stop_hyp_device_drivers[];

#endif /* ISOHYP_DRIVER_H */
