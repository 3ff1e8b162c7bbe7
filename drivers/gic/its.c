// SPDX-License-Identifier: GPL-2.0-only
/*
 * GICv3 ITS mediation (ARCHITECTURE.md section 9; GICv3 spec IHI 0069,
 * chapter 5 "Locality-specific Peripheral Interrupts and the ITS", 12.19
 * "The GIC ITS control registers").
 *
 * The host sees a conforming ITS in the control frame (the first 64 KiB),
 * emulated here; the translation frame (GITS_TRANSLATER) stays the host's
 * and reachable by DMA, so MSIs never trap. The physical ITS is programmed
 * only by the hypervisor:
 *  - its device and collection tables are hypervisor memory; the host's
 *    GITS_BASERn hold whatever it writes and are never given to the ITS;
 *  - its command queue is hypervisor memory; on a host write of GITS_CWRITER
 *    each new command is read from the host's queue, checked and rebuilt
 *    (its_cmd.c), and only then queued; a failed command is dropped and
 *    logged (5.3.1 lets an ITS ignore it), and the host's GITS_CREADR moves
 *    past it;
 *  - a MAPD's ITT, which the ITS writes, must be host RAM and is pinned
 *    until the device is unmapped or remapped and the ITS has done so.
 * Commands are processed synchronously: the host's GITS_CREADR reaches its
 * GITS_CWRITER before the write returns (or the ITS timed out, which stalls
 * the emulated queue: GITS_CREADR.Stalled). An ITS that once did not finish
 * its commands is wedged: it is never waited on again (each wait would hold
 * this ITS's lock for ITS_POLL_TIMEOUT_US), and every later batch stalls at
 * once.
 *
 * Not done: GICv4 (hidden: GITS_TYPER.Virtual and the vPE table read as
 * absent), an ITS with GITS_TYPER.PTA = 1 (refused), non-coherent ITSes
 * (the tables are written with caches on and cleaned to the PoC, but their
 * shareability is not read back).
 */
#include <string.h>

#include <asm/barrier.h>
#include <asm/cache.h>
#include <asm/io.h>
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>

#include "its.h"

#define ITS_POLL_TIMEOUT_US 100000
#define ITS_TABLE_PAGE SZ_4K
/* Commands handed to the ITS at once: our queue is one page, less one slot. */
#define ITS_BATCH_MAX (SZ_4K / ITS_CMD_SIZE)

static struct gic_its its_devs[BOOT_INFO_MAX_ITS];
static unsigned int nr_its;

static u64 its_readq(struct gic_its *its, u64 off)
{
	return readq_relaxed(its->base + off);
}

static void its_writeq(struct gic_its *its, u64 off, u64 val)
{
	writeq_relaxed(val, its->base + off);
}

/* ---- the physical ITS ---------------------------------------------------- */

static int its_wait(struct gic_its *its, bool (*done)(struct gic_its *))
{
	hyp_deadline_t d = hyp_deadline_us(ITS_POLL_TIMEOUT_US);

	while (!done(its))
		if (hyp_deadline_passed(d))
			return -ETIMEDOUT;
	return 0;
}

static bool its_quiescent(struct gic_its *its)
{
	return readl_relaxed(its->base + GITS_CTLR) & GITS_CTLR_QUIESCENT;
}

static bool its_caught_up(struct gic_its *its)
{
	u64 creadr = its_readq(its, GITS_CREADR);

	return FIELD_GET(GITS_CQ_OFFSET, creadr) << 5 == its->hw_cwriter ||
	       (creadr & GITS_CREADR_STALLED);
}

/*
 * Give the ITS a table of @pages pages of @esz-byte entries for BASER @n,
 * 4 KiB pages, Inner-shareable write-back; indirect if asked and the ITS
 * keeps the bit. Returns the table, or NULL when the pool is dry.
 */
