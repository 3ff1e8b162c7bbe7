// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's fw_cfg from the host (ARCHITECTURE.md section 9): a DMA master no
 * SMMU fronts, mediated by the hypervisor. Its selector and data registers
 * still work; its DMA works into host pages and is refused -- ERROR in the
 * host's descriptor, not a byte written -- into a donated page or the
 * carve-out, and a descriptor in a donated page is never read. Each attack
 * first runs against a host page, where it must work. What the payload
 * cannot read afterwards is read from outside, by QEMU (outside.c); the suite
 * (tests/target/payload.test) compares.
 *
 * Register layout and descriptor: QEMU docs/specs/fw_cfg.rst; every
 * register and field is big-endian.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <uapi/isohyp.h>

#include "harness.h"
#include "mmio_access.h"
#include "payload.h"

#define PAGE 4096ULL
#define FW_CFG_SEL 0x08
#define FW_CFG_DMA 0x10
#define FW_CFG_DMA_LO 0x14
#define DMA_ERROR 0x01U
#define DMA_READ 0x02U
#define DMA_SELECT 0x08U
#define KEY_SIGNATURE 0x0000U
#define SIGNATURE 0x554d4551U /* "QEMU" as a little-endian load */
#define DMA_LEN 64 /* "QEMU" and 60 zeros: QEMU fills past the item's end */

struct dma_access {
	u32 control, length;
	u64 address;
};

/* The registers, from the host's device tree. */
static u64 fw_cfg_base(void)
{
	const void *fdt = host_fdt();
	const fdt32_t *reg;
	int node, len;

	node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "qemu,fw-cfg-mmio") : -1;
	reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	if (!reg || len != 16)
		return 0;
	return (u64)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
}

static void put_desc(u64 pa, u32 control, u32 length, u64 address)
{
	volatile struct dma_access *d = (volatile struct dma_access *)(uintptr_t)pa;

	d->control = __builtin_bswap32(control);
	d->length = __builtin_bswap32(length);
	d->address = __builtin_bswap64(address);
}

static u32 desc_control(u64 pa)
{
	return __builtin_bswap32(((volatile struct dma_access *)(uintptr_t)pa)->control);
}

/* Linux's order for the split form: high half, then the low half starts it. */
static void ring(u64 base, u64 desc, bool split)
{
	if (split) {
		mmio_wr32(base + FW_CFG_DMA, __builtin_bswap32(desc >> 32));
		mmio_wr32(base + FW_CFG_DMA_LO, __builtin_bswap32((u32)desc));
	} else {
		mmio_wr64(base + FW_CFG_DMA, __builtin_bswap64(desc));
	}
}

/* Select the signature and read DMA_LEN bytes of it to @buf; the control back. */
static u32 dma_signature(u64 base, u64 desc, u64 buf, bool split)
{
	put_desc(desc, DMA_SELECT | DMA_READ | KEY_SIGNATURE << 16, DMA_LEN, buf);
	ring(base, desc, split);
	return desc_control(desc);
}

static bool holds_signature(u64 pa)
{
	const volatile u8 *p = (const volatile u8 *)(uintptr_t)pa;
	unsigned int i;

	if (*(const volatile u32 *)p != SIGNATURE)
		return false;
	for (i = 4; i < DMA_LEN; i++)
		if (p[i])
			return false;
	return true;
}

/* The registers are the hypervisor's; selector, data and signature pass through. */
TEST(fw_cfg_registers_are_emulated_and_pass_through)
{
	u64 base = fw_cfg_base();
	u8 sig[4];
	unsigned int i;

	ASSERT_NE(0u, base);
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, page_state(base >> 12));
	mmio_wr16(base + FW_CFG_SEL, __builtin_bswap16(KEY_SIGNATURE));
	for (i = 0; i < 4; i++)
		sig[i] = mmio_rd8(base);
	EXPECT_EQ(0, memcmp(sig, "QEMU", 4));
	EXPECT_EQ(0x51454d5520434647ULL, __builtin_bswap64(mmio_rd64(base + FW_CFG_DMA)));
	/* The selector is write-only: the device rejects a read, so does the hypervisor. */
	EXPECT_EQ(1u, with_payload_vectors(read_once, (volatile u64 *)(uintptr_t)(base + FW_CFG_SEL)));
	check_sea(_metadata, base + FW_CFG_SEL, false);
}

