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

#include <isohyp/boot_info.h>
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

/* ---- a small SMMUv3 driver of the host's own (issue 14, step 6) ------------------ */

#define SMMU_CMDQ_PROD 0x98
#define SMMU_CMDQ_CONS 0x9c
#define SMMU_GERROR 0x60
#define SMMU_GERRORN 0x64
#define SMMU_IDR5 0x14
#define SMMU_EVTQ_PROD 0x100a8
#define SMMU_EVTQ_CONS 0x100ac
/* In QEMU's PCIe MMIO window: only a translation makes it RAM. */
#define IOVA 0x10000000ULL
#define STE_V 1ULL
#define STE_CFG(c) ((u64)(c) << 1)
#define STE_BYPASS 4
#define STE_S1 5
#define PTE_PAGE(pa) ((pa) | 3 | (1ULL << 10) | (3ULL << 8) | (1ULL << 6) | (1ULL << 11))

/* The host's structures, in one block of its pages. */
static struct {
	u64 smmu, block, strtab, cmdq, evtq, cd, l1, l2, l3, data, out;
	u32 prod, sid;
} h;

static u64 *va(u64 pa)
{
	return (u64 *)(uintptr_t)pa;
}

/* Queue one command and run the queue: CONS reaches PROD, or stops with an error. */
static u32 h_cmd(u64 d0, u64 d1)
{
	u64 *e = va(h.cmdq + (h.prod & 0xff) * 16ULL);

	e[0] = d0;
	e[1] = d1;
	h.prod = (h.prod + 1) & 0x1ff;
	mmio_wr32(h.smmu + SMMU_CMDQ_PROD, h.prod);
	return mmio_rd32(h.smmu + SMMU_CMDQ_CONS);
}

/*
 * CFGI_STE of the edu's stream, TLBI_NH_ASID of its ASID (translations
 * cached through the old CD or tables go) and CMD_SYNC: what its STE, CD
 * and tables now say is used.
 */
static bool h_cfgi_edu(void)
{
	h_cmd(0x03 | (u64)h.sid << 32, 0);
	h_cmd(0x11 | (1ULL << 48), 0);
	return h_cmd(0x46, 0) == h.prod;
}

static void h_cd(u64 ttb0, u32 ips)
{
	u64 *cd = va(h.cd);

	cd[1] = ttb0;
	cd[2] = 0;
	cd[3] = 0xff; /* MAIR: attribute 0 Normal write-back */
	cd[0] = 25 /* T0SZ: 39 bits */ | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (1ULL << 30) |
		(1ULL << 31) /* V */ | (u64)ips << 32 | (1ULL << 41) /* AA64 */ |
		(1ULL << 45) | (1ULL << 46) /* R, A */ | (1ULL << 47) | (1ULL << 48) /* ASID 1 */;
}

/*
 * A linear stream table of 256 STEs (bus 0): every stream BYPASS, the edu's
 * stage 1 through a CD whose tables map IOVA -> data, IOVA + 1 page -> out,
 * then @extra[0..1] (attacks) at the next pages. Queues, enable.
 */
static void h_teardown(void);

