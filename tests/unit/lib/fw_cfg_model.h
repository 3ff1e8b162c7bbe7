/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests and fuzz targets: a model of QEMU's fw_cfg
 * (hw/nvram/fw_cfg.c, docs/specs/fw_cfg.rst) behind the fake MMIO accessors
 * (tests/unit/fake/asm/io.h): items selected by key, the data register, and
 * a DMA engine that performs FWCfgDmaAccess transfers on this program's
 * memory and writes control back. It counts, instead of doing:
 *  - every access QEMU would reject (rejected);
 *  - every transfer whose descriptor is not in hypervisor memory
 *    (foreign_desc: the host's descriptor must never reach the device);
 *  - every transfer that would touch memory outside what the test allows
 *    (wild: the driver should have refused it) -- nothing of it is touched.
 * What "hypervisor memory" and "allowed" mean is the test's: two predicates.
 */
#ifndef ISOHYP_TEST_FW_CFG_MODEL_H
#define ISOHYP_TEST_FW_CFG_MODEL_H

#include <isohyp/types.h>

struct fw_cfg_model_item {
	u16 key;
	u32 len;
	bool writable;
	u8 data[64];
};

/* FW_CFG_SIGNATURE ("QEMU"), FW_CFG_ID (traditional + DMA), a writable 64-byte file item. */
#define FW_CFG_MODEL_NR_ITEMS 3
extern struct fw_cfg_model_item fw_cfg_model_items[FW_CFG_MODEL_NR_ITEMS];

struct fw_cfg_model {
	/* Configuration. */
	u64 base; /* of the registers */
	bool (*hyp_mem)(u64 pa, u64 len); /* may the device be given a descriptor there? */
	bool (*dma_ok)(u64 pa, u64 len); /* may a transfer touch it (and is it backed)? */
	bool stall; /* never complete a transfer */
	/* State. */
	struct fw_cfg_model_item *cur;
	u32 off;
	/* What happened. */
	u64 nr_accesses; /* every register access the device saw */
	u64 nr_dma; /* transfers started */
	u64 foreign_desc, rejected, wild;
	u64 last_desc;
	u64 dma_bytes; /* bytes of memory transfers touched */
};

extern struct fw_cfg_model fw_cfg_model;

/* Selected: no item. Counters zero. The configuration and the items are left. */
void fw_cfg_model_reset(void);

#endif /* ISOHYP_TEST_FW_CFG_MODEL_H */