static u64 *its_table_alloc(struct gic_its *its, unsigned int n, const struct hyp_driver_env *env,
			    u64 pages, bool indirect)
{
	u64 val = its_readq(its, GITS_BASER(n)), *table;

	val &= GITS_BASER_TYPE | GITS_BASER_ENTRY_SIZE;
	val |= FIELD_PREP(GITS_BASER_INNERCACHE, GIC_CACHE_RAWAWB) |
	       FIELD_PREP(GITS_BASER_SHAREABILITY, GIC_SHARE_INNER) |
	       FIELD_PREP(GITS_BASER_PAGE_SIZE, 0) | FIELD_PREP(GITS_BASER_SIZE, pages - 1);
	if (indirect) {
		its_writeq(its, GITS_BASER(n), val | GITS_BASER_INDIRECT);
		its->dev_indirect = its_readq(its, GITS_BASER(n)) & GITS_BASER_INDIRECT;
		if (its->dev_indirect)
			val |= GITS_BASER_INDIRECT;
	}
	table = hyp_alloc_pages_contig(env->pool, pages);
	if (!table)
		return NULL;
	dcache_clean_poc(table, pages * ITS_TABLE_PAGE);
	its_writeq(its, GITS_BASER(n), val | GITS_BASER_VALID | (u64)(uintptr_t)table);
	return table;
}

static int its_tables_init(struct gic_its *its, const struct hyp_driver_env *env)
{
	u64 dev_ids, pages;
	unsigned int n;

	for (n = 0; n < GITS_BASER_NR; n++) {
		u64 val = its_readq(its, GITS_BASER(n));
		u64 type = FIELD_GET(GITS_BASER_TYPE, val);
		u64 esz = FIELD_GET(GITS_BASER_ENTRY_SIZE, val) + 1;

		if (type != GITS_BASER_TYPE_DEVICE && type != GITS_BASER_TYPE_COLLECTION) {
			/* vPE tables and anything newer: not given, and hidden. */
			its_writeq(its, GITS_BASER(n), val & (GITS_BASER_TYPE | GITS_BASER_ENTRY_SIZE));
			continue;
		}
		its->baser_ro[n] = val & (GITS_BASER_TYPE | GITS_BASER_ENTRY_SIZE);
		/* Our tables are 4 KiB pages: an ITS that only takes larger ones is refused. */
		its_writeq(its, GITS_BASER(n), its->baser_ro[n] | FIELD_PREP(GITS_BASER_PAGE_SIZE, 0));
		if (FIELD_GET(GITS_BASER_PAGE_SIZE, its_readq(its, GITS_BASER(n)))) {
			pr_err("its@%lx: GITS_BASER%u does not take 4 KiB pages\n",
			       (unsigned long)its->region.base, n);
			return -ENODEV;
		}
		if (type == GITS_BASER_TYPE_COLLECTION) {
			/* One page: ICIDs beyond it are refused (its_cmd.c). */
			if (!its_table_alloc(its, n, env, 1, false))
				return -ENOMEM;
			its->lim.nr_collections = ITS_TABLE_PAGE / esz;
			continue;
		}
		its->dte_size = esz;
		its->dev_page_size = ITS_TABLE_PAGE;
		/* Indirect: a level-1 table, level-2 pages as devices are mapped. */
		dev_ids = BIT(its->lim.devid_bits);
		pages = ALIGN_UP((dev_ids + ITS_TABLE_PAGE / esz - 1) / (ITS_TABLE_PAGE / esz) * 8,
				 ITS_TABLE_PAGE) / ITS_TABLE_PAGE;
		its->dev_l1 = its_table_alloc(its, n, env, pages, true);
		if (its->dev_l1 && !its->dev_indirect) {
			/* A flat table for every DeviceID would be too big: cap them. */
			its->lim.devid_bits = 0;
			while (BIT(its->lim.devid_bits + 1) * esz <= pages * ITS_TABLE_PAGE)
				its->lim.devid_bits++;
		}
		if (!its->dev_l1)
			return -ENOMEM;
	}
	if (!its->dev_l1 || !its->lim.nr_collections)
		return -ENODEV;
	return 0;
}

/* The level-2 page of the device table that holds @devid, made when missing. */
static int its_dev_table_prepare(struct gic_its *its, struct hyp_pool *pool, u32 devid)
{
	u64 per_page = its->dev_page_size / its->dte_size, idx = devid / per_page;
	void *l2;

	if (!its->dev_indirect || (its->dev_l1[idx] & GITS_L1E_VALID))
		return 0;
	l2 = hyp_alloc_page(pool);
	if (!l2)
		return -ENOMEM;
	dcache_clean_poc(l2, ITS_TABLE_PAGE);
	/* The page is zero before the ITS can see the entry that names it. */
	its->dev_l1[idx] = GITS_L1E_VALID | (u64)(uintptr_t)l2;
	dcache_clean_poc(&its->dev_l1[idx], sizeof(u64));
	return 0;
}

