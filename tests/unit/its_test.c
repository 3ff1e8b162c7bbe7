// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/gic/its.c against the software GIC of lib/gic_model.c (GICv3 spec
 * IHI 0069, 12.19 and 5.3): the real register emulation, command-queue
 * processing, hyp/mem_protect pins and hyp/mmio regions, with the model in
 * place of the hardware. The model consumes the hypervisor's command queue
 * and checks on every command what the mediation promises (its queue and
 * tables in hypervisor memory, no reserved bit set, identifiers in range,
 * every ITT pinned host RAM from its MAPD until the MAPD that unmaps it has
 * been consumed); each test ends with no broken promise counted.
 *
 * Host RAM is real memory here: 8 MiB mapped at its own physical address,
 * because its.c reads the host's queue through the identity map; the
 * hypervisor's page pool is the carve-out in its last MiB.
 */
#define _GNU_SOURCE /* MAP_ANONYMOUS, MAP_FIXED_NOREPLACE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "lib/gic_model.h"
#include "lib/heap_pages.h"
#include "lib/uart_record.h"
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/lock.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>
#include <uapi/isohyp.h>

#define RAM 0x40000000ull
#define RAM_SIZE (8ull << 20)
#define CARVE (RAM + (7ull << 20))
#define CARVE_SIZE (1ull << 20)
#define IA_BITS 40
#define ITS_PA GIC_MODEL_ITS
#define GICD_PA GIC_MODEL_GICD
#define POOL_PAGES 256 /* the carve-out */
#define ITE_SIZE GIC_MODEL_ITE_SIZE
#define M(h, l) ((~0ULL >> (63 - (h))) & (~0ULL << (l)))

u64 fake_timer_ticks;

static bool in_host_ram(u64 pa)
{
	return pa >= RAM && pa < RAM + RAM_SIZE && (pa < CARVE || pa >= CARVE + CARVE_SIZE);
}

/* ---- the machine ----------------------------------------------------------------- */

static void zero_pages(phys_addr_t pa, u64 size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

static const struct mem_protect_ops mp_ops = { .zero_pages = zero_pages };
static struct hyp_pool pool;
static struct hyp_mmio_region *its;
static u64 next_page = RAM;

static int map_device(u64 pa, u64 size)
{
	return 0;
}

/* Boot once: host stage-2 over real memory, carve-out, then its.c's init. */
static bool machine_up(void)
{
	static struct boot_info bi;
	static bool done, ok;
	struct hyp_driver_env env = { &bi, &pool, IA_BITS, map_device };
	const struct hyp_driver *d;
	const struct boot_mem_range ram = { RAM, RAM_SIZE };
	void *p;

	if (done)
		return ok;
	done = true;
	p = mmap((void *)(uintptr_t)RAM, RAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)(uintptr_t)RAM)
		return false;
	hyp_pool_init(&pool, CARVE, POOL_PAGES);
	gic_model_reset();
	bi.gicd_base = GICD_PA;
	bi.nr_cpus = 4;
	bi.nr_its = 1;
	bi.its[0] = (struct boot_mem_range){ ITS_PA, 0x20000 };
	if (host_stage2_init(&ram, 1, IA_BITS, &heap_mm_ops, NULL, &mp_ops) ||
	    host_stage2_protect_hyp(CARVE, CARVE_SIZE))
		return false;
	for (d = __start_hyp_device_drivers; d < __stop_hyp_device_drivers; d++)
		if (!strcmp(d->name, "gic_its") && d->init(&env))
			return false;
	its = hyp_mmio_find(ITS_PA);
	ok = its != NULL;
	return ok;
}

/* A zeroed host page of our own. */
static u64 host_page(void)
{
	u64 pa = next_page;

	next_page += 4096;
	memset((void *)(uintptr_t)pa, 0, 4096);
	return pa;
}

static u64 its_rd(u64 off, unsigned int size)
{
	u64 v = 0;

	its->ops->read(its->priv, off, size, &v);
	return v;
}

static int its_wr(u64 off, unsigned int size, u64 v)
{
	return its->ops->write(its->priv, off, size, v);
}