static int h_setup(const u64 *extra)
{
	u64 *ste, size;
	u32 i;

	if (payload_edu_setup(&h.sid) || h.sid > 0xff || payload_find_smmu(&h.smmu, &size))
		return -1;
	h.block = alloc_pages(20);
	if (!h.block)
		return -1;
	h.strtab = (h.block + 0x3fff) & ~0x3fffULL; /* the table's size: 16 KiB */
	h.cmdq = h.strtab + 0x4000, h.evtq = h.strtab + 0x5000, h.cd = h.strtab + 0x6000;
	h.l1 = h.strtab + 0x7000, h.l2 = h.strtab + 0x8000, h.l3 = h.strtab + 0x9000;
	h.data = h.strtab + 0xa000, h.out = h.strtab + 0xb000;
	for (i = 0; i < 12; i++)
		fill_page(h.strtab + i * PAGE, 0);
	for (i = 0; i < 256; i++)
		va(h.strtab)[i * 8] = STE_V | STE_CFG(STE_BYPASS);
	ste = va(h.strtab + h.sid * 64ULL);
	ste[1] = (1ULL << 2) | (1ULL << 4) | (3ULL << 6); /* CD fetch: write-back, inner shareable */
	ste[0] = STE_V | STE_CFG(STE_S1) | h.cd;
	h_cd(h.l1, mmio_rd32(h.smmu + SMMU_IDR5) & 7);
	va(h.l1)[0] = h.l2 | 3;
	va(h.l2)[(IOVA >> 21) & 511] = h.l3 | 3;
	va(h.l3)[0] = PTE_PAGE(h.data);
	va(h.l3)[1] = PTE_PAGE(h.out);
	va(h.l3)[2] = PTE_PAGE(extra[0]);
	va(h.l3)[3] = PTE_PAGE(extra[1]);
	mmio_wr64(h.smmu + SMMU_STRTAB_BASE, h.strtab);
	mmio_wr32(h.smmu + SMMU_STRTAB_BASE_CFG, 8);
	mmio_wr64(h.smmu + SMMU_CMDQ_BASE, h.cmdq | 8);
	mmio_wr64(h.smmu + SMMU_EVTQ_BASE, h.evtq | 7);
	mmio_wr32(h.smmu + SMMU_CMDQ_PROD, 0);
	mmio_wr32(h.smmu + SMMU_CMDQ_CONS, 0);
	mmio_wr32(h.smmu + SMMU_EVTQ_PROD, 0);
	mmio_wr32(h.smmu + SMMU_EVTQ_CONS, 0);
	h.prod = 0;
	mmio_wr32(h.smmu + SMMU_CR0, CR0_CMDQEN | CR0_EVTQEN);
	h_cmd(0x04, 31); /* CFGI_ALL */
	/*
	 * TLBI_NSNH_ALL, as Linux's reset does: the previous test's
	 * translations of the same ASID and IOVAs may still be cached.
	 */
	h_cmd(0x30, 0);
	if (h_cmd(0x46, 0) == 3) {
		mmio_wr32(h.smmu + SMMU_CR0, CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
		if (mmio_rd32(h.smmu + SMMU_CR0ACK) == (CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN))
			return 0;
	}
	h_teardown();
	return -1;
}

static void h_teardown(void)
{
	/* Translation off: GBPA (firmware's bypass) gives every stream the identity map again. */
	mmio_wr32(h.smmu + SMMU_CR0, 0);
	free_pages(h.block, 20);
}

static u64 dma_faults(void)
{
	u64 r[8];

	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	return r[2];
}

/* A page from @src into the device's buffer, then out to @dst. */
static void dma_copy(u64 src, u64 dst)
{
	payload_edu_dma(src, PAYLOAD_EDU_BUF, PAGE, false);
	payload_edu_dma(PAYLOAD_EDU_BUF, dst, PAGE, true);
}

/*
 * The host's stage 1 translates the edu's DMA (IOVA -> its page -> back to
 * another), nested over the hypervisor's stage 2: an IOVA the host maps onto
 * the carve-out or a donated page faults at stage 2 (the hypervisor counts
 * it), and the bytes never arrive.
 */
TEST(nested_smmu_translated_dma)
{
	u64 carve, carve_size, donated = alloc_pages(1), before;
	u64 extra[2];
	const u64 *o;

	if (!payload_smmu_nested())
		SKIP(free_pages(donated, 1), "hidden mode");
	ASSERT_EQ(0, find_carveout(&carve, &carve_size));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, donated >> 12, 1));
	extra[0] = carve, extra[1] = donated;
	ASSERT_EQ(0, h_setup(extra));
	/* The control: translated both ways. */
	fill_page(h.data, 0x51);
	fill_page(h.out, 0);
	dma_copy(IOVA, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x51));
	/* The carve-out and the donated page through the host's own mappings. */
	fill_page(h.data, 0x5eed);
	dma_copy(IOVA, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x5eed));
	before = dma_faults();
	dma_copy(IOVA + 2 * PAGE, IOVA + PAGE);
	o = va(h.out);
	EXPECT_TRUE(page_has(h.out, 0x5eed) || page_is_zero(h.out));
	EXPECT_NE(HYP_IMAGE_MAGIC, o[1]);
	EXPECT_GT(dma_faults(), before);
	before = dma_faults();
	dma_copy(IOVA + 3 * PAGE, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x5eed) || page_is_zero(h.out));
	EXPECT_GT(dma_faults(), before);
	/* Writes too: the device buffer out to the carve-out's IOVA. */
	before = dma_faults();
	payload_edu_dma(PAYLOAD_EDU_BUF, IOVA + 2 * PAGE, PAGE, true);
	EXPECT_GT(dma_faults(), before);
	h_teardown();
	EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, donated >> 12, 1));
	free_pages(donated, 1);
}

