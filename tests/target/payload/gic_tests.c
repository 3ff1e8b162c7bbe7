// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GICv3 ITS and the redistributors' LPI tables as the hypervisor
 * mediates them (ARCHITECTURE.md section 9), driven from EL1 the way a host
 * driver does -- and the way an attacker would. The GIC is a DMA master no
 * SMMU fronts: it writes the ITT of each mapped device and each
 * redistributor's pending table. Every attack here comes with its control:
 * the same operation aimed at host memory, showing that the mechanism really
 * writes memory (QEMU's ITS writes the ITE into the ITT; QEMU's
 * redistributor keeps LPI pending state in the pending table in memory,
 * hw/intc/arm_gicv3_redist.c set_pending_table_bit()).
 *
 * No interrupt is ever taken: LPI configuration entries have Enable = 0, so
 * a pending LPI stays a bit in memory.
 *
 * The tests share one ITS and one redistributor set-up and run in order:
 * the first ones build what the later ones use. Every host command goes
 * through the emulated GITS_CWRITER, which the hypervisor processes before
 * the store returns, so GITS_CREADR == GITS_CWRITER right after it.
 *
 * What the payload cannot see -- that a page it donated, or the carve-out,
 * was *not* written -- QEMU reads from outside (gic_phys_arm/read).
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <asm/cache.h>
#include <asm/sysreg.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "mmio_access.h"
#include "payload.h"

#define ABI_EBUSY (-16)
#define PAGE_SIZE 4096ULL

/* GICv3 spec IHI 0069 names, written out here (not the hypervisor's headers). */
#define GITS_CTLR 0x0000
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER(n) (0x0100 + 8 * (n))
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICD_TYPER 0x0004

#define LPI_BASE 8192
#define PROP_IDBITS 13 /* 14 INTID bits: LPIs 8192..16383 */
#define PROP_SIZE ((1ULL << (PROP_IDBITS + 1)) - LPI_BASE) /* 8 KiB */
#define PEND_SIZE (1ULL << (PROP_IDBITS + 1 - 3)) /* 2 KiB */
#define LPI_PRIO 0xa0 /* configuration byte: priority, Group/Enable (bit 0) clear */
#define RAWAWB_INNER ((7ULL << 59) | (1ULL << 10)) /* CBASER/BASER/PROPBASER cacheability */

/* Our DeviceIDs: none of QEMU virt's PCI requester IDs. */
#define DEV_GOOD 0x7f00
#define DEV_DONATED_ITT 0x7f01
#define DEV_CARVEOUT_ITT 0x7f02
#define DEV_CONTROL 0x7f03

/* ---- the platform -------------------------------------------------------------- */

static struct {
	bool found;
	u64 gicd, gicr, gicr_size, its;
	u64 rd[2]; /* RD_base of CPU0 (us) and of another CPU */
	u32 procnum[2]; /* their processor numbers (RDbase, GITS_TYPER.PTA = 0) */
	u32 devid_bits, event_bits, cid_bits, ite_size, lpi_bits, nr_cpus;
	/* Host memory the GIC uses. */
	u64 prop, pend;
	u64 cmdq, cwriter; /* our command queue (one page) and next write offset */
	u64 itt_good; /* DEV_GOOD's ITT */
	bool lpis_on, its_on;
} gic;

static u64 reg_pair(const fdt32_t *r)
{
	return (u64)fdt32_to_cpu(r[0]) << 32 | fdt32_to_cpu(r[1]);
}

/* The GICv3, its ITS and the redistributor region from the host's device tree. */
static int gic_find(void)
{
	const void *fdt = host_fdt();
	const fdt32_t *reg;
	int node, len;

	if (gic.found)
		return 0;
	node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3") : -1;
	reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	if (!reg || len < 32)
		return -1;
	gic.gicd = reg_pair(reg);
	gic.gicr = reg_pair(reg + 4);
	gic.gicr_size = reg_pair(reg + 6);
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its");
	reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
	if (!reg || len < 16)
		return -1;
	gic.its = reg_pair(reg);
	gic.found = true;
	return 0;
}

