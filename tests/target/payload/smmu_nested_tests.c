// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested SMMU mode seen from the host (issue 14; drivers/smmuv3/nested.c):
 * with smmu_mode=nested the SMMU's node stays in the host's tree and its
 * registers are an emulated, stage-1-only SMMUv3. What the host names as
 * its stream table or a queue must be host RAM: an enable with a base in a
 * donated page or the carve-out is refused (CR0ACK stays clear), one at a
 * host page is acknowledged and pins it (page state 5, donation -EBUSY).
 * In hidden mode (the default) there is nothing to emulate: each test but
 * the first is skipped, and the hidden SMMU is dma_tests.c's.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <uapi/isohyp.h>

#include "harness.h"
#include "mmio_access.h"
#include "payload.h"

/* IHI 0070 6.3 */
#define SMMU_IDR0 0x00
#define SMMU_IDR1 0x04
#define SMMU_CR0 0x20
#define SMMU_CR0ACK 0x24
#define SMMU_STRTAB_BASE 0x80
#define SMMU_STRTAB_BASE_CFG 0x88
#define SMMU_CMDQ_BASE 0x90
#define SMMU_EVTQ_BASE 0xa0
#define CR0_SMMUEN 0x1u
#define CR0_EVTQEN 0x4u
#define CR0_CMDQEN 0x8u
#define PAGE 4096ULL

/* The loader's choice is published: the mode, and the SMMU's path in the matching list. */
TEST(smmu_mode_published)
{
	const void *fdt = host_fdt();
	int node = fdt ? fdt_path_offset(fdt, "/isohyp") : -1;
	int smmu = fdt ? fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3") : -1;
	bool nested = payload_smmu_nested();
	char path[64];

	ASSERT_GE(node, 0);
	ASSERT_GE(smmu, 0);
	ASSERT_EQ(0, fdt_get_path(fdt, smmu, path, sizeof(path)));
	ASSERT_NE_NULL(fdt_getprop(fdt, node, "iommu-mode", NULL));
	EXPECT_STREQ(nested ? ISOHYP_DT_IOMMU_NESTED : ISOHYP_DT_IOMMU_HIDDEN,
		     (const char *)fdt_getprop(fdt, node, "iommu-mode", NULL));
	EXPECT_GE(fdt_stringlist_search(fdt, node,
					nested ? ISOHYP_DT_IOMMU_NESTED_LIST :
						 ISOHYP_DT_IOMMU_HIDDEN_LIST, path), 0);
	EXPECT_NULL(fdt_getprop(fdt, node,
				nested ? ISOHYP_DT_IOMMU_HIDDEN_LIST : ISOHYP_DT_IOMMU_NESTED_LIST,
				NULL));
	/* The PCIe host bridge keeps its iommu-map only when the host sees the SMMU. */
	node = fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	ASSERT_GE(node, 0);
	EXPECT_EQ(nested, fdt_getprop(fdt, node, "iommu-map", NULL) != NULL);
}

/* The emulated ID registers: stage 1, not stage 2; QEMU's 16-bit stream IDs. */
TEST(nested_smmu_id_registers)
{
	u64 base, size;
	u32 idr0;

	if (!payload_smmu_nested())
		SKIP(, "hidden mode");
	ASSERT_EQ(0, payload_find_smmu(&base, &size));
	idr0 = mmio_rd32(base + SMMU_IDR0);
	EXPECT_EQ(2u, idr0 & 3); /* S1P, no S2P */
	EXPECT_EQ(0u, idr0 & ((1u << 9) | (1u << 10) | (1u << 13) | (1u << 16) | (1u << 18)));
	EXPECT_EQ(16u, mmio_rd32(base + SMMU_IDR1) & 0x3f);
	EXPECT_EQ(0u, mmio_rd32(base + SMMU_CR0ACK));
}

/* Write @reg with @val (64-bit), ask for @enable: what CR0ACK acknowledged of it. */
static u32 try_enable(u64 base, u64 reg, u64 val, u32 enable)
{
	u32 ack;

	mmio_wr64(base + reg, val);
	mmio_wr32(base + SMMU_CR0, enable);
	ack = mmio_rd32(base + SMMU_CR0ACK) & enable;
	mmio_wr32(base + SMMU_CR0, 0);
	return ack;
}

/*
 * A stream table, command queue or event queue in a donated page or the
 * carve-out is refused; the same at a host page is acknowledged and pinned
 * while enabled (the control).
 */
TEST(nested_smmu_bases_in_hypervisor_memory_refused)
{
	u64 base, size, carve, carve_size, host = alloc_pages(2), donated = host + PAGE;
	static const struct {
		u64 reg, log2;
		u32 enable;
	} q[] = {
		{ SMMU_STRTAB_BASE, 0, CR0_SMMUEN },
		{ SMMU_CMDQ_BASE, 8, CR0_CMDQEN },
		{ SMMU_EVTQ_BASE, 7, CR0_EVTQEN },
	};
	unsigned int i;

	if (!payload_smmu_nested())
		SKIP(free_pages(host, 2), "hidden mode");
	ASSERT_NE(0ULL, host);
	ASSERT_EQ(0, payload_find_smmu(&base, &size));
	ASSERT_EQ(0, find_carveout(&carve, &carve_size));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, donated >> 12, 1));
	mmio_wr32(base + SMMU_STRTAB_BASE_CFG, 6); /* linear, 64 STEs: 4 KiB */
	for (i = 0; i < 3; i++) {
		TH_LOG("register %llx", (unsigned long long)q[i].reg);
		EXPECT_EQ(0u, try_enable(base, q[i].reg, donated | q[i].log2, q[i].enable));
		EXPECT_EQ(0u, try_enable(base, q[i].reg, carve | q[i].log2, q[i].enable));
		EXPECT_EQ(0u, try_enable(base, q[i].reg, (carve + carve_size - PAGE) | q[i].log2,
					 q[i].enable));
		/* The control: a host page is accepted, and pinned while enabled. */
		mmio_wr64(base + q[i].reg, host | q[i].log2);
		mmio_wr32(base + SMMU_CR0, q[i].enable);
		EXPECT_EQ(q[i].enable, mmio_rd32(base + SMMU_CR0ACK));
		EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(host >> 12));
		EXPECT_EQ(-16, hcall(ISOHYP_FN_HOST_DONATE_HYP, host >> 12, 1));
		mmio_wr32(base + SMMU_CR0, 0);
		EXPECT_EQ(0u, mmio_rd32(base + SMMU_CR0ACK));
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(host >> 12));
	}
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(donated >> 12));
	EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, donated >> 12, 1));
	free_pages(host, 2);
}