/* The host's queue: one page (or @pages) at a host page; the ITS enabled. */
static struct {
	u64 base, size, cwriter;
} q;

static void host_queue(u64 base, unsigned int pages)
{
	its_wr(0x0, 4, 0);
	q.base = base, q.size = pages * 4096ULL, q.cwriter = 0;
	its_wr(0x80, 8, 1ULL << 63 | base | (pages - 1));
	its_wr(0x0, 4, 1);
}

/* Write one command (no publish). */
static void put(u64 d0, u64 d1, u64 d2, u64 d3)
{
	u64 *s = (u64 *)(uintptr_t)(q.base + q.cwriter);

	s[0] = d0, s[1] = d1, s[2] = d2, s[3] = d3;
	q.cwriter = (q.cwriter + 32) % q.size;
}

/* Publish what was written; true when GITS_CREADR caught up. */
static bool publish(void)
{
	its_wr(0x88, 8, q.cwriter);
	return its_rd(0x90, 8) == q.cwriter;
}

static bool cmd(u64 d0, u64 d1, u64 d2, u64 d3)
{
	put(d0, d1, d2, d3);
	return publish();
}

/* Commands with every reserved bit the host can set, set. */
#define MAPD(dev, itt, size, v) cmd(0x08 | M(31, 8) | (u64)(dev) << 32, M(63, 5) | (size), \
				    (itt) | M(62, 52) | M(7, 0) | (u64)(v) << 63, ~0ULL)
#define MAPTI(dev, ev, intid) cmd(0x0a | M(31, 8) | (u64)(dev) << 32, (ev) | (u64)(intid) << 32, \
				  M(63, 16), ~0ULL)
#define SYNC() cmd(0x05 | M(63, 8), ~0ULL, M(63, 52) | M(15, 0), ~0ULL)

FIXTURE(its)
{
	unsigned int cmds, writes; /* the model's counts before the test */
};

FIXTURE_SETUP(its)
{
	if (!machine_up())
		SKIP(return, "cannot map host RAM at %llx or bring the ITS up", RAM);
	self->cmds = gic_model.nr_cmds;
	self->writes = gic_model.itt_writes;
}

/* Whatever a test did, the model saw no broken promise. */
FIXTURE_TEARDOWN(its)
{
	EXPECT_EQ(0U, gic_model.nr_bad);
}

/* The control frame is the hypervisor's (emulated), GITS_TRANSLATER stays the host's. */
TEST_F(its, frames_and_host_view_of_typer)
{
	u64 typer = its_rd(0x8, 8);

	EXPECT_EQ(ISOHYP_PAGE_MMIO_HYP, __pkvm_host_page_state(ITS_PA >> 12));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, __pkvm_host_page_state((ITS_PA + 0x10000) >> 12));
	EXPECT_EQ(1ULL, typer & 3); /* physical only */
	EXPECT_EQ((u64)(ITE_SIZE - 1), (typer >> 4) & 0xf);
	EXPECT_EQ(1ULL, (typer >> 36) & 1); /* CIL */
	EXPECT_EQ(8ULL, (typer >> 32) & 0xf); /* 512 collections in one 4 KiB page */
	EXPECT_EQ((u32)typer, its_rd(0x8, 4));
	EXPECT_EQ(typer >> 32, its_rd(0xc, 4));
	/* The model's queue and tables: hypervisor memory, never host RAM. */
	EXPECT_FALSE(in_host_ram(gic_model.cbaser & M(51, 12)));
	EXPECT_FALSE(in_host_ram(gic_model.baser[0] & M(47, 12)));
	EXPECT_EQ(-EINVAL, its->ops->read(its->priv, 0x0, 2, &typer));
	EXPECT_EQ(-EINVAL, its->ops->write(its->priv, 0x88, 1, 0));
}