/* GICR_TYPER.Affinity as MPIDR_EL1 would spell it (Aff3 at [31:24]). */
static u32 mpidr_to_aff(u64 mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24;
}

/* Find our redistributor and one other, walking frames until GICR_TYPER.Last. */
static int gic_find_redistributors(void)
{
	u32 self = mpidr_to_aff(read_sysreg(mpidr_el1));
	u64 pa, typer;
	int other = 0;

	gic.rd[0] = gic.rd[1] = 0;
	for (pa = gic.gicr; pa < gic.gicr + gic.gicr_size; pa += 0x20000) {
		typer = mmio_rd64(pa + GICR_TYPER);
		if ((u32)(typer >> 32) == self) {
			gic.rd[0] = pa;
			gic.procnum[0] = (typer >> 8) & 0xffff;
		} else if (!other) {
			gic.rd[1] = pa;
			gic.procnum[1] = (typer >> 8) & 0xffff;
			other = 1;
		}
		gic.nr_cpus++;
		if (typer & (1 << 4)) /* Last */
			break;
		if (typer & (1 << 1)) /* VLPIS: GICv4 frames are 256 KiB */
			pa += 0x20000;
	}
	/* One CPU: no other redistributor to attack (that test is skipped). */
	return gic.rd[0] ? 0 : -1;
}

/* @n pages of host memory aligned to @align, zeroed; 0 on failure. */
static u64 alloc_aligned(UINTN n, u64 align)
{
	UINTN extra = align / PAGE_SIZE - 1;
	u64 pa = alloc_pages(n + extra);

	if (!pa)
		return 0;
	pa = (pa + align - 1) & ~(align - 1);
	memset((void *)(uintptr_t)pa, 0, n * PAGE_SIZE);
	dcache_clean_inval_poc((void *)(uintptr_t)pa, n * PAGE_SIZE);
	return pa;
}

static s64 donate(u64 pa)
{
	return hcall(ISOHYP_FN_HOST_DONATE_HYP, pa >> 12, 1);
}

static s64 reclaim(u64 pa)
{
	return hcall(ISOHYP_FN_HOST_RECLAIM, pa >> 12, 1);
}

/*
 * Checks from outside (outside.c): the payload cannot read a page it
 * donated, nor the carve-out. Before an attack, gic_phys_arm() fills the
 * first GIC_PHYS_LEN bytes of a page it still owns with a pattern and tells
 * the suite what they are; after it, gic_phys_read() has QEMU read them,
 * and payload.test compares. The ranges are where the GIC would write: an
 * ITT's first ITE, a table's first entries, a pending table's bit for LPI
 * 8192 (byte 1024).
 */
#define GIC_PHYS_LEN 64

static void gic_phys_arm(const char *tag, u64 pa)
{
	memset((void *)(uintptr_t)pa, 0xa5, GIC_PHYS_LEN);
	dcache_clean_poc((void *)(uintptr_t)pa, GIC_PHYS_LEN);
	phys_expect(tag, pa, GIC_PHYS_LEN);
}

static void gic_phys_read(struct __test_metadata *_metadata, const char *tag, u64 pa)
{
	EXPECT_TRUE(phys_check(tag, pa, GIC_PHYS_LEN));
}

/* ---- the ITS command queue ------------------------------------------------------- */

static bool its_stalled(void)
{
	return mmio_rd64(gic.its + GITS_CREADR) & 1;
}

/* Queue one command and publish it; true when GITS_CREADR caught up at once. */
static bool its_cmd(u64 d0, u64 d1, u64 d2, u64 d3)
{
	volatile u64 *slot = (volatile u64 *)(uintptr_t)(gic.cmdq + gic.cwriter);

	slot[0] = d0, slot[1] = d1, slot[2] = d2, slot[3] = d3;
	/* The ITS may not snoop: the command reaches the PoC before CWRITER moves. */
	dcache_clean_poc((const void *)slot, 32);
	gic.cwriter = (gic.cwriter + 32) % PAGE_SIZE;
	mmio_wr64(gic.its + GITS_CWRITER, gic.cwriter);
	return mmio_rd64(gic.its + GITS_CREADR) == gic.cwriter;
}

