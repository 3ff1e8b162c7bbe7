// SPDX-License-Identifier: GPL-2.0-only
/*
 * Redistributor LPI tables (ARCHITECTURE.md section 9; GICv3 spec IHI 0069,
 * 5.1 "LPIs", 12.11.{2,31,32} GICR_CTLR, GICR_PROPBASER, GICR_PENDBASER).
 *
 * Each redistributor reads the LPI configuration table at GICR_PROPBASER and
 * reads and writes the pending table at GICR_PENDBASER once LPIs are enabled
 * (GICR_CTLR.EnableLPIs) -- DMA by the GIC that no SMMU fronts. The first
 * 4 KiB page of each RD_base frame (CTLR, TYPER, WAKER, PROPBASER,
 * PENDBASER, the direct-LPI registers) is emulated; every access but three
 * passes through to the hardware:
 *  - a write of EnableLPIs 0 -> 1 is forwarded only when both tables, sized
 *    from PROPBASER.IDbits capped by GICD_TYPER.IDbits (5.1.1, 5.1.2), are
 *    host RAM, which is then pinned; otherwise it is dropped and logged;
 *  - PROPBASER and PENDBASER writes while LPIs are enabled are ignored (the
 *    spec makes them UNPREDICTABLE), so the pinned tables stay the ones in
 *    use;
 *  - EnableLPIs 1 -> 0, where the GIC allows it, unpins once the
 *    redistributor says it stopped (RWP clear); until then -- for good if
 *    RWP never clears -- the tables stay pinned and PROPBASER/PENDBASER
 *    ignore writes, and enabling again keeps those tables.
 * The SGI frame and the ICC system registers are untouched. A GICv4
 * redistributor's VLPI frame is not handed to the host: its first page (the
 * VPROPBASER/VPENDBASER) reads as zero and ignores writes. GICR_TYPER.VLPIS
 * stays visible -- a host steps from one redistributor to the next by
 * 256 KiB only when it is set -- while GITS_TYPER.Virtual reads 0 (its.c),
 * so no ITS ever maps a virtual LPI for the host.
 */
#include <asm/io.h>
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>

#include "regs.h"

#define GICR_POLL_TIMEOUT_US 100000
#define GICR_VLPI_OFFSET 0x20000 /* VLPI_base, GICv4 */

struct gicr {
	struct hyp_mmio_region region, vlpi;
	volatile u8 *base;
	bool pinned; /* prop/pend below are pinned */
	u64 prop, prop_size, pend, pend_size;
};

static struct gicr gicrs[BOOT_INFO_MAX_CPUS];
static u32 gicd_idbits; /* GICD_TYPER.IDbits + 1 */

/* The tables the redistributor will use with PROPBASER/PENDBASER as they are. */
static void gicr_tables(struct gicr *rd, u64 propbaser, u64 pendbaser)
{
	u32 bits = FIELD_GET(GICR_PROPBASER_IDBITS, propbaser) + 1;

	if (bits > gicd_idbits)
		bits = gicd_idbits;
	rd->prop = FIELD_GET(GICR_PROPBASER_ADDR, propbaser) << 12;
	rd->pend = FIELD_GET(GICR_PENDBASER_ADDR, pendbaser) << 16;
	/* Below 14 bits there are no LPIs: an empty configuration table. */
	rd->prop_size = BIT(bits) > GIC_LPI_BASE ? BIT(bits) - GIC_LPI_BASE : 0;
	rd->pend_size = BIT(bits) / 8;
}

/* Pin what EnableLPIs will let the redistributor use; 0 or -errno. */
static int gicr_pin_tables(struct gicr *rd)
{
	int ret;

	gicr_tables(rd, readq_relaxed(rd->base + GICR_PROPBASER),
		    readq_relaxed(rd->base + GICR_PENDBASER));
	host_mmu_lock();
	ret = host_stage2_pin_locked(rd->pend, rd->pend_size);
	if (!ret && rd->prop_size) {
		ret = host_stage2_pin_locked(rd->prop, rd->prop_size);
		if (ret)
			host_stage2_unpin_locked(rd->pend, rd->pend_size);
	}
	host_mmu_unlock();
	rd->pinned = !ret;
	return ret;
}

static void gicr_unpin_tables(struct gicr *rd)
{
	if (!rd->pinned)
		return;
	host_stage2_unpin(rd->pend, rd->pend_size);
	if (rd->prop_size)
		host_stage2_unpin(rd->prop, rd->prop_size);
	rd->pinned = false;
}

