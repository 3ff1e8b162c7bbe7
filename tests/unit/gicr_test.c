// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/gic/gicr.c against the redistributors of the software GIC in
 * lib/gic_model.c (IHI 0069 5.1, 12.11): the real emulation of each RD_base
 * page, hyp/mem_protect pins and hyp/mmio regions. The model checks that
 * EnableLPIs reaches it only with both LPI tables pinned host RAM and that
 * PROPBASER/PENDBASER never change under a redistributor that uses them;
 * each test ends with no broken promise counted and what is in use pinned.
 *
 * One machine for the program: 8 MiB of host RAM at its physical address,
 * the carve-out in its last MiB, four redistributors; each test uses its own
 * redistributor and table pages.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_FIXED_NOREPLACE */
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/gic_model.h"
#include "lib/heap_pages.h"
#include <gic/regs.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>
#include <uapi/isohyp.h>

#define RAM 0x40000000ull
#define RAM_SIZE (8ull << 20)
#define CARVE (RAM + (7ull << 20))
#define CARVE_SIZE (1ull << 20)
#define IA_BITS 40
#define PROP_BITS 15 /* PROPBASER.IDbits: 16-bit INTIDs, 56 KiB and 8 KiB tables */

u64 fake_timer_ticks;

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };
static struct hyp_pool pool;

static int map_device(u64 pa, u64 size)
{
	return 0;
}

/* Boot once: host stage-2 over real memory, carve-out, then gicr.c's init. */
static bool machine_up(void)
{
	static struct boot_info bi;
	static bool done, ok;
	struct hyp_driver_env env = { &bi, &pool, IA_BITS, map_device };
	const struct boot_mem_range ram = { RAM, RAM_SIZE };
	const struct hyp_driver *d;

	if (done)
		return ok;
	done = true;
	if (mmap((void *)(uintptr_t)RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)(uintptr_t)RAM)
		return false;
	hyp_pool_init(&pool, CARVE, CARVE_SIZE / 4096);
	gic_model_reset();
	bi.gicd_base = GIC_MODEL_GICD;
	bi.gicr_base = GIC_MODEL_GICR;
	bi.gicr_size = 4 * GICR_FRAME_SIZE;
	bi.nr_cpus = 4;
	bi.nr_its = 1; /* gicr.c mediates LPIs only where an ITS exists */
	if (host_stage2_init(&ram, 1, IA_BITS, &heap_mm_ops, NULL, &mp_ops) ||
	    host_stage2_protect_hyp(CARVE, CARVE_SIZE))
		return false;
	for (d = __start_hyp_device_drivers; d < __stop_hyp_device_drivers; d++)
		if (!strcmp(d->name, "gicr") && d->init(&env))
			return false;
	ok = hyp_mmio_find(GIC_MODEL_GICR) != NULL;
	return ok;
}

static int rd_write(unsigned int rd, u64 off, unsigned int size, u64 val)
{
	struct hyp_mmio_region *r = hyp_mmio_find(GIC_MODEL_GICR + rd * GICR_FRAME_SIZE);

	return r->ops->write(r->priv, off, size, val);
}

/* Redistributor @rd's tables: host pages of its own (64 KiB aligned for PENDBASER). */
static u64 prop_of(unsigned int rd)
{
	return RAM + rd * 0x40000;
}

static u64 pend_of(unsigned int rd)
{
	return RAM + rd * 0x40000 + 0x20000;
}

static void set_tables(unsigned int rd, u64 prop, u64 pend)
{
	rd_write(rd, GICR_PROPBASER, 8, prop | PROP_BITS);
	rd_write(rd, GICR_PENDBASER, 8, pend);
}

FIXTURE(gicr)
{
	int unused;
};

FIXTURE_SETUP(gicr)
{
	if (!machine_up())
		SKIP(return, "cannot map host RAM at %llx or bring the redistributors up", RAM);
}

FIXTURE_TEARDOWN(gicr)
{
	EXPECT_TRUE(gic_model_tables_in_use_pinned("at the end of the test"));
	EXPECT_EQ(0U, gic_model.nr_bad);
}