/* ---- the host's commands ------------------------------------------------- */

static struct hyp_pool *its_pool;

/* Deferred unpins: ITTs the ITS may still write until the batch completes. */
struct its_batch {
	unsigned int nr_unpin, nr_queued;
	struct {
		u64 itt, size;
	} unpin[ITS_BATCH_MAX];
};

static void its_refuse(struct gic_its *its, const u64 *host, const char *why)
{
	its->nr_refused++;
	pr_warn("its@%lx: host command %02lx (%016lx %016lx %016lx %016lx) refused: %s\n",
		(unsigned long)its->region.base, (unsigned long)(host[0] & 0xff),
		(unsigned long)host[0], (unsigned long)host[1], (unsigned long)host[2],
		(unsigned long)host[3], why);
}

static void its_device_unmap(struct gic_its *its, struct its_batch *b, u32 devid)
{
	struct its_device *dev = (struct its_device *)its_device_find(its->devs, its->nr_devs,
								     devid);

	if (!dev)
		return;
	b->unpin[b->nr_unpin].itt = dev->itt;
	b->unpin[b->nr_unpin++].size = dev->itt_size;
	*dev = its->devs[--its->nr_devs];
}

/*
 * Check one host command and, if it is good, queue its rebuilt form for the
 * ITS. Caller holds host_mmu.lock (a MAPD pins its ITT under it).
 */
static void its_cmd_queue_locked(struct gic_its *its, struct its_batch *b, const u64 *host)
{
	const char *why;
	struct its_cmd cmd;
	int ret;

	ret = its_cmd_check(&its->lim, its->devs, its->nr_devs, host, &cmd, &why);
	if (!ret && cmd.map) {
		ret = host_stage2_pin_locked(cmd.itt, cmd.itt_size);
		why = ret == -ENOSPC ? "no room to pin the ITT" : "ITT is not host RAM";
		if (!ret && its_dev_table_prepare(its, its_pool, cmd.devid)) {
			host_stage2_unpin_locked(cmd.itt, cmd.itt_size);
			ret = -ENOMEM;
			why = "no memory for the device table";
		}
	}
	if (ret) {
		its_refuse(its, host, why);
		return;
	}
	/*
	 * Unmapping a device that is not mapped changes nothing: done here.
	 * Queued, it could be a command error (no level-2 page of a two-level
	 * device table holds its entry), and an ITS may stall on one (5.3.1).
	 */
	if (cmd.unmap && !its_device_find(its->devs, its->nr_devs, cmd.devid))
		return;
	if (cmd.map || cmd.unmap)
		its_device_unmap(its, b, cmd.devid);
	if (cmd.map)
		its->devs[its->nr_devs++] = (struct its_device){
			.devid = cmd.devid, .event_bits = cmd.event_bits,
			.itt = cmd.itt, .itt_size = cmd.itt_size,
		};
	memcpy(&its->cmdq[its->hw_cwriter / 8], cmd.raw, ITS_CMD_SIZE);
	dcache_clean_poc(&its->cmdq[its->hw_cwriter / 8], ITS_CMD_SIZE);
	its->hw_cwriter = (its->hw_cwriter + ITS_CMD_SIZE) % its->cmdq_size;
	b->nr_queued++;
	its->nr_cmds++;
}

static u64 its_host_queue_size(struct gic_its *its)
{
	return (FIELD_GET(GITS_CBASER_SIZE, its->cbaser) + 1) * SZ_4K;
}