static bool cmd_mapd(u32 dev, u64 itt, u32 size, bool valid)
{
	return its_cmd(0x08 | (u64)dev << 32, size, (itt & 0xfffffffffff00ULL) | (u64)valid << 63, 0);
}

static bool cmd_mapc(u32 icid, u32 rd)
{
	return its_cmd(0x09, 0, icid | (u64)rd << 16 | 1ULL << 63, 0);
}

static bool cmd_mapti(u32 dev, u32 event, u32 intid, u32 icid)
{
	return its_cmd(0x0a | (u64)dev << 32, event | (u64)intid << 32, icid, 0);
}

/* INT, CLEAR, INV, DISCARD: opcode, DeviceID, EventID. */
static bool cmd_event(u8 op, u32 dev, u32 event)
{
	return its_cmd(op | (u64)dev << 32, event, 0, 0);
}

static bool cmd_sync(void)
{
	return its_cmd(0x05, 0, (u64)gic.procnum[0] << 16, 0);
}

#define CMD_INT 0x03
#define CMD_CLEAR 0x04
#define CMD_INV 0x0c
#define CMD_DISCARD 0x0f

/* The pending bit of @intid in our redistributor's pending table. */
static bool lpi_pending(u32 intid)
{
	volatile u8 *p = (volatile u8 *)(uintptr_t)(gic.pend + intid / 8);

	/* Written by the GIC: drop any stale line before reading. */
	dcache_inval_poc((const void *)p, 1);
	return (*p >> (intid % 8)) & 1;
}

static bool page_nonzero(u64 pa)
{
	dcache_inval_poc((const void *)(uintptr_t)pa, PAGE_SIZE);
	return !page_is_zero(pa);
}

static void its_disable(void)
{
	int i;

	mmio_wr32(gic.its + GITS_CTLR, 0);
	for (i = 0; i < 1000 && !(mmio_rd32(gic.its + GITS_CTLR) & (1U << 31)); i++)
		;
}

/* A fresh zeroed queue page in GITS_CBASER (the ITS disabled), CWRITER back at 0. */
static void its_set_queue(u64 page)
{
	gic.cmdq = page;
	gic.cwriter = 0;
	mmio_wr64(gic.its + GITS_CBASER, 1ULL << 63 | RAWAWB_INNER | page); /* Size 0: one page */
}

/* ---- the redistributor ------------------------------------------------------------ */

/* LPIs on at our redistributor: tables in host pages, pinned by the hypervisor. */
TEST(gic_lpis_enable_with_host_tables_pins_them)
{
	u64 ctlr;

	ASSERT_EQ(0, gic_find());
	ASSERT_EQ(0, gic_find_redistributors());
	gic.lpi_bits = ((mmio_rd32(gic.gicd + GICD_TYPER) >> 19) & 0x1f) + 1;
	TH_LOG("ITS %lx, CPU0's redistributor %lx (processor %u), another %lx, %u-bit INTIDs",
	       gic.its, gic.rd[0], gic.procnum[0], gic.rd[1], gic.lpi_bits);
	ctlr = mmio_rd32(gic.rd[0] + GICR_CTLR);
	ASSERT_EQ(0u, ctlr & 1); /* nothing before us enabled LPIs */
	gic.prop = alloc_aligned(PROP_SIZE / PAGE_SIZE, PAGE_SIZE);
	gic.pend = alloc_aligned(1, 0x10000);
	ASSERT_NE(0u, gic.prop);
	ASSERT_NE(0u, gic.pend);
	/* Every LPI: a priority, disabled -- pending, never taken. */
	memset((void *)(uintptr_t)gic.prop, LPI_PRIO, PROP_SIZE);
	dcache_clean_poc((void *)(uintptr_t)gic.prop, PROP_SIZE);
	mmio_wr64(gic.rd[0] + GICR_PROPBASER, gic.prop | RAWAWB_INNER | PROP_IDBITS);
	mmio_wr64(gic.rd[0] + GICR_PENDBASER, gic.pend | RAWAWB_INNER);
	mmio_wr32(gic.rd[0] + GICR_CTLR, ctlr | 1);
	ASSERT_EQ(1u, mmio_rd32(gic.rd[0] + GICR_CTLR) & 1);
	gic.lpis_on = true;
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.prop >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state((gic.prop >> 12) + 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.pend >> 12));
	EXPECT_EQ(ABI_EBUSY, donate(gic.prop));
	EXPECT_EQ(ABI_EBUSY, donate(gic.pend));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.pend >> 12));
	/* While LPIs are on, the tables cannot move (the pinned ones stay in use). */
	mmio_wr64(gic.rd[0] + GICR_PENDBASER, (gic.pend + 0x10000) | RAWAWB_INNER);
	EXPECT_EQ(gic.pend, mmio_rd64(gic.rd[0] + GICR_PENDBASER) & 0xfffffffff0000ULL);
}