/* Good commands reach the model rebuilt; the ITT is pinned while the model writes it. */
TEST_F(its, commands_reach_the_model_rebuilt_and_pinned)
{
	u64 itt = host_page();

	host_queue(host_page(), 1);
	ASSERT_TRUE(cmd(0x09, 0, 1ULL << 63, 0)); /* MAPC ICID 0 -> 0 */
	ASSERT_TRUE(MAPD(0x10, itt, 4, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(itt >> 12));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(itt >> 12, 1));
	ASSERT_TRUE(MAPTI(0x10, 3, 8192));
	ASSERT_TRUE(SYNC());
	EXPECT_EQ(self->cmds + 4, gic_model.nr_cmds);
	EXPECT_EQ(self->writes + 1, gic_model.itt_writes);
	EXPECT_EQ(0xa5, ((u8 *)(uintptr_t)itt)[3 * ITE_SIZE]);
	ASSERT_TRUE(cmd(0x0f | 0x10ULL << 32, 3, 0, 0)); /* DISCARD */
	ASSERT_TRUE(MAPD(0x10, 0, 0, 0));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(itt >> 12));
	EXPECT_EQ(self->cmds + 6, gic_model.nr_cmds);
}

/* A MAPD naming a donated page, the carve-out, MMIO or hypervisor memory never reaches the model. */
TEST_F(its, bad_itts_are_never_queued)
{
	u64 donated = host_page();
	u64 itts[] = { donated, CARVE, CARVE - 256, RAM + RAM_SIZE, 0x09000000,
		       gic_model.cbaser & M(51, 12) };
	unsigned int i;

	host_queue(host_page(), 1);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(donated >> 12, 1));
	for (i = 0; i < ARRAY_SIZE(itts); i++) {
		u64 before = gic_model.nr_cmds;

		EXPECT_TRUE(MAPD(0x20 + i, itts[i], 4, 1)); /* the queue moves on */
		EXPECT_TRUE(MAPTI(0x20 + i, 0, 8192));
		EXPECT_EQ(before, gic_model.nr_cmds);
	}
	EXPECT_EQ(self->writes, gic_model.itt_writes);
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, __pkvm_host_page_state(donated >> 12));
	EXPECT_EQ(0, __pkvm_host_reclaim(donated >> 12, 1));
}

/*
 * A refusal is logged under the ITS region's lock and host_mmu.lock (a trap
 * through hyp_mmio_emulate()): it reaches the UART (the real console,
 * lib/uart_record.c) only after both are released.
 */
TEST_F(its, a_refusal_is_written_after_the_locks)
{
	struct mmio_access acc = { .size = 8, .srt = 1, .write = true, .sf = true };
	u64 donated = host_page(), regs[31] = { 0 };
	u64 *s;

	host_queue(host_page(), 1);
	ASSERT_EQ(0, __pkvm_host_donate_hyp(donated >> 12, 1));
	uart_record_reset();
	s = (u64 *)(uintptr_t)(q.base + q.cwriter);
	s[0] = 0x08 | 0x30ULL << 32, s[1] = 4, s[2] = donated | 1ULL << 63, s[3] = 0; /* MAPD */
	q.cwriter = (q.cwriter + 32) % q.size;
	regs[1] = q.cwriter;
	EXPECT_EQ(0, hyp_mmio_emulate(its, ITS_PA + 0x88, &acc, regs)); /* GITS_CWRITER */
	EXPECT_EQ(q.cwriter, its_rd(0x90, 8));
	EXPECT_TRUE(uart_record_has("host command 08"));
	EXPECT_TRUE(uart_record_has("refused"));
	EXPECT_EQ(0u, uart_rec.under_lock);
	EXPECT_EQ(0u, hyp_lock_nr_held());
	EXPECT_EQ(0, __pkvm_host_reclaim(donated >> 12, 1));
}

/* GITS_CREADR and GITS_CWRITER wrap; more commands at once than the hypervisor's queue holds. */
TEST_F(its, queue_wraps_and_long_batches_split)
{
	unsigned int i, n;

	host_queue(host_page(), 2);
	host_page();
	for (n = 0; n < 3; n++) {
		for (i = 0; i < 200; i++) /* 200 > the 127 slots the hypervisor's queue has */
			put(0x05, 0, 0, 0);
		EXPECT_TRUE(publish());
	}
	EXPECT_EQ(self->cmds + 600, gic_model.nr_cmds);
	EXPECT_EQ((600 * 32) % (2 * 4096ULL), its_rd(0x90, 8));
	/* The low word alone publishes too; the high word alone does not. */
	put(0x05, 0, 0, 0);
	its_wr(0x88, 4, q.cwriter);
	EXPECT_EQ(q.cwriter, its_rd(0x90, 8));
	put(0x05, 0, 0, 0);
	its_wr(0x8c, 4, 0);
	EXPECT_NE(q.cwriter, its_rd(0x90, 8));
	EXPECT_TRUE(publish());
	EXPECT_EQ(self->cmds + 602, gic_model.nr_cmds);
}

