/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU's fw_cfg device as the hypervisor mediates it (drivers/fw_cfg/fw_cfg.c):
 * the register layout of "qemu,fw-cfg-mmio" and the DMA descriptor, from
 * QEMU's docs/specs/fw_cfg.rst and hw/nvram/fw_cfg.c, and the counters tests
 * read.
 */
#ifndef ISOHYP_DRIVERS_FW_CFG_H
#define ISOHYP_DRIVERS_FW_CFG_H

#include <isohyp/bits.h>
#include <isohyp/types.h>

/* Registers, from the device's base; all big-endian. */
#define FW_CFG_DATA 0x00 /* 8 bytes wide on Arm: reads of 1, 2, 4 or 8 bytes at +0 */
#define FW_CFG_SEL 0x08 /* selector: 16-bit writes only */
#define FW_CFG_DMA 0x10 /* DMA address: 64-bit, or 32-bit high half then low half */
#define FW_CFG_DMA_LO 0x14
#define FW_CFG_REGS_SIZE 0x18 /* with the DMA interface; 0x10 without */

/* FWCfgDmaAccess.control */
#define FW_CFG_DMA_CTL_ERROR BIT(0)
#define FW_CFG_DMA_CTL_READ BIT(1) /* item -> memory */
#define FW_CFG_DMA_CTL_SKIP BIT(2)
#define FW_CFG_DMA_CTL_SELECT BIT(3) /* select the item in KEY first */
#define FW_CFG_DMA_CTL_WRITE BIT(4) /* memory -> item */
#define FW_CFG_DMA_CTL_KEY GENMASK(31, 16)

/* FWCfgDmaAccess: 16 bytes, every field big-endian, no alignment required. */
struct fw_cfg_dma_access {
	u32 control;
	u32 length;
	u64 address;
};

#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL /* "QEMU CFG", read at FW_CFG_DMA */

struct fw_cfg_stats {
	u64 dma_done; /* transfers handed to the device */
	u64 dma_refused; /* transfers refused, the device untouched */
	u64 dma_timeouts; /* transfers the device never completed */
};

/* A snapshot of the counters (all 0 when no fw_cfg is mediated). */
void fw_cfg_get_stats(struct fw_cfg_stats *stats);

#endif /* ISOHYP_DRIVERS_FW_CFG_H */