/* ---- the ITS, as a driver programs it -------------------------------------------- */

/* CBASER and BASERn with host pages, enabled; MAPC and SYNC run at once. */
TEST(gic_its_programmed_like_a_driver)
{
	u64 typer, baser, page;
	int n;

	ASSERT_TRUE(gic.lpis_on);
	typer = mmio_rd64(gic.its + GITS_TYPER);
	EXPECT_EQ(1u, typer & 1); /* Physical */
	EXPECT_EQ(0u, typer & 2); /* Virtual: GICv4 hidden */
	EXPECT_EQ(0u, typer & (1 << 19)); /* PTA = 0: RDbase is a processor number */
	gic.ite_size = ((typer >> 4) & 0xf) + 1;
	gic.event_bits = ((typer >> 8) & 0x1f) + 1;
	gic.devid_bits = ((typer >> 13) & 0x1f) + 1;
	gic.cid_bits = typer & (1ULL << 36) ? ((typer >> 32) & 0xf) + 1 : 16;
	TH_LOG("GITS_TYPER %lx: %u-bit DeviceIDs, %u-bit EventIDs, %u-bit ICIDs, ITE %u bytes",
	       typer, gic.devid_bits, gic.event_bits, gic.cid_bits, gic.ite_size);
	its_disable();
	ASSERT_EQ(0u, mmio_rd32(gic.its + GITS_CTLR) & 1);
	/* BASERn: a host page for each table the ITS asks for (never used: see below). */
	for (n = 0; n < 8; n++) {
		baser = mmio_rd64(gic.its + GITS_BASER(n));
		if (!((baser >> 56) & 7))
			continue;
		page = alloc_aligned(1, PAGE_SIZE);
		ASSERT_NE(0u, page);
		mmio_wr64(gic.its + GITS_BASER(n), baser | 1ULL << 63 | RAWAWB_INNER | page);
		EXPECT_EQ(page, mmio_rd64(gic.its + GITS_BASER(n)) & 0xfffffffff000ULL);
	}
	page = alloc_aligned(1, PAGE_SIZE);
	ASSERT_NE(0u, page);
	its_set_queue(page);
	EXPECT_EQ(0u, mmio_rd64(gic.its + GITS_CREADR));
	mmio_wr32(gic.its + GITS_CTLR, 1);
	ASSERT_EQ(1u, mmio_rd32(gic.its + GITS_CTLR) & 1);
	gic.its_on = true;
	EXPECT_TRUE(cmd_mapc(0, gic.procnum[0]));
	EXPECT_TRUE(cmd_mapc(1, gic.procnum[0]));
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(its_stalled());
}