/* Hand the queued commands to the ITS and wait until it has run them. */
static int its_kick(struct gic_its *its, struct its_batch *b)
{
	unsigned int i;
	int ret;

	if (!b->nr_queued)
		return 0;
	if (its->hw_wedged)
		return -ETIMEDOUT; /* nothing queued: no wait on it again */
	dma_wmb(); /* the commands before the write that lets the ITS read them */
	its_writeq(its, GITS_CWRITER, its->hw_cwriter);
	ret = its_wait(its, its_caught_up);
	if (ret || (its_readq(its, GITS_CREADR) & GITS_CREADR_STALLED)) {
		/* The ITS may still use the old ITTs: keep them pinned, for good. */
		its->hw_wedged = true;
		pr_err("its@%lx: the ITS did not complete its commands (%d): wedged, the host's "
		       "queue stalls from now on\n", (unsigned long)its->region.base, ret);
		return -ETIMEDOUT;
	}
	for (i = 0; i < b->nr_unpin; i++)
		host_stage2_unpin(b->unpin[i].itt, b->unpin[i].size);
	b->nr_unpin = b->nr_queued = 0;
	return 0;
}

/* Run the host's queue from GITS_CREADR to GITS_CWRITER. */
static void its_process(struct gic_its *its)
{
	u64 qbase = FIELD_GET(GITS_CBASER_ADDR, its->cbaser) << 12;
	u64 qsize = its_host_queue_size(its), host[4];
	unsigned int room = its->cmdq_size / ITS_CMD_SIZE - 1;
	struct its_batch b = { 0 };

	if (!(its->ctlr & GITS_CTLR_ENABLED) || !(its->cbaser & GITS_CBASER_VALID) ||
	    (its->creadr & GITS_CREADR_STALLED))
		return;
	if (its->hw_wedged) {
		its->creadr |= GITS_CREADR_STALLED; /* at once: see the file header */
		return;
	}
	if (its->cwriter >= qsize) {
		/* An offset past the queue (UNPREDICTABLE): stall rather than guess. */
		pr_warn("its@%lx: GITS_CWRITER %lx is outside the host's queue: stalled\n",
			(unsigned long)its->region.base, (unsigned long)its->cwriter);
		its->creadr |= GITS_CREADR_STALLED;
		return;
	}
	while (its->creadr != its->cwriter) {
		host_mmu_lock();
		if (host_range_check_locked(qbase, qsize)) {
			host_mmu_unlock();
			pr_warn("its@%lx: the host's command queue at %lx is not host RAM: "
				"stalled\n", (unsigned long)its->region.base, (unsigned long)qbase);
			its->creadr |= GITS_CREADR_STALLED;
			return;
		}
		while (its->creadr != its->cwriter && b.nr_queued < room &&
		       b.nr_unpin < ARRAY_SIZE(b.unpin)) {
			host_mem_read(qbase + its->creadr, host, sizeof(host));
			its_cmd_queue_locked(its, &b, host);
			its->creadr = (its->creadr + ITS_CMD_SIZE) % qsize;
		}
		host_mmu_unlock();
		if (its_kick(its, &b)) {
			its->creadr |= GITS_CREADR_STALLED;
			return;
		}
	}
}

/* ---- the emulated control frame ------------------------------------------- */

/* A 32- or 64-bit access to 64-bit register @reg at byte @off within it. */
static u64 reg64_read(u64 reg, u64 off, unsigned int size)
{
	return size == 8 ? reg : (reg >> (8 * off)) & 0xffffffffULL;
}

static u64 reg64_write(u64 reg, u64 off, unsigned int size, u64 val)
{
	u64 mask = size == 8 ? ~0ULL : 0xffffffffULL << (8 * off);

	return (reg & ~mask) | ((val << (size == 8 ? 0 : 8 * off)) & mask);
}

static int its_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct gic_its *its = priv;
	u64 reg = ALIGN_DOWN(off, 8), sub = off - reg;

	if (size != 4 && size != 8)
		return -EINVAL; /* 12.19: 32- and 64-bit accesses only */
	*val = 0;
	if (off == GITS_CTLR && size == 4) {
		*val = its->ctlr | (its->ctlr & GITS_CTLR_ENABLED ? 0 : GITS_CTLR_QUIESCENT);
	} else if (off == GITS_IIDR || (off >= GITS_IDREGS && size == 4)) {
		*val = readl_relaxed(its->base + off);
	} else if (reg == GITS_TYPER) {
		*val = reg64_read(its->typer_host, sub, size);
	} else if (reg == GITS_CBASER) {
		*val = reg64_read(its->cbaser, sub, size);
	} else if (reg == GITS_CWRITER) {
		*val = reg64_read(its->cwriter, sub, size);
	} else if (reg == GITS_CREADR) {
		*val = reg64_read(its->creadr, sub, size);
	} else if (reg >= GITS_BASER(0) && reg < GITS_BASER(GITS_BASER_NR)) {
		*val = reg64_read(its->baser[(reg - GITS_BASER(0)) / 8], sub, size);
	}
	return 0; /* everything else is RES0: RAZ/WI */
}

