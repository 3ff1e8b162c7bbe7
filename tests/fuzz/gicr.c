// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "gicr": the redistributors' LPI-table mediation --
 * drivers/gic/gicr.c, the real file, behind hyp/mmio.c's decode and region
 * dispatch -- against the software GIC of tests/unit/lib/gic_model.c, on the
 * machine of mediator.h. The input picks the GIC (1 to 4 redistributors,
 * GICv4 frames or not, whether EnableLPIs can be cleared, how long RWP
 * stays set after it is, the INTID bits, LPIs left enabled by firmware with
 * tables anywhere), then the host's actions: loads and stores in each
 * RD_base page (GICR_CTLR, PROPBASER, PENDBASER, ... any size, 64-bit
 * stores at GICR_CTLR too), tables placed anywhere (host RAM, the carve-out,
 * edges, MMIO), EnableLPIs set and cleared, stores to host memory,
 * donations and reclaims, accesses to a GICv4 VLPI frame.
 *
 * What must hold (ARCHITECTURE.md section 9; IHI 0069 5.1, 12.11), checked
 * by the model as the redistributor acts and here after every action:
 *  - the physical EnableLPIs is set only with both LPI tables (sized from
 *    PROPBASER.IDbits capped by GICD_TYPER.IDbits) pinned host RAM, and
 *    they stay pinned while the redistributor may use them (until RWP reads
 *    0 after a disable);
 *  - PROPBASER/PENDBASER never change under a redistributor that uses them;
 *  - firmware's enabled LPIs are accepted exactly when their tables are
 *    host RAM; a GICv4 VLPI frame is never written;
 *  - the hypervisor touches host memory only where the host owns it;
 *  - no crash, no sanitizer report, no hang.
 *
 * Input: two configuration bytes, then actions of a kind byte and its
 * operands (see the switch below), at most 64.
 */
#include <string.h>

#include <isohyp/errno.h>

#include "../unit/lib/gic_model.h"
#include "gic/regs.h"
#include "mediator.h"

#define MAX_ACTIONS 64
#define GICR_VLPI 0x20000

static u64 frame_size;

static u64 rd_base(u8 b)
{
	return GIC_MODEL_GICR + (b % gic_model.nr_rd) * frame_size;
}

static const u16 regs[] = {
	GICR_CTLR,	    0x4 /* IIDR */,	GICR_TYPER,	    GICR_TYPER + 4,
	0x14 /* WAKER */,   GICR_PROPBASER,	GICR_PROPBASER + 4, GICR_PENDBASER,
	GICR_PENDBASER + 4, 0x40 /* SETLPIR */, 0xa0 /* INVLPIR */, 0xb0 /* INVALLR */,
	0xc0 /* SYNCR */,
};

static u64 reg_off(struct fz_in *in)
{
	u8 sel = fz_u8(in);

	if (sel < 2 * ARRAY_SIZE(regs))
		return regs[sel % ARRAY_SIZE(regs)];
	return fz_u16(in) & 0xffc; /* anywhere in the emulated page */
}

static unsigned int access_size(u8 b)
{
	static const unsigned int sizes[8] = { 4, 8, 4, 8, 4, 8, 1, 2 };

	return sizes[b & 7];
}

static void store(u64 addr, unsigned int size, u64 val)
{
	fz_mmio(addr & ~(u64)(size - 1), size, true, &val);
}

/* GICR_PROPBASER and GICR_PENDBASER with tables where the input says. */
static void set_tables(struct fz_in *in, u64 rd, u8 how)
{
	u8 cls = fz_u8(in), bits = fz_u8(in);
	u64 prop = fz_where(cls, fz_u16(in), 0x1000), pend;

	cls = fz_u8(in);
	pend = fz_where(cls, fz_u16(in), 0x10000);
	prop = (prop & GICR_PROPBASER_ADDR) | FIELD_PREP(GICR_PROPBASER_IDBITS, bits);
	pend &= GICR_PENDBASER_ADDR;
	if (how & 1) { /* as two 32-bit halves */
		store(rd + GICR_PROPBASER, 4, (u32)prop);
		store(rd + GICR_PROPBASER + 4, 4, prop >> 32);
		store(rd + GICR_PENDBASER, 4, (u32)pend);
		store(rd + GICR_PENDBASER + 4, 4, pend >> 32);
	} else {
		store(rd + GICR_PROPBASER, 8, prop);
		store(rd + GICR_PENDBASER, 8, pend);
	}
}

