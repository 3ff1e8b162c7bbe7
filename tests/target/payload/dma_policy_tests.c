// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform DMA policy as the host sees it (ARCHITECTURE.md section 9):
 * QEMU virt's virtio-mmio transports -- one of them with a virtio-blk device
 * behind it (tests/target/payload.test adds it) -- are removed: disabled in
 * the host's device tree, listed in /isohyp, their registers the
 * hypervisor's (PAGE_STATE 4), and a read of one is a synchronous external
 * abort. A device on the allow-list (the PL031 RTC) still works.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

#define VIRTIO_MMIO_BASE 0x0a000000ULL /* QEMU virt's first transport */
#define VIRTIO_MMIO_LAST 0x0a003e00ULL /* the last: QEMU puts the first -device here */
#define VIRTIO_MMIO_MAGIC 0x74726976U /* "virt", MagicValue at offset 0 */
#define PL031_BASE 0x09010000ULL
#define PL031_PERIPH_ID0 0xfe0 /* 0x31 */

static u32 read32_value;

/* A single 32-bit LDR: the vector steps over exactly one instruction. */
static void read32_once(volatile u64 *p)
{
	u32 v;

	__asm__ __volatile__("ldr %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
	read32_value = v;
}

static u64 read32_faults(u64 pa)
{
	read32_value = 0;
	return with_payload_vectors(read32_once, (volatile u64 *)(uintptr_t)pa);
}

/* Is @path one of the strings of /isohyp's @prop in the host's tree? */
static bool isohyp_lists(const void *fdt, const char *prop, const char *path)
{
	int node = fdt_path_offset(fdt, "/isohyp");

	return node >= 0 && fdt_stringlist_search(fdt, node, prop, path) >= 0;
}

/* A removed virtio-mmio transport: page state 4, and its MagicValue read aborts. */
TEST(removed_virtio_mmio_read_raises_sea)
{
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(VIRTIO_MMIO_BASE >> 12));
	ASSERT_EQ(1u, read32_faults(VIRTIO_MMIO_BASE));
	check_sea(_metadata, VIRTIO_MMIO_BASE, false);
	/* The transport a virtio-blk device sits behind, too. */
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(VIRTIO_MMIO_LAST >> 12));
	ASSERT_EQ(1u, read32_faults(VIRTIO_MMIO_LAST));
	check_sea(_metadata, VIRTIO_MMIO_LAST, false);
	EXPECT_NE(VIRTIO_MMIO_MAGIC, read32_value);
}

/* The control: the PL031 RTC is on the allow-list, the host reads it. */
TEST(allowed_device_still_readable)
{
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, page_state(PL031_BASE >> 12));
	ASSERT_EQ(0u, read32_faults(PL031_BASE + PL031_PERIPH_ID0));
	EXPECT_EQ(0x31u, read32_value);
}

/* Every virtio-mmio node is disabled in the host's tree, listed, and its registers refused. */
TEST(every_virtio_mmio_node_removed)
{
	const void *fdt = host_fdt();
	const char *status;
	char path[128];
	int node, n = 0, len;

	ASSERT_NE_NULL(fdt);
	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		u64 base;

		ASSERT_NE_NULL(reg);
		ASSERT_EQ(16, len);
		base = (u64)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
		status = fdt_getprop(fdt, node, "status", NULL);
		ASSERT_NE_NULL(status);
		EXPECT_STREQ("disabled", status);
		ASSERT_EQ(0, fdt_get_path(fdt, node, path, sizeof(path)));
		EXPECT_TRUE(isohyp_lists(fdt, ISOHYP_DT_DMA_REMOVED, path));
		EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(base >> 12));
		EXPECT_EQ(1u, read32_faults(base));
		n++;
	}
	EXPECT_EQ(32, n);
}

/* /isohyp says how DMA is isolated: by the SMMU, fw_cfg and the GIC mediated. */
TEST(isohyp_node_publishes_the_policy)
{
	const void *fdt = host_fdt();
	int node = fdt ? fdt_path_offset(fdt, "/isohyp") : -1;
	const char *iso;

	ASSERT_GE(node, 0);
	iso = fdt_getprop(fdt, node, ISOHYP_DT_DMA_ISOLATION, NULL);
	ASSERT_NE_NULL(iso);
	EXPECT_STREQ(ISOHYP_DT_DMA_ISOLATION_IOMMU, iso);
	EXPECT_EQ(1, fdt_stringlist_count(fdt, node, ISOHYP_DT_DMA_ISOLATED_BY));
	EXPECT_TRUE(isohyp_lists(fdt, ISOHYP_DT_DMA_MEDIATED, "/fw-cfg@9020000"));
	EXPECT_TRUE(isohyp_lists(fdt, ISOHYP_DT_DMA_MEDIATED, "/intc@8000000/its@8080000"));
	EXPECT_FALSE(fdt_getprop(fdt, node, ISOHYP_DT_DMA_UNISOLATED, NULL) != NULL);
}