static void its_ctlr_write(struct gic_its *its, u32 val)
{
	if ((val & GITS_CTLR_ENABLED) == (its->ctlr & GITS_CTLR_ENABLED))
		return;
	if (val & GITS_CTLR_ENABLED) {
		/*
		 * QEMU's ITS restarts its queue at 0 when enabled: meet it there.
		 * Writing GITS_CBASER zeroes GITS_CREADR only (12.19.3; QEMU also
		 * zeroes GITS_CWRITER): zero GITS_CWRITER too, or a conforming ITS
		 * would run the old commands between 0 and it again -- MAPDs of
		 * ITTs long unpinned among them.
		 */
		if (its->hw_cwriter) {
			its_writeq(its, GITS_CBASER, its_readq(its, GITS_CBASER));
			its_writeq(its, GITS_CWRITER, 0);
			its->hw_cwriter = 0;
		}
		writel_relaxed(GITS_CTLR_ENABLED, its->base + GITS_CTLR);
		its->ctlr |= GITS_CTLR_ENABLED;
		its_process(its);
		return;
	}
	/* Mappings persist in the tables: every pin stays until its MAPD V=0. */
	writel_relaxed(0, its->base + GITS_CTLR);
	its->ctlr &= ~GITS_CTLR_ENABLED;
	if (!its->hw_wedged && its_wait(its, its_quiescent))
		pr_warn("its@%lx: not quiescent after disable\n", (unsigned long)its->region.base);
}

static int its_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct gic_its *its = priv;
	u64 reg = ALIGN_DOWN(off, 8), sub = off - reg;
	bool enabled = its->ctlr & GITS_CTLR_ENABLED;
	unsigned int n;

	if (size != 4 && size != 8)
		return -EINVAL;
	if (off == GITS_CTLR && size == 4) {
		its_ctlr_write(its, val);
	} else if (reg == GITS_CBASER && !enabled) {
		/* Writable only while disabled (as QEMU's); it resets the queue (12.19.3). */
		its->cbaser = reg64_write(its->cbaser, sub, size, val);
		its->creadr = its->cwriter = 0;
	} else if (reg == GITS_CWRITER) {
		its->cwriter = reg64_write(its->cwriter, sub, size, val) & GITS_CQ_OFFSET;
		if (!sub)
			its_process(its);
	} else if (reg >= GITS_BASER(0) && reg < GITS_BASER(GITS_BASER_NR) && !enabled) {
		/* Kept for the host to read back; never given to the ITS. */
		n = (reg - GITS_BASER(0)) / 8;
		val = reg64_write(its->baser[n], sub, size, val);
		its->baser[n] = its->baser_ro[n] ? (val & ~(GITS_BASER_TYPE | GITS_BASER_ENTRY_SIZE)) |
							   its->baser_ro[n] : 0;
	}
	return 0;
}

static const struct hyp_mmio_ops its_mmio_ops = { .read = its_read, .write = its_write };

/* ---- bring-up --------------------------------------------------------------- */

/* GITS_TYPER as the host sees it: physical LPIs, our collection table, no GICv4. */
static u64 its_typer_host(struct gic_its *its, u64 hw)
{
	u32 cid_bits = 0;

	while (BIT(cid_bits + 1) <= its->lim.nr_collections)
		cid_bits++;
	return GITS_TYPER_PHYSICAL | (hw & GITS_TYPER_ITT_ENTRY_SIZE) |
	       FIELD_PREP(GITS_TYPER_IDBITS, its->lim.event_bits - 1) |
	       FIELD_PREP(GITS_TYPER_DEVBITS, its->lim.devid_bits - 1) | GITS_TYPER_CIL |
	       FIELD_PREP(GITS_TYPER_CIDBITS, cid_bits - 1);
}