static void act(struct fz_in *in)
{
	u8 kind = fz_u8(in);
	u64 rd = rd_base(fz_u8(in)), off, val = 0;
	unsigned int size = access_size(kind >> 3);

	switch (kind % 8) {
	case 0: /* a store in RD_base's first page */
		off = reg_off(in);
		store(rd + off, size, fz_u64(in));
		break;
	case 1: /* a load */
		off = reg_off(in);
		fz_mmio((rd + off) & ~(u64)(size - 1), size, false, &val);
		break;
	case 2:
		set_tables(in, rd, kind >> 3);
		break;
	case 3: /* EnableLPIs: 1, or 0; 32-bit, or a 64-bit store over GICR_CTLR and GICR_IIDR */
		val = (kind >> 3) & 1 ? GICR_CTLR_ENABLE_LPIS : 0;
		store(rd + GICR_CTLR, (kind >> 4) & 1 ? 8 : 4, val);
		break;
	case 4: /* a store anywhere in memory the host can reach */
		off = fz_where(fz_u8(in), fz_u16(in), 8);
		val = fz_u64(in);
		fz_host_write(off & ~7ULL, &val, 8);
		break;
	case 5:
		fz_host_donate_toggle(fz_where(fz_u8(in), fz_u16(in), 0x1000));
		break;
	case 6: /* the VLPI frame (GICv4): VPROPBASER, VPENDBASER */
		off = fz_u8(in) & 1 ? 0x70 : 0x78;
		if (kind & 0x80)
			fz_mmio(rd + GICR_VLPI + off, 8, false, &val);
		else
			store(rd + GICR_VLPI + off, 8, fz_u64(in));
		break;
	default: /* a burst: tables, then enable */
		set_tables(in, rd, kind >> 3);
		store(rd + GICR_CTLR, 4, GICR_CTLR_ENABLE_LPIS);
		break;
	}
	FUZZ_CHECK(gic_model.nr_bad == 0);
	FUZZ_CHECK(gic_model_tables_in_use_pinned("after a host action"));
}

/* Firmware left LPIs on at redistributor 0, with tables the input places. */
static void preset(struct fz_in *in)
{
	struct gic_model_rd *rd = &gic_model.rd[0];
	u8 bits = fz_u8(in), cls = fz_u8(in);

	rd->propbaser = (fz_where(cls, fz_u16(in), 0x1000) & GICR_PROPBASER_ADDR) |
			FIELD_PREP(GICR_PROPBASER_IDBITS, bits);
	cls = fz_u8(in);
	rd->pendbaser = fz_where(cls, fz_u16(in), 0x10000) & GICR_PENDBASER_ADDR;
	gic_model_rd_preset_enabled(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 rwp[4] = { 0, 3, 500, ~0u };
	static const u32 idbits[4] = { 16, 14, 15, 20 };
	static struct boot_info bi;
	struct fz_in in = { data, size };
	u8 cfg = fz_u8(&in), cfg2 = fz_u8(&in);
	struct gic_model_rd *rd0 = &gic_model.rd[0];
	bool good = true;
	int ret;

	gic_model_reset();
	gic_model.nr_rd = 1 + (cfg & 3);
	gic_model.rd_vlpis = cfg & 4;
	gic_model.rd_no_disable = cfg & 8;
	gic_model.rd_rwp_reads = rwp[(cfg >> 4) & 3];
	gic_model.gicd_idbits = idbits[cfg >> 6];
	frame_size = gic_model.rd_vlpis ? GICR_FRAME_SIZE_V4 : GICR_FRAME_SIZE;
	if (cfg2 & 1)
		preset(&in);
	bi = (struct boot_info){ .gicd_base = GIC_MODEL_GICD, .nr_cpus = 4, .nr_its = 1 };
	bi.gicr_base = GIC_MODEL_GICR;
	bi.gicr_size = gic_model.nr_rd * frame_size;
	ret = fz_machine_reset(GIC_MODEL_GICR, GIC_MODEL_MAX_GICR * GICR_FRAME_SIZE_V4, "gicr",
			       &bi);
	/* What the hypervisor must accept: tables wholly host RAM (the ABI's, not the driver's). */
	if (cfg2 & 1)
		good = fz_host_owns(rd0->pend, rd0->pend_size) &&
		       (!rd0->prop_size || fz_host_owns(rd0->prop, rd0->prop_size));
	FUZZ_CHECK(gic_model.nr_bad == 0);
	FUZZ_CHECK(ret == (good ? 0 : -EBUSY));
	if (ret)
		return 0;
	FUZZ_CHECK(gic_model_tables_in_use_pinned("after the hypervisor took over"));
	for (unsigned int n = 0; n < MAX_ACTIONS && in.n; n++)
		act(&in);
	return 0;
}