/* EnableLPIs with host tables: both pinned while enabled, released after a disable. */
TEST_F(gicr, enable_pins_both_tables_and_disable_releases_them)
{
	set_tables(0, prop_of(0), pend_of(0));
	ASSERT_EQ(0, rd_write(0, GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS));
	EXPECT_EQ(1U, gic_model.rd[0].ctlr & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(prop_of(0) >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state((prop_of(0) + 0xd000) >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(pend_of(0) >> 12));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(pend_of(0) >> 12, 1));
	ASSERT_EQ(0, rd_write(0, GICR_CTLR, 4, 0));
	EXPECT_EQ(0U, gic_model.rd[0].ctlr & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(prop_of(0) >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pend_of(0) >> 12));
}

/* A table in the carve-out: EnableLPIs never reaches the redistributor, nothing stays pinned. */
TEST_F(gicr, tables_in_the_carveout_are_refused)
{
	set_tables(1, CARVE, pend_of(1));
	ASSERT_EQ(0, rd_write(1, GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS));
	EXPECT_EQ(0U, gic_model.rd[1].ctlr & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(pend_of(1) >> 12));
	/* The same with a 64-bit store over GICR_CTLR and GICR_IIDR. */
	ASSERT_EQ(0, rd_write(1, GICR_CTLR, 8, GICR_CTLR_ENABLE_LPIS));
	EXPECT_EQ(0U, gic_model.rd[1].ctlr & 1);
	/* Control: host tables, the 64-bit store enables. */
	set_tables(1, prop_of(1), pend_of(1));
	ASSERT_EQ(0, rd_write(1, GICR_CTLR, 8, GICR_CTLR_ENABLE_LPIS));
	EXPECT_EQ(1U, gic_model.rd[1].ctlr & 1);
	ASSERT_EQ(0, rd_write(1, GICR_CTLR, 4, 0));
}

/* While enabled, PROPBASER/PENDBASER ignore the host (also as 32-bit halves). */
TEST_F(gicr, table_registers_are_read_only_while_enabled)
{
	set_tables(2, prop_of(2), pend_of(2));
	ASSERT_EQ(0, rd_write(2, GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS));
	set_tables(2, CARVE, CARVE);
	ASSERT_EQ(0, rd_write(2, GICR_PROPBASER, 4, (u32)CARVE));
	ASSERT_EQ(0, rd_write(2, GICR_PENDBASER + 4, 4, 1));
	EXPECT_EQ(prop_of(2) | PROP_BITS, gic_model.rd[2].propbaser);
	EXPECT_EQ(pend_of(2), gic_model.rd[2].pendbaser);
	ASSERT_EQ(0, rd_write(2, GICR_CTLR, 4, 0));
	/* Disabled: written again. */
	ASSERT_EQ(0, rd_write(2, GICR_PENDBASER, 8, pend_of(2) + 0x10000));
	EXPECT_EQ(pend_of(2) + 0x10000, gic_model.rd[2].pendbaser);
}

/*
 * A disable whose RWP never clears: the tables stay pinned, the table
 * registers stay read-only (EnableLPIs reads 0, yet the redistributor may
 * still use them), and enabling again keeps those tables.
 */
TEST_F(gicr, a_disable_that_never_completes_keeps_the_tables)
{
	set_tables(3, prop_of(3), pend_of(3));
	ASSERT_EQ(0, rd_write(3, GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS));
	gic_model.rd_rwp_reads = ~0u;
	ASSERT_EQ(0, rd_write(3, GICR_CTLR, 4, 0));
	gic_model.rd_rwp_reads = 0;
	EXPECT_TRUE(gic_model.rd[3].in_use);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(pend_of(3) >> 12));
	set_tables(3, CARVE, CARVE);
	EXPECT_EQ(prop_of(3) | PROP_BITS, gic_model.rd[3].propbaser);
	ASSERT_EQ(0, rd_write(3, GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS));
	EXPECT_EQ(1U, gic_model.rd[3].ctlr & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(prop_of(3) >> 12));
}

TEST_HARNESS_MAIN
