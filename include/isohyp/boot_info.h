/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The platform description the UEFI loader hands to the hypervisor
 * (ARCHITECTURE.md section 2, step 4). The loader fills it inside the
 * carve-out before it calls the EL2 image; the hypervisor treats it as
 * read-only input that it validates. Plain fixed-size data: no pointers, so
 * it means the same before and after the hypervisor's MMU is on.
 */
#ifndef ISOHYP_BOOT_INFO_H
#define ISOHYP_BOOT_INFO_H

#include <isohyp/types.h>

#define BOOT_INFO_MAGIC 0x6f666e69707968ULL /* "hypinfo" */
#define BOOT_INFO_MAX_RAM 64
#define BOOT_INFO_MAX_CPUS 64
#define BOOT_INFO_MAX_SMMUS 4
#define BOOT_INFO_MAX_ITS 4
#define BOOT_INFO_MAX_REMOVED 32

struct boot_mem_range {
	u64 base;
	u64 size;
};

enum boot_psci_conduit {
	BOOT_PSCI_NONE = 0,
	BOOT_PSCI_SMC = 1,
	BOOT_PSCI_HVC = 2,
};

/*
 * How the hypervisor drives an SMMU (ARCHITECTURE.md section 6): hidden from
 * the host, or emulated for the host's own driver with stage 2 nested under
 * the host's stage 1. Zero is hidden.
 */
enum boot_smmu_mode {
	BOOT_SMMU_HIDDEN = 0,
	BOOT_SMMU_NESTED = 1,
};

/*
 * How the host stage-2 maps RAM (isohyp.conf host_stage2=, hyp/mem_protect.c):
 * the hypervisor decides for auto. Zero is auto.
 */
enum boot_host_s2_map {
	BOOT_HOST_S2_AUTO = 0,
	BOOT_HOST_S2_BLOCKS = 1,
	BOOT_HOST_S2_PAGES = 2,
};

struct boot_smmu {
	u64 base;
	u64 size;
	u32 coherent; /* "dma-coherent" in the device tree */
	u32 evtq_irq; /* GIC INTID, 0 if none */
	u32 gerr_irq;
	u32 mode; /* enum boot_smmu_mode */
};

struct boot_info {
	u64 magic;
	u64 carveout_base; /* the whole reservation, 2 MiB aligned */
	u64 carveout_size;
	u64 image_size; /* EL2 image incl. bss, at carveout_base */
	u32 log_level; /* 0 error .. 3 debug */
	u32 psci_conduit;
	u32 test_hooks; /* 1: TEST_HOOK hypercalls accepted (test suites only) */
	u32 host_s2_map; /* enum boot_host_s2_map */
	u64 uart_base; /* PL011, 0 if none */
	u64 uart_size;
	u64 gicd_base, gicd_size;
	u64 gicr_base, gicr_size;
	u32 nr_ram;
	u32 nr_cpus;
	u32 nr_smmus;
	u32 boot_cpu; /* index in mpidr[] of the CPU running the loader */
	struct boot_mem_range ram[BOOT_INFO_MAX_RAM]; /* sorted, merged, page aligned */
	u64 mpidr[BOOT_INFO_MAX_CPUS]; /* MPIDR affinity fields (Aff3..Aff0) */
	struct boot_smmu smmu[BOOT_INFO_MAX_SMMUS];
	/*
	 * Platform DMA policy (ARCHITECTURE.md section 9): the DMA masters the
	 * hypervisor mediates, and the register ranges of devices removed from
	 * the host (page aligned; the hypervisor makes them its own, so a host
	 * access is an external abort). A size of 0 means "none".
	 */
	u32 nr_its;
	u32 nr_removed;
	struct boot_mem_range its[BOOT_INFO_MAX_ITS]; /* GICv3 ITS, both 64 KiB frames */
	struct boot_mem_range fw_cfg; /* QEMU fw_cfg (qemu,fw-cfg-mmio) */
	struct boot_mem_range removed[BOOT_INFO_MAX_REMOVED];
};

/*
 * The EL2 image starts with this header (at offset 0, see
 * arch/arm64/hyp/head.S). Offsets are from the image start.
 */
#define HYP_IMAGE_MAGIC 0x3265676d69707968ULL /* "hypimg2e" */

struct hyp_image_header {
	u32 branch; /* a branch over the header, unused */
	u32 reserved;
	u64 magic;
	u64 image_size; /* file size */
	u64 mem_size; /* including bss */
	u64 install_offset; /* int __hyp_install(struct boot_info *) */
	u64 rela_offset; /* R_AARCH64_RELATIVE entries to apply for the load address */
	u64 rela_size;
};

#endif /* ISOHYP_BOOT_INFO_H */