/* A queue outside host RAM stalls (GITS_CREADR.Stalled); the model reads nothing. */
TEST_F(its, queue_outside_host_ram_stalls)
{
	u64 donated = host_page(), bases[] = { CARVE, donated, 0x09000000 };
	unsigned int i;

	ASSERT_EQ(0, __pkvm_host_donate_hyp(donated >> 12, 1));
	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		host_queue(bases[i], 1);
		its_wr(0x88, 8, 32);
		EXPECT_EQ(1ULL, its_rd(0x90, 8) & 1);
		EXPECT_EQ(self->cmds, gic_model.nr_cmds);
	}
	/* A queue whose second page is the carve-out. */
	host_queue(CARVE - 4096, 2);
	its_wr(0x88, 8, 32);
	EXPECT_EQ(1ULL, its_rd(0x90, 8) & 1);
	/* A good CBASER (written while disabled) restarts it. */
	host_queue(host_page(), 1);
	EXPECT_EQ(0ULL, its_rd(0x90, 8));
	EXPECT_TRUE(SYNC());
	EXPECT_EQ(self->cmds + 1, gic_model.nr_cmds);
	EXPECT_EQ(0, __pkvm_host_reclaim(donated >> 12, 1));
}

/* A GITS_CWRITER past the end of the host's queue stalls rather than wrap or read past it. */
TEST_F(its, cwriter_past_the_queue_stalls)
{
	host_queue(host_page(), 1);
	its_wr(0x88, 8, 4096);
	EXPECT_EQ(1ULL, its_rd(0x90, 8) & 1);
	EXPECT_EQ(self->cmds, gic_model.nr_cmds);
	/* Until the queue is reset, nothing runs -- not even a good CWRITER. */
	put(0x05, 0, 0, 0);
	EXPECT_FALSE(publish());
	EXPECT_EQ(self->cmds, gic_model.nr_cmds);
	host_queue(host_page(), 1);
	EXPECT_TRUE(SYNC());
	EXPECT_EQ(self->cmds + 1, gic_model.nr_cmds);
}

/* GITS_CBASER and GITS_BASERn are read-only while enabled; BASERn keep Type and Entry_Size. */
TEST_F(its, registers_writable_only_while_disabled)
{
	u64 page = host_page(), cbaser, baser0;

	host_queue(page, 1);
	cbaser = its_rd(0x80, 8);
	its_wr(0x80, 8, 1ULL << 63 | host_page());
	EXPECT_EQ(cbaser, its_rd(0x80, 8));
	baser0 = its_rd(0x100, 8);
	its_wr(0x100, 8, ~0ULL);
	EXPECT_EQ(baser0, its_rd(0x100, 8));
	its_wr(0x0, 4, 0);
	its_wr(0x100, 8, 0);
	EXPECT_EQ(baser0 & (M(58, 56) | M(52, 48)), its_rd(0x100, 8));
	its_wr(0x104, 4, 0x80000000); /* Valid, through the high word */
	EXPECT_EQ(1ULL, its_rd(0x100, 8) >> 63);
	/* The host's BASERn never reach the hardware. */
	EXPECT_FALSE(in_host_ram(gic_model.baser[0] & M(47, 12)));
	/* RES0 offsets: RAZ/WI. */
	EXPECT_EQ(0, its_wr(0x40, 4, ~0U));
	EXPECT_EQ(0ULL, its_rd(0x40, 4));
	its_wr(0x0, 4, 1);
}