static int its_hw_init(struct gic_its *its, const struct hyp_driver_env *env, u32 lpi_bits)
{
	u64 typer = its_readq(its, GITS_TYPER);
	int ret;

	if (!(typer & GITS_TYPER_PHYSICAL) || (typer & GITS_TYPER_PTA)) {
		pr_err("its@%lx: no physical LPIs, or RDbase as addresses (PTA): not supported\n",
		       (unsigned long)its->region.base);
		return -ENODEV;
	}
	/* Firmware may have left it running: stop it before its tables change. */
	writel_relaxed(0, its->base + GITS_CTLR);
	ret = its_wait(its, its_quiescent);
	if (ret)
		return ret;
	its->lim.devid_bits = FIELD_GET(GITS_TYPER_DEVBITS, typer) + 1;
	its->lim.event_bits = FIELD_GET(GITS_TYPER_IDBITS, typer) + 1;
	its->lim.ite_size = FIELD_GET(GITS_TYPER_ITT_ENTRY_SIZE, typer) + 1;
	its->lim.lpi_bits = lpi_bits;
	its->lim.nr_rdbase = env->bi->nr_cpus;
	ret = its_tables_init(its, env);
	if (ret)
		return ret;
	its->cmdq = hyp_alloc_page(env->pool);
	if (!its->cmdq)
		return -ENOMEM;
	its->cmdq_size = SZ_4K;
	dcache_clean_poc(its->cmdq, SZ_4K);
	/* Writing GITS_CBASER sets GITS_CREADR to 0 (12.19.3); GITS_CWRITER follows. */
	its_writeq(its, GITS_CBASER, GITS_CBASER_VALID | (u64)(uintptr_t)its->cmdq |
				     FIELD_PREP(GITS_CBASER_INNERCACHE, GIC_CACHE_RAWAWB) |
				     FIELD_PREP(GITS_CBASER_SHAREABILITY, GIC_SHARE_INNER));
	its_writeq(its, GITS_CWRITER, 0);
	its->typer_host = its_typer_host(its, typer);
	for (unsigned int n = 0; n < GITS_BASER_NR; n++)
		its->baser[n] = its->baser_ro[n];
	return 0;
}

static int gic_its_init(const struct hyp_driver_env *env)
{
	const struct boot_info *bi = env->bi;
	u32 lpi_bits;
	unsigned int i;
	int ret;

	if (!bi->nr_its)
		return 0;
	if (bi->nr_its > BOOT_INFO_MAX_ITS || !bi->gicd_base)
		return -EINVAL;
	/* hyp/main.c maps the distributor's first page for every GIC driver. */
	lpi_bits = FIELD_GET(GICD_TYPER_IDBITS,
			     readl_relaxed((volatile u8 *)(uintptr_t)bi->gicd_base + GICD_TYPER)) + 1;
	its_pool = env->pool;
	for (i = 0; i < bi->nr_its; i++) {
		struct gic_its *its = &its_devs[i];

		if (!IS_ALIGNED(bi->its[i].base, GITS_FRAME_SIZE) ||
		    bi->its[i].size < 2 * GITS_FRAME_SIZE)
			return -EINVAL;
		*its = (struct gic_its){ 0 };
		its->base = (volatile u8 *)(uintptr_t)bi->its[i].base;
		its->region = (struct hyp_mmio_region){
			.name = "its", .base = bi->its[i].base, .size = GITS_FRAME_SIZE,
			.ops = &its_mmio_ops, .priv = its,
		};
		ret = env->map_device(its->region.base, GITS_FRAME_SIZE);
		ret = ret ?: its_hw_init(its, env, lpi_bits);
		/* Only the control frame traps: GITS_TRANSLATER stays the host's. */
		ret = ret ?: hyp_mmio_register(&its->region);
		if (ret) {
			pr_err("its@%lx: setup failed: %d\n", (unsigned long)its->region.base, ret);
			return ret;
		}
		nr_its++;
		pr_info("its@%lx: mediated: %u-bit DeviceIDs%s, %u collections, %u-bit LPIs; "
			"the host's commands are checked, its ITTs pinned\n",
			(unsigned long)its->region.base, its->lim.devid_bits,
			its->dev_indirect ? " (2-level table)" : "", its->lim.nr_collections,
			lpi_bits);
	}
	return 0;
}
HYP_DEVICE_DRIVER(gic_its, gic_its_init);