/* DMA into host pages works, with both triggers. */
TEST(fw_cfg_dma_reaches_host_pages)
{
	u64 base = fw_cfg_base(), buf = alloc_pages(2), desc = buf + PAGE;

	ASSERT_NE(0u, base);
	ASSERT_NE(0u, buf);
	fill_page(buf, 0x1111);
	EXPECT_EQ(0u, dma_signature(base, desc, buf, false));
	EXPECT_TRUE(holds_signature(buf));
	fill_page(buf, 0x2222);
	EXPECT_EQ(0u, dma_signature(base, desc, buf, true));
	EXPECT_TRUE(holds_signature(buf));
	free_pages(buf, 2);
}

/*
 * A donated page: the DMA that worked on it as a host page returns ERROR,
 * and QEMU finds the page as the payload filled it before donating it.
 */
TEST(fw_cfg_dma_cannot_write_a_donated_page)
{
	u64 base = fw_cfg_base(), victim = alloc_pages(2), desc = victim + PAGE;

	ASSERT_NE(0u, base);
	ASSERT_NE(0u, victim);
	fill_page(victim, 0x3333);
	ASSERT_EQ(0u, dma_signature(base, desc, victim, false));
	ASSERT_TRUE(holds_signature(victim));
	fill_page(victim, 0xd0d0);
	phys_expect("fwcfg-donated", victim, DMA_LEN);
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, victim >> 12, 1));
	EXPECT_EQ(DMA_ERROR, dma_signature(base, desc, victim, false));
	EXPECT_EQ(DMA_ERROR, dma_signature(base, desc, victim, true));
	EXPECT_TRUE(phys_check("fwcfg-donated", victim, DMA_LEN));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, victim >> 12, 1));
	/* Reclaimed, it is the host's again: the DMA works. */
	EXPECT_EQ(0u, dma_signature(base, desc, victim, false));
	EXPECT_TRUE(holds_signature(victim));
	free_pages(victim, 2);
}

/*
 * The carve-out's first bytes (the hypervisor image's header): the DMA that
 * works on a host page returns ERROR, and QEMU reads the same bytes there
 * before and after.
 */
TEST(fw_cfg_dma_cannot_write_the_carveout)
{
	u64 base = fw_cfg_base(), host = alloc_pages(2), desc = host + PAGE, cbase, csize;

	ASSERT_NE(0u, base);
	ASSERT_NE(0u, host);
	ASSERT_EQ(0, find_carveout(&cbase, &csize));
	fill_page(host, 0x4444);
	ASSERT_EQ(0u, dma_signature(base, desc, host, false));
	ASSERT_TRUE(holds_signature(host));
	ASSERT_TRUE(phys_check("fwcfg-carve-before", cbase, DMA_LEN));
	EXPECT_EQ(DMA_ERROR, dma_signature(base, desc, cbase, false));
	EXPECT_EQ(DMA_ERROR, dma_signature(base, desc, cbase, true));
	EXPECT_TRUE(phys_check("fwcfg-carve-after", cbase, DMA_LEN));
	free_pages(host, 2);
}

/*
 * A descriptor in a donated page: the device never gets it, so neither its
 * buffer nor the descriptor (not even its control word) is written. The same
 * descriptor worked while the page was the host's.
 */
TEST(fw_cfg_descriptor_in_a_donated_page_is_not_used)
{
	u64 base = fw_cfg_base(), desc = alloc_pages(2), buf = desc + PAGE;

	ASSERT_NE(0u, base);
	ASSERT_NE(0u, desc);
	fill_page(buf, 0x5555);
	ASSERT_EQ(0u, dma_signature(base, desc, buf, false));
	ASSERT_TRUE(holds_signature(buf));
	fill_page(buf, 0x6666);
	put_desc(desc, DMA_SELECT | DMA_READ | KEY_SIGNATURE << 16, DMA_LEN, buf);
	phys_expect("fwcfg-desc-donated", desc, sizeof(struct dma_access));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, desc >> 12, 1));
	ring(base, desc, false);
	ring(base, desc, true);
	EXPECT_TRUE(page_has(buf, 0x6666));
	EXPECT_TRUE(phys_check("fwcfg-desc-donated", desc, sizeof(struct dma_access)));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, desc >> 12, 1));
	free_pages(desc, 2);
}