/* Disabling and enabling again (CBASER rewritten inside) runs no old command twice. */
TEST_F(its, reenable_replays_nothing)
{
	u64 itt = host_page();

	host_queue(host_page(), 1);
	ASSERT_TRUE(MAPD(0x30, itt, 2, 1));
	ASSERT_TRUE(MAPTI(0x30, 1, 8200));
	ASSERT_TRUE(MAPD(0x30, 0, 0, 0));
	ASSERT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(itt >> 12));
	/* The old ITT goes to the hypervisor: a replayed MAPTI would write it. */
	ASSERT_EQ(0, __pkvm_host_donate_hyp(itt >> 12, 1));
	its_wr(0x0, 4, 0);
	its_wr(0x0, 4, 1);
	EXPECT_EQ(self->cmds + 3, gic_model.nr_cmds);
	EXPECT_TRUE(SYNC());
	EXPECT_EQ(self->cmds + 4, gic_model.nr_cmds);
	EXPECT_EQ(0, __pkvm_host_reclaim(itt >> 12, 1));
}

/* A remap pins the new ITT before the old one is let go, after the model consumed it. */
TEST_F(its, remap_moves_the_pin_after_the_model)
{
	u64 a = host_page(), b = host_page();

	host_queue(host_page(), 1);
	ASSERT_TRUE(MAPD(0x40, a, 2, 1));
	ASSERT_TRUE(MAPD(0x40, b, 2, 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(a >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(b >> 12));
	/* Both in one batch: unmap then map the same ITT again, the pin survives. */
	put(0x08 | 0x40ULL << 32, 0, 0, 0);
	put(0x08 | 0x40ULL << 32, 1, b | 1ULL << 63, 0);
	ASSERT_TRUE(publish());
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(b >> 12));
	ASSERT_TRUE(MAPD(0x40, 0, 0, 0));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, __pkvm_host_page_state(b >> 12));
}

/*
 * MAPD V=0 of a device never mapped changes nothing and is not queued: on a
 * two-level device table it names no level-2 page, a command error (the
 * model counts it) on which an ITS may stall its queue (5.3.1).
 */
TEST_F(its, unmap_of_an_unmapped_device_is_not_queued)
{
	host_queue(host_page(), 1);
	ASSERT_TRUE(MAPD(0x7000, 0, 0, 0));
	EXPECT_EQ(self->cmds, gic_model.nr_cmds);
	ASSERT_TRUE(SYNC());
	EXPECT_EQ(self->cmds + 1, gic_model.nr_cmds);
}

/*
 * A wedged ITS: the queue stalls and the ITT of a MAPD V=0 stays pinned for
 * good. It cost one wait (ITS_POLL_TIMEOUT_US, 100000 fake ticks) under the
 * ITS's lock, once: a new queue and new commands stall at once, without
 * another wait, and reach nothing. (The last test: the ITS stays wedged.)
 */
TEST_F(its, wedged_its_keeps_the_itt_pinned_and_is_not_waited_on_again)
{
	u64 itt = host_page(), ticks;
	unsigned int cmds;

	host_queue(host_page(), 1);
	ASSERT_TRUE(MAPD(0x50, itt, 2, 1));
	gic_model.its_hold = true;
	ticks = fake_timer_ticks;
	EXPECT_FALSE(MAPD(0x50, 0, 0, 0));
	EXPECT_GE(fake_timer_ticks - ticks, 100000ull);
	EXPECT_EQ(1ULL, its_rd(0x90, 8) & 1);
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(itt >> 12));
	EXPECT_EQ(-EBUSY, __pkvm_host_donate_hyp(itt >> 12, 1));
	cmds = gic_model.nr_cmds;
	ticks = fake_timer_ticks;
	host_queue(host_page(), 1); /* disable, a new queue, enable */
	EXPECT_FALSE(MAPD(0x51, host_page(), 2, 1));
	EXPECT_FALSE(SYNC());
	EXPECT_EQ(1ULL, its_rd(0x90, 8) & 1); /* GITS_CREADR.Stalled */
	EXPECT_LT(fake_timer_ticks - ticks, 1000ull);
	gic_model.its_hold = false;
	gic_model_its_process();
	EXPECT_EQ(ISOHYP_PAGE_HOST_PINNED, __pkvm_host_page_state(itt >> 12));
	EXPECT_EQ(cmds, gic_model.nr_cmds); /* nothing queued after the wedge reached it */
}

TEST_HARNESS_MAIN