/* MAPD + MAPTI + INT: the ITS writes the ITE into the host's ITT, the LPI goes pending. */
TEST(gic_its_int_writes_itt_and_pending_table)
{
	ASSERT_TRUE(gic.its_on);
	gic.itt_good = alloc_aligned(1, PAGE_SIZE);
	ASSERT_NE(0u, gic.itt_good);
	ASSERT_FALSE(page_nonzero(gic.itt_good));
	ASSERT_FALSE(lpi_pending(LPI_BASE));
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, gic.itt_good, 4, true)); /* 32 events */
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 0, LPI_BASE, 0));
	EXPECT_TRUE(cmd_sync());
	EXPECT_TRUE(cmd_event(CMD_INT, DEV_GOOD, 0));
	EXPECT_TRUE(cmd_sync());
	EXPECT_TRUE(page_nonzero(gic.itt_good)); /* the ITE */
	EXPECT_TRUE(lpi_pending(LPI_BASE));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.itt_good >> 12));
	EXPECT_EQ(ABI_EBUSY, donate(gic.itt_good));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.itt_good >> 12));
}

/* MOVI, INV, INVALL and CLEAR go through; CLEAR really clears the pending bit. */
TEST(gic_its_movi_inv_invall_clear_go_through)
{
	ASSERT_TRUE(gic.its_on);
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 1, LPI_BASE + 1, 0));
	EXPECT_TRUE(cmd_event(CMD_INT, DEV_GOOD, 1));
	EXPECT_TRUE(cmd_sync());
	EXPECT_TRUE(lpi_pending(LPI_BASE + 1));
	EXPECT_TRUE(its_cmd(0x01 | (u64)DEV_GOOD << 32, 1, 1, 0)); /* MOVI to ICID 1 */
	EXPECT_TRUE(cmd_event(CMD_INV, DEV_GOOD, 1));
	EXPECT_TRUE(its_cmd(0x0d, 0, 1, 0)); /* INVALL ICID 1 */
	EXPECT_TRUE(cmd_event(CMD_CLEAR, DEV_GOOD, 1));
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(lpi_pending(LPI_BASE + 1));
	EXPECT_TRUE(lpi_pending(LPI_BASE)); /* the other one untouched */
	EXPECT_FALSE(its_stalled());
}

/* DISCARD and MAPD V=0 end the pin: the ITT page can be donated and reclaimed. */
TEST(gic_its_unmap_unpins_the_itt)
{
	ASSERT_TRUE(gic.its_on);
	EXPECT_TRUE(cmd_event(CMD_DISCARD, DEV_GOOD, 0));
	EXPECT_TRUE(cmd_event(CMD_DISCARD, DEV_GOOD, 1));
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, 0, 0, false));
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(gic.itt_good >> 12));
	EXPECT_EQ(0, donate(gic.itt_good));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(gic.itt_good >> 12));
	EXPECT_EQ(0, reclaim(gic.itt_good));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(gic.itt_good >> 12));
}

/* ---- attacks on the ITT ------------------------------------------------------------ */

/* MAPTI + INT of @dev's event 0 to @intid; then SYNC. */
static void map_and_fire(u32 dev, u32 intid)
{
	cmd_mapti(dev, 0, intid, 0);
	cmd_event(CMD_INT, dev, 0);
	cmd_sync();
}

/* A MAPD whose ITT is a donated page is refused; the device stays unmapped (control: a host ITT). */
TEST(gic_its_mapd_itt_in_donated_page_refused)
{
	u64 victim = alloc_aligned(1, PAGE_SIZE), itt = alloc_aligned(1, PAGE_SIZE);

	ASSERT_TRUE(gic.its_on);
	ASSERT_NE(0u, victim);
	ASSERT_NE(0u, itt);
	gic_phys_arm("gic-itt-donated", victim);
	ASSERT_EQ(0, donate(victim));
	/* The queue keeps moving: CREADR reaches CWRITER past the refused MAPD. */
	EXPECT_TRUE(cmd_mapd(DEV_DONATED_ITT, victim, 4, true));
	map_and_fire(DEV_DONATED_ITT, LPI_BASE + 2);
	EXPECT_FALSE(lpi_pending(LPI_BASE + 2));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(victim >> 12));
	gic_phys_read(_metadata, "gic-itt-donated", victim);
	/* Control: the same commands with a host ITT make the ITS write it and the LPI pend. */
	EXPECT_TRUE(cmd_mapd(DEV_CONTROL, itt, 4, true));
	map_and_fire(DEV_CONTROL, LPI_BASE + 3);
	EXPECT_TRUE(lpi_pending(LPI_BASE + 3));
	EXPECT_TRUE(page_nonzero(itt));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(itt >> 12));
	EXPECT_TRUE(cmd_mapd(DEV_CONTROL, 0, 0, false));
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(itt >> 12));
	EXPECT_EQ(0, reclaim(victim));
	EXPECT_FALSE(its_stalled());
}