/*
 * A CD, or a stage-1 table, the host places in hypervisor memory is fetched
 * through stage 2 too: the DMA fails. Put back, the DMA works (the control).
 */
TEST(nested_smmu_cd_and_tables_in_hypervisor_memory)
{
	u64 carve, carve_size, extra[2], before;

	if (!payload_smmu_nested())
		SKIP(, "hidden mode");
	ASSERT_EQ(0, find_carveout(&carve, &carve_size));
	extra[0] = extra[1] = 0;
	ASSERT_EQ(0, h_setup(extra));
	fill_page(h.data, 0x77);
	fill_page(h.out, 0);
	dma_copy(IOVA, IOVA + PAGE);
	ASSERT_TRUE(page_has(h.out, 0x77));
	/* The STE's CD pointer at the carve-out. */
	va(h.strtab + h.sid * 64ULL)[0] = STE_V | STE_CFG(STE_S1) | carve;
	ASSERT_TRUE(h_cfgi_edu());
	before = dma_faults();
	fill_page(h.data, 0x78);
	payload_edu_dma(IOVA, PAYLOAD_EDU_BUF, PAGE, false);
	EXPECT_GT(dma_faults(), before);
	va(h.strtab + h.sid * 64ULL)[0] = STE_V | STE_CFG(STE_S1) | h.cd;
	ASSERT_TRUE(h_cfgi_edu());
	payload_edu_dma(PAYLOAD_EDU_BUF, IOVA + PAGE, PAGE, true);
	EXPECT_FALSE(page_has(h.out, 0x78)); /* the read through the bad CD brought nothing */
	/* The CD's stage-1 table (TTB0) at the carve-out. */
	h_cd(carve, mmio_rd32(h.smmu + SMMU_IDR5) & 7);
	ASSERT_TRUE(h_cfgi_edu());
	before = dma_faults();
	payload_edu_dma(IOVA, PAYLOAD_EDU_BUF, PAGE, false);
	EXPECT_GT(dma_faults(), before);
	/* Put back: translated again. */
	h_cd(h.l1, mmio_rd32(h.smmu + SMMU_IDR5) & 7);
	ASSERT_TRUE(h_cfgi_edu());
	fill_page(h.out, 0);
	dma_copy(IOVA, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x78));
	h_teardown();
}

/* A BYPASS STE is the hypervisor's stage 2 alone: host pages yes, the carve-out no. */
TEST(nested_smmu_bypass_ste_keeps_stage2)
{
	u64 carve, carve_size, extra[2] = { 0, 0 }, before;

	if (!payload_smmu_nested())
		SKIP(, "hidden mode");
	ASSERT_EQ(0, find_carveout(&carve, &carve_size));
	ASSERT_EQ(0, h_setup(extra));
	va(h.strtab + h.sid * 64ULL)[0] = STE_V | STE_CFG(STE_BYPASS);
	ASSERT_TRUE(h_cfgi_edu());
	fill_page(h.data, 0x99);
	fill_page(h.out, 0);
	dma_copy(h.data, h.out); /* physical addresses now */
	EXPECT_TRUE(page_has(h.out, 0x99));
	before = dma_faults();
	dma_copy(carve, h.out);
	EXPECT_GT(dma_faults(), before);
	EXPECT_NE(HYP_IMAGE_MAGIC, va(h.out)[1]);
	h_teardown();
}

