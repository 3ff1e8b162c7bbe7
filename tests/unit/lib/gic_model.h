/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests and fuzz targets: a software GICv3 (IHI 0069) behind the
 * fake MMIO accessors (tests/unit/fake/asm/io.h) -- GICD_TYPER, one ITS
 * (12.19, the commands of 5.3) and a few redistributors' RD_base pages
 * (12.11) -- written from the spec, not from drivers/gic/. It behaves as
 * the spec says where QEMU differs (writing GITS_CBASER zeroes GITS_CREADR
 * only; enabling does not move the queue).
 *
 * It checks, as the hardware would act on them, what the hypervisor's
 * mediation promises (ARCHITECTURE.md section 9), and counts each broken
 * promise in nr_bad with a line on stdout:
 *  - the ITS's command queue and its device and collection tables, and
 *    each level-2 device table page, are hypervisor memory (PAGE_STATE 2);
 *  - every command it reads is one of GICv3's physical commands with every
 *    reserved bit zero and its identifiers in range (DeviceID, EventID of
 *    the device's mapping, pINTID, ICID, RDbase);
 *  - every ITT a MAPD gives it is, page by page, pinned host RAM
 *    (PAGE_STATE 5) when it consumes the MAPD; an ITT being unmapped or
 *    replaced is still pinned when it consumes that MAPD; every ITT entry
 *    it writes (MAPTI, MAPI, DISCARD) is pinned at that moment;
 *  - a redistributor's LPI tables are pinned host RAM when EnableLPIs goes
 *    0 -> 1, and GICR_PROPBASER/GICR_PENDBASER are not written while it
 *    uses them (UNPREDICTABLE, 12.11.31/12.11.32).
 * A test or fuzz target also checks, between its steps, that what the
 * model still uses (gic_model_tables_in_use()) stays pinned.
 *
 * The model reads and writes the tables at their physical address: every
 * address it is given must be backed by the program's memory, and it
 * dereferences only addresses whose PAGE_STATE says RAM. It asks
 * __pkvm_host_page_state(), which takes host_mmu.lock: the drivers must not
 * touch the hardware while they hold it (they do not).
 */
#ifndef ISOHYP_TEST_GIC_MODEL_H
#define ISOHYP_TEST_GIC_MODEL_H

#include <isohyp/types.h>

#define GIC_MODEL_GICD 0x08000000ULL
#define GIC_MODEL_ITS 0x08080000ULL /* control frame; GITS_TRANSLATER 64 KiB on */
#define GIC_MODEL_GICR 0x080a0000ULL /* RD_base of redistributor 0 */
#define GIC_MODEL_ITE_SIZE 12
#define GIC_MODEL_MAX_GICR 4
#define GIC_MODEL_MAX_DTE 512 /* more than ITS_MAX_DEVICES: a full model is a bug */

struct gic_model_rd {
	u32 ctlr; /* EnableLPIs as the redistributor acts on it */
	u64 propbaser, pendbaser;
	u32 rwp_reads; /* a disable still in progress: GICR_CTLR.RWP for this many reads */
	bool in_use; /* reads (and writes) its tables: enabled, or disabling */
	u64 prop, prop_size, pend, pend_size; /* the tables while in_use */
};

struct gic_model {
	/* Configuration: set after gic_model_reset(), before the drivers start. */
	u32 gicd_idbits; /* GICD_TYPER.IDbits + 1 */
	u32 its_id_bits; /* GITS_TYPER.ID_bits + 1: EventID bits */
	bool no_indirect; /* GITS_BASERn.Indirect is RAZ/WI */
	unsigned int nr_rd; /* redistributors (RDbase: processor numbers below this) */
	bool rd_vlpis; /* GICR_TYPER.VLPIS: 256 KiB frames */
	bool rd_no_disable; /* EnableLPIs cannot be cleared once set (12.11.2) */
	u32 rd_rwp_reads; /* a disable shows RWP for this many reads (~0: for good) */
	bool its_hold; /* the ITS consumes nothing: a wedged ITS */

	/* The ITS. */
	u32 ctlr;
	u64 cbaser, cwriter, creadr, baser[8];
	struct {
		u32 devid, event_bits;
		u64 itt, itt_size;
		bool valid;
	} dte[GIC_MODEL_MAX_DTE];
	bool cte[GIC_MODEL_MAX_DTE]; /* ICIDs mapped (MAPC V=1) */
	/* The redistributors. */
	struct gic_model_rd rd[GIC_MODEL_MAX_GICR];

	/* What happened. */
	unsigned int nr_cmds, nr_bad, itt_writes, nr_mapd, nr_reg_writes;
	u64 last[4];
};

extern struct gic_model gic_model;

/* Power-on state: ITS disabled, no tables; 16 INTID and EventID bits; 4 redistributors. */
void gic_model_reset(void);

/*
 * Redistributor @i as firmware may leave it: EnableLPIs set with the tables
 * GICR_PROPBASER/GICR_PENDBASER name (set them first), unchecked.
 */
void gic_model_rd_preset_enabled(unsigned int i);

/* Consume the ITS's queue up to its GITS_CWRITER now (after its_hold is cleared). */
void gic_model_its_process(void);

/*
 * Is every page of [@pa, @pa + @size) in PAGE_STATE @state? (0 bytes: yes.)
 * The check the model makes; tests use it too.
 */
bool gic_model_pages_are(u64 pa, u64 size, int state);

/*
 * Are the ITTs of the devices the ITS has mapped, and the LPI tables of
 * every redistributor that uses them, all pinned now? Counts a broken
 * promise in nr_bad (with @when on stdout) and returns false if not.
 */
bool gic_model_tables_in_use_pinned(const char *when);

/*
 * Do [@pa, @pa + @size) and anything the ITS reads from hypervisor memory
 * (its queue, device and collection tables, level-2 pages) overlap?
 */
bool gic_model_its_memory_overlaps(u64 pa, u64 size);

#endif /* ISOHYP_TEST_GIC_MODEL_H */
