/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's mediation of a GICv3 ITS (ARCHITECTURE.md section 9):
 * its.c emulates the control frame for the host and owns the physical ITS;
 * its_cmd.c checks and rebuilds each command the host queues. The ITS is a
 * DMA master no SMMU fronts: it writes its device and collection tables
 * (here: hypervisor memory) and each device's ITT (host memory, pinned while
 * mapped), and it reads its command queue (here: hypervisor memory, filled
 * only with commands the hypervisor checked).
 *
 * Lock order: the region's lock (its), then host_mmu.lock.
 */
#ifndef ISOHYP_GIC_ITS_H
#define ISOHYP_GIC_ITS_H

#include <isohyp/mmio.h>
#include <isohyp/types.h>

#include "regs.h"

/* Devices one ITS may have mapped at once (each pins its ITT). */
#define ITS_MAX_DEVICES 256

struct its_device {
	u32 devid;
	u32 event_bits; /* EventIDs are < 2^event_bits */
	u64 itt, itt_size; /* pinned host RAM */
};

/* What the hardware can do, and what the host may ask of it. */
struct its_limits {
	u32 devid_bits; /* DeviceIDs < 2^devid_bits */
	u32 event_bits; /* most EventID bits a MAPD may ask for */
	u32 lpi_bits; /* pINTIDs < 2^lpi_bits (GICD_TYPER.IDbits + 1) */
	u32 nr_collections; /* ICIDs < nr_collections (the table we gave it) */
	u32 nr_rdbase; /* redistributors: RDbase (processor numbers) below this */
	u32 ite_size; /* bytes per ITT entry */
};

struct gic_its {
	struct hyp_mmio_region region;
	volatile u8 *base; /* the physical control frame */
	struct its_limits lim;
	u64 typer_host; /* GITS_TYPER as the host reads it */
	u64 baser_ro[GITS_BASER_NR]; /* Type and Entry_Size the host sees */
	/* Physical tables and queue: hypervisor memory. */
	u64 *dev_l1; /* indirect device table's level 1, or the flat table */
	bool dev_indirect;
	u64 dev_page_size, dte_size;
	u64 *cmdq;
	u32 cmdq_size, hw_cwriter; /* bytes; our next write offset */
	bool hw_wedged; /* a batch did not complete: never queued to, nor waited on, again */
	/* The emulated registers. */
	u32 ctlr;
	u64 cbaser, cwriter, creadr;
	u64 baser[GITS_BASER_NR];
	struct its_device devs[ITS_MAX_DEVICES];
	unsigned int nr_devs;
	u64 nr_cmds, nr_refused;
};

/* One host command after its_cmd_check(): what to queue, what it does. */
struct its_cmd {
	u64 raw[4]; /* rebuilt from checked fields only */
	u8 op;
	u32 devid;
	bool map, unmap; /* MAPD V=1 / V=0 */
	u32 event_bits; /* MAPD V=1 */
	u64 itt, itt_size; /* MAPD V=1 */
};

/*
 * Check @host (four doublewords as the host queued them) against @lim and
 * the devices mapped so far, and rebuild it from its checked fields into
 * @cmd (reserved bits zero). 0, or -EINVAL with *@why saying what is wrong.
 * Pure: it changes nothing and pins nothing.
 */
int its_cmd_check(const struct its_limits *lim, const struct its_device *devs,
		  unsigned int nr_devs, const u64 host[4], struct its_cmd *cmd, const char **why);

/* The mapped device @devid among @devs, or NULL. */
const struct its_device *its_device_find(const struct its_device *devs, unsigned int nr,
					 u32 devid);

#endif /* ISOHYP_GIC_ITS_H */