/* A command the host may not use (stage 2's TLBI_S2_IPA) is CERROR_ILL; its recovery works. */
TEST(nested_smmu_illegal_command)
{
	u64 extra[2] = { 0, 0 };
	u32 cons;

	if (!payload_smmu_nested())
		SKIP(, "hidden mode");
	ASSERT_EQ(0, h_setup(extra));
	cons = h.prod;
	EXPECT_EQ(cons | (1u << 24), h_cmd(0x2a, 0x1000)); /* CONS.ERR = CERROR_ILL */
	EXPECT_EQ(1u, (mmio_rd32(h.smmu + SMMU_GERROR) ^ mmio_rd32(h.smmu + SMMU_GERRORN)) & 1);
	va(h.cmdq + cons * 16ULL)[0] = 0x46; /* a CMD_SYNC in its place */
	mmio_wr32(h.smmu + SMMU_GERRORN, mmio_rd32(h.smmu + SMMU_GERROR));
	EXPECT_EQ(h.prod, mmio_rd32(h.smmu + SMMU_CMDQ_CONS));
	h_teardown();
}

/*
 * An STE the host leaves invalid (V = 0) is what a real SMMU makes of it
 * (IHI 0070 5.2, 7.3.5): the edu's DMA fails, and C_BAD_STE with the edu's
 * stream ID arrives in the host's own event queue. The control: the valid
 * STE's DMA is translated and records nothing; made valid again, it works.
 */
TEST(nested_smmu_invalid_ste_records_c_bad_ste)
{
	u64 extra[2] = { 0, 0 };
	u32 prod, now, i;
	bool found = false;

	if (!payload_smmu_nested())
		SKIP(, "hidden mode");
	ASSERT_EQ(0, h_setup(extra));
	fill_page(h.data, 0x3c);
	fill_page(h.out, 0);
	prod = mmio_rd32(h.smmu + SMMU_EVTQ_PROD) & 0xff;
	dma_copy(IOVA, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x3c));
	EXPECT_EQ(prod, mmio_rd32(h.smmu + SMMU_EVTQ_PROD) & 0xff);
	/* V = 0: the DMA fails, the record arrives. */
	va(h.strtab + h.sid * 64ULL)[0] &= ~STE_V;
	ASSERT_TRUE(h_cfgi_edu());
	fill_page(h.data, 0x3d);
	payload_edu_dma(IOVA, PAYLOAD_EDU_BUF, PAGE, false);
	now = mmio_rd32(h.smmu + SMMU_EVTQ_PROD);
	EXPECT_NE(prod, now & 0xff);
	for (i = prod; i != (now & 0xff); i = (i + 1) & 0xff) {
		const u64 *e = va(h.evtq + (i & 0x7f) * 32ULL);

		if (!found)
			TH_LOG("first record: event %02x stream %x, %u records",
			       (unsigned int)(e[0] & 0xff), (unsigned int)(e[0] >> 32),
			       ((now & 0xff) - prod) & 0xff);
		found |= (e[0] & 0xff) == 0x04 && (e[0] >> 32) == h.sid;
	}
	EXPECT_TRUE(found);
	/* Consumed, an overflow (one record per refused beat) acknowledged. */
	mmio_wr32(h.smmu + SMMU_EVTQ_CONS, now);
	/* Valid again: translated, and what the refused read would have fetched was not. */
	va(h.strtab + h.sid * 64ULL)[0] |= STE_V;
	ASSERT_TRUE(h_cfgi_edu());
	payload_edu_dma(PAYLOAD_EDU_BUF, IOVA + PAGE, PAGE, true);
	EXPECT_FALSE(page_has(h.out, 0x3d));
	dma_copy(IOVA, IOVA + PAGE);
	EXPECT_TRUE(page_has(h.out, 0x3d));
	h_teardown();
}