/* A MAPD whose ITT is in the carve-out is refused; the device stays unmapped. */
TEST(gic_its_mapd_itt_in_carveout_refused)
{
	u64 base, size;

	ASSERT_TRUE(gic.its_on);
	ASSERT_EQ(0, find_carveout(&base, &size));
	gic_phys_read(_metadata, "gic-itt-carve-before", base + size / 2);
	EXPECT_TRUE(cmd_mapd(DEV_CARVEOUT_ITT, base + size / 2, 4, true));
	map_and_fire(DEV_CARVEOUT_ITT, LPI_BASE + 4);
	EXPECT_FALSE(lpi_pending(LPI_BASE + 4));
	gic_phys_read(_metadata, "gic-itt-carve-after", base + size / 2);
	EXPECT_FALSE(its_stalled());
}

/* ---- attacks on the command queue and the ITS's tables ------------------------------ */

/*
 * GITS_CBASER at a donated page: the hypervisor will not read it, the
 * emulated queue stalls (GITS_CREADR.Stalled); disabling the ITS and a
 * good CBASER start it again.
 */
TEST(gic_its_cbaser_in_donated_page_stalls)
{
	u64 victim = alloc_aligned(1, PAGE_SIZE), good = alloc_aligned(1, PAGE_SIZE);

	ASSERT_TRUE(gic.its_on);
	ASSERT_NE(0u, victim);
	ASSERT_NE(0u, good);
	/* A command the host wrote before giving the page away. */
	its_disable();
	its_set_queue(victim);
	((volatile u64 *)(uintptr_t)victim)[0] = 0x05; /* SYNC */
	dcache_clean_poc((void *)(uintptr_t)victim, 32);
	ASSERT_EQ(0, donate(victim));
	mmio_wr32(gic.its + GITS_CTLR, 1);
	mmio_wr64(gic.its + GITS_CWRITER, 32);
	EXPECT_TRUE(its_stalled());
	EXPECT_EQ(0u, mmio_rd64(gic.its + GITS_CREADR) & ~1ULL);
	/* Stalled stays until the queue is reset. */
	mmio_wr64(gic.its + GITS_CWRITER, 32);
	EXPECT_TRUE(its_stalled());
	its_disable();
	its_set_queue(good);
	EXPECT_FALSE(its_stalled());
	mmio_wr32(gic.its + GITS_CTLR, 1);
	EXPECT_TRUE(cmd_mapc(0, gic.procnum[0]));
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(its_stalled());
	EXPECT_EQ(0, reclaim(victim));
}

/* Disabling and enabling the ITS replays no old command: a CLEARed LPI stays clear. */
TEST(gic_its_reenable_replays_nothing)
{
	u64 itt = alloc_aligned(1, PAGE_SIZE);

	ASSERT_TRUE(gic.its_on);
	ASSERT_NE(0u, itt);
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, itt, 4, true));
	map_and_fire(DEV_GOOD, LPI_BASE + 5);
	EXPECT_TRUE(lpi_pending(LPI_BASE + 5));
	EXPECT_TRUE(cmd_event(CMD_CLEAR, DEV_GOOD, 0));
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(lpi_pending(LPI_BASE + 5));
	its_disable();
	mmio_wr32(gic.its + GITS_CTLR, 1);
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(lpi_pending(LPI_BASE + 5)); /* the old INT did not run again */
	/* And with a new queue (CBASER rewritten) neither. */
	its_disable();
	its_set_queue(alloc_aligned(1, PAGE_SIZE));
	mmio_wr32(gic.its + GITS_CTLR, 1);
	EXPECT_TRUE(cmd_sync());
	EXPECT_FALSE(lpi_pending(LPI_BASE + 5));
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, 0, 0, false));
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(itt >> 12));
}