static bool gicr_lpis_enabled(struct gicr *rd)
{
	return readl_relaxed(rd->base + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS;
}

static int gicr_rwp_wait(struct gicr *rd)
{
	hyp_deadline_t d = hyp_deadline_us(GICR_POLL_TIMEOUT_US);

	while (readl_relaxed(rd->base + GICR_CTLR) & GICR_CTLR_RWP)
		if (hyp_deadline_passed(d))
			return -ETIMEDOUT;
	return 0;
}

static void gicr_ctlr_write(struct gicr *rd, u32 val)
{
	bool was = gicr_lpis_enabled(rd);

	/* Still pinned after a disable that never completed: the same tables, kept. */
	if ((val & GICR_CTLR_ENABLE_LPIS) && !was && !rd->pinned && gicr_pin_tables(rd)) {
		pr_warn("gicr@%lx: LPIs not enabled: tables at %lx (%lx bytes) and %lx "
			"(%lx bytes) are not all host RAM\n", (unsigned long)rd->region.base,
			(unsigned long)rd->prop, (unsigned long)rd->prop_size,
			(unsigned long)rd->pend, (unsigned long)rd->pend_size);
		val &= ~GICR_CTLR_ENABLE_LPIS;
	}
	writel_relaxed(val, rd->base + GICR_CTLR);
	/* Disabling, where the GIC allows it: unpin once it has stopped. */
	if (was && !(val & GICR_CTLR_ENABLE_LPIS) && !gicr_rwp_wait(rd) &&
	    !gicr_lpis_enabled(rd))
		gicr_unpin_tables(rd);
}

static int gicr_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct gicr *rd = priv;
	volatile u8 *p = rd->base + off;

	switch (size) {
	case 4:
		*val = readl_relaxed(p);
		break;
	case 8:
		*val = readq_relaxed(p);
		break;
	default:
		return -EINVAL; /* 12.1.3: 32- and 64-bit accesses only */
	}
	return 0;
}

static int gicr_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct gicr *rd = priv;
	volatile u8 *p = rd->base + off;

	if (size != 4 && size != 8)
		return -EINVAL;
	if (off == GICR_CTLR) {
		/*
		 * A 64-bit store here covers GICR_IIDR, read-only, too; a GIC may
		 * act on it as on two 32-bit stores, so its low word is a
		 * GICR_CTLR write like any other (and reaches the GIC as one).
		 */
		gicr_ctlr_write(rd, val);
		return 0;
	}
	if (ALIGN_DOWN(off, 8) == GICR_PROPBASER || ALIGN_DOWN(off, 8) == GICR_PENDBASER) {
		/*
		 * The pinned tables stay the ones in use -- also after a disable
		 * that never completed (RWP stuck): EnableLPIs reads 0 then, but
		 * the redistributor may still be using them.
		 */
		if (rd->pinned || gicr_lpis_enabled(rd))
			return 0;
	}
	if (size == 4)
		writel_relaxed(val, p);
	else
		writeq_relaxed(val, p);
	return 0;
}

static const struct hyp_mmio_ops gicr_mmio_ops = { .read = gicr_read, .write = gicr_write };

static int raz_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	*val = 0;
	return 0;
}

static int wi_write(void *priv, u64 off, unsigned int size, u64 val)
{
	return 0;
}

static const struct hyp_mmio_ops raz_wi_ops = { .read = raz_read, .write = wi_write };

static int gicr_setup(struct gicr *rd, u64 pa, u64 typer, const struct hyp_driver_env *env)
{
	int ret;

	*rd = (struct gicr){ 0 }; /* nothing of an earlier boot (host unit tests boot many) */
	rd->base = (volatile u8 *)(uintptr_t)pa;
	rd->region = (struct hyp_mmio_region){
		.name = "gicr", .base = pa, .size = SZ_4K, .ops = &gicr_mmio_ops, .priv = rd,
	};
	/* LPIs firmware left enabled: their tables must be host RAM, and stay. */
	if (gicr_lpis_enabled(rd) && gicr_pin_tables(rd)) {
		pr_err("gicr@%lx: LPIs enabled with tables outside host RAM\n",
		       (unsigned long)pa);
		return -EBUSY;
	}
	ret = hyp_mmio_register(&rd->region);
	if (ret || !(typer & GICR_TYPER_VLPIS))
		return ret;
	rd->vlpi = (struct hyp_mmio_region){
		.name = "gicr-vlpi", .base = pa + GICR_VLPI_OFFSET, .size = SZ_4K,
		.ops = &raz_wi_ops, .priv = rd,
	};
	return hyp_mmio_register(&rd->vlpi);
}

static int gicr_init(const struct hyp_driver_env *env)
{
	const struct boot_info *bi = env->bi;
	u64 pa = bi->gicr_base, end = bi->gicr_base + bi->gicr_size, typer;
	unsigned int n = 0;
	int ret;

	if (!bi->nr_its || !bi->gicr_base || !bi->gicd_base)
		return 0; /* without an ITS the host has no use for LPIs: nothing to mediate */
	if (!IS_ALIGNED(pa, GICR_FRAME_SIZE) || end < pa)
		return -EINVAL;
	/* hyp/main.c maps the distributor's first page for every GIC driver. */
	gicd_idbits = FIELD_GET(GICD_TYPER_IDBITS,
				readl_relaxed((volatile u8 *)(uintptr_t)bi->gicd_base + GICD_TYPER)) + 1;
	do {
		if (n == ARRAY_SIZE(gicrs) || pa + GICR_FRAME_SIZE > end)
			return -E2BIG;
		ret = env->map_device(pa, SZ_4K);
		if (ret)
			return ret;
		typer = readq_relaxed((volatile u8 *)(uintptr_t)pa + GICR_TYPER);
		if (typer & GICR_TYPER_VLPIS) {
			ret = env->map_device(pa + GICR_VLPI_OFFSET, SZ_4K);
			if (ret)
				return ret;
		}
		ret = gicr_setup(&gicrs[n++], pa, typer, env);
		if (ret)
			return ret;
		pa += typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_V4 : GICR_FRAME_SIZE;
	} while (!(typer & GICR_TYPER_LAST));
	pr_info("gicr: %u redistributors: LPI tables checked and pinned, %u-bit INTIDs\n", n,
		gicd_idbits);
	return 0;
}
HYP_DEVICE_DRIVER(gicr, gicr_init);