/* GITS_BASERn at a donated page: kept for the host to read, never given to the ITS. */
TEST(gic_its_baser_in_donated_page_unused)
{
	u64 victim = alloc_aligned(1, PAGE_SIZE), itt = alloc_aligned(1, PAGE_SIZE), baser;
	int n;

	ASSERT_TRUE(gic.its_on);
	ASSERT_NE(0u, victim);
	ASSERT_NE(0u, itt);
	gic_phys_arm("gic-baser-donated", victim);
	ASSERT_EQ(0, donate(victim));
	its_disable();
	for (n = 0; n < 8; n++) {
		baser = mmio_rd64(gic.its + GITS_BASER(n));
		if (!((baser >> 56) & 7))
			continue;
		mmio_wr64(gic.its + GITS_BASER(n), (baser & ~0xfffffffff000ULL) | 1ULL << 63 | victim);
		EXPECT_EQ(victim, mmio_rd64(gic.its + GITS_BASER(n)) & 0xfffffffff000ULL);
	}
	mmio_wr32(gic.its + GITS_CTLR, 1);
	/* The physical ITS still works from the hypervisor's tables. */
	EXPECT_TRUE(cmd_mapc(0, gic.procnum[0]));
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, itt, 4, true));
	map_and_fire(DEV_GOOD, LPI_BASE + 6);
	EXPECT_TRUE(lpi_pending(LPI_BASE + 6));
	EXPECT_TRUE(page_nonzero(itt));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(victim >> 12));
	gic_phys_read(_metadata, "gic-baser-donated", victim);
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, 0, 0, false));
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(0, reclaim(victim));
}

/* ---- bad commands: refused, logged, and the queue keeps moving ---------------------- */

/* Each kind of bad command is dropped; a good command right after still works. */
TEST(gic_its_bad_commands_refused_queue_moves)
{
	static const u8 gicv4[] = { 0x21, 0x22, 0x23, 0x25, 0x29, 0x2a, 0x2b, 0x2d, 0x2e };
	u64 itt = alloc_aligned(1, PAGE_SIZE);
	unsigned int i;

	ASSERT_TRUE(gic.its_on);
	ASSERT_NE(0u, itt);
	ASSERT_LT(gic.devid_bits, 32u);
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, itt, 4, true)); /* EventIDs 0..31 */
	/* DeviceID at 2^devid_bits. */
	EXPECT_TRUE(cmd_mapd(1U << gic.devid_bits, itt, 4, true));
	/* MAPD Size + 1 past the EventID bits. */
	EXPECT_TRUE(cmd_mapd(DEV_CONTROL, itt, gic.event_bits, true));
	/* An unmapped device. */
	EXPECT_TRUE(cmd_mapti(DEV_CONTROL, 0, LPI_BASE + 7, 0));
	/* EventID at the device's 2^(Size+1). */
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 32, LPI_BASE + 7, 0));
	EXPECT_TRUE(cmd_event(CMD_INT, DEV_GOOD, 32));
	/* pINTID below 8192 and at 2^lpi_bits. */
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 2, 8191, 0));
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 3, 1U << gic.lpi_bits, 0));
	/* ICID at the collection count the host sees. */
	EXPECT_TRUE(cmd_mapc(1U << gic.cid_bits, gic.procnum[0]));
	EXPECT_TRUE(cmd_mapti(DEV_GOOD, 4, LPI_BASE + 7, 1U << gic.cid_bits));
	/* RDbase past the last redistributor. */
	EXPECT_TRUE(cmd_mapc(2, gic.nr_cpus));
	EXPECT_TRUE(its_cmd(0x05, 0, (u64)gic.nr_cpus << 16, 0));
	/* GICv4 and unknown opcodes. */
	for (i = 0; i < ARRAY_SIZE(gicv4); i++)
		EXPECT_TRUE(its_cmd(gicv4[i], 0, 0, 0));
	EXPECT_TRUE(its_cmd(0xff, 0, 0, 0));
	EXPECT_FALSE(its_stalled());
	/* None of them did anything; a good command right after does. */
	EXPECT_FALSE(lpi_pending(LPI_BASE + 7));
	map_and_fire(DEV_GOOD, LPI_BASE + 7);
	EXPECT_TRUE(lpi_pending(LPI_BASE + 7));
	EXPECT_TRUE(cmd_mapd(DEV_GOOD, 0, 0, false));
	EXPECT_TRUE(cmd_sync());
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(itt >> 12));
}

/* ---- attacks on another CPU's redistributor ------------------------------------------ */

/* PENDBASER at a donated page: EnableLPIs is dropped (control: a host page enables). */
TEST(gic_lpis_pendbaser_in_donated_page_refused)
{
	u64 victim = alloc_aligned(1, 0x10000), pend = alloc_aligned(1, 0x10000);
	u64 rd = gic.rd[1];

	ASSERT_TRUE(gic.lpis_on);
	if (!rd)
		SKIP(return, "one CPU: no other redistributor");
	ASSERT_NE(0u, victim);
	ASSERT_NE(0u, pend);
	ASSERT_EQ(0u, mmio_rd32(rd + GICR_CTLR) & 1);
	gic_phys_arm("gic-pend-donated", victim + LPI_BASE / 8);
	ASSERT_EQ(0, donate(victim));
	/* The configuration table is ours (pinned once already), the pending table not. */
	mmio_wr64(rd + GICR_PROPBASER, gic.prop | RAWAWB_INNER | PROP_IDBITS);
	mmio_wr64(rd + GICR_PENDBASER, victim | RAWAWB_INNER);
	mmio_wr32(rd + GICR_CTLR, 1);
	EXPECT_EQ(0u, mmio_rd32(rd + GICR_CTLR) & 1);
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(victim >> 12));
	gic_phys_read(_metadata, "gic-pend-donated", victim + LPI_BASE / 8);
	/* The carve-out as the configuration table: refused too. */
	{
		u64 base, size;

		ASSERT_EQ(0, find_carveout(&base, &size));
		mmio_wr64(rd + GICR_PROPBASER, base | RAWAWB_INNER | PROP_IDBITS);
		mmio_wr64(rd + GICR_PENDBASER, pend | RAWAWB_INNER);
		mmio_wr32(rd + GICR_CTLR, 1);
		EXPECT_EQ(0u, mmio_rd32(rd + GICR_CTLR) & 1);
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pend >> 12));
	}
	/* Control: host pages enable LPIs and are pinned. */
	mmio_wr64(rd + GICR_PROPBASER, gic.prop | RAWAWB_INNER | PROP_IDBITS);
	mmio_wr64(rd + GICR_PENDBASER, pend | RAWAWB_INNER);
	mmio_wr32(rd + GICR_CTLR, 1);
	EXPECT_EQ(1u, mmio_rd32(rd + GICR_CTLR) & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(pend >> 12));
	EXPECT_EQ(ABI_EBUSY, donate(pend));
	/* QEMU lets EnableLPIs go back to 0: the pending table is unpinned, the shared one not. */
	mmio_wr32(rd + GICR_CTLR, 0);
	if (!(mmio_rd32(rd + GICR_CTLR) & 1)) {
		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pend >> 12));
		EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, page_state(gic.prop >> 12));
	} else {
		TH_LOG("EnableLPIs stays 1 on this GIC: the tables stay pinned");
	}
	EXPECT_EQ(0, reclaim(victim));
}
