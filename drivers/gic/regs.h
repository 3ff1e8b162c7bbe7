/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * GICv3 ITS and redistributor registers and ITS commands, with the names of
 * the Arm GICv3/v4 architecture specification (IHI 0069, chapter 12 "GIC
 * register descriptions": 12.19 ITS registers; 12.11 redistributor LPI
 * registers; chapter 5.3 "ITS commands").
 */
#ifndef ISOHYP_GIC_REGS_H
#define ISOHYP_GIC_REGS_H

#include <isohyp/bits.h>

/* ---- ITS control frame (the first 64 KiB at GITS base) ------------------- */
#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER(n) (0x0100 + 8 * (n))
#define GITS_BASER_NR 8
#define GITS_IDREGS 0xffd0 /* PIDR4..CIDR3 */
#define GITS_FRAME_SIZE 0x10000 /* control frame; GITS_TRANSLATER is in the next */

#define GITS_CTLR_ENABLED BIT(0)
#define GITS_CTLR_QUIESCENT BIT(31)

#define GITS_TYPER_PHYSICAL BIT(0)
#define GITS_TYPER_VIRTUAL BIT(1)
#define GITS_TYPER_CCT BIT(2)
#define GITS_TYPER_ITT_ENTRY_SIZE GENMASK(7, 4) /* bytes - 1 */
#define GITS_TYPER_IDBITS GENMASK(12, 8) /* EventID bits - 1 */
#define GITS_TYPER_DEVBITS GENMASK(17, 13) /* DeviceID bits - 1 */
#define GITS_TYPER_SEIS BIT(18)
#define GITS_TYPER_PTA BIT(19)
#define GITS_TYPER_HCC GENMASK(31, 24)
#define GITS_TYPER_CIDBITS GENMASK(35, 32) /* collection ID bits - 1 */
#define GITS_TYPER_CIL BIT(36)
/* VMOVP, MPAM, VSGI, VMAPP, SVPET, nID... (GICv4 and later): hidden */

#define GITS_CBASER_VALID BIT(63)
#define GITS_CBASER_INNERCACHE GENMASK(61, 59)
#define GITS_CBASER_OUTERCACHE GENMASK(55, 53)
#define GITS_CBASER_ADDR GENMASK(51, 12)
#define GITS_CBASER_SHAREABILITY GENMASK(11, 10)
#define GITS_CBASER_SIZE GENMASK(7, 0) /* 4 KiB pages - 1 */

#define GITS_CWRITER_RETRY BIT(0)
#define GITS_CREADR_STALLED BIT(0)
#define GITS_CQ_OFFSET GENMASK(19, 5) /* CWRITER/CREADR: offset in the queue */

#define GITS_BASER_VALID BIT(63)
#define GITS_BASER_INDIRECT BIT(62)
#define GITS_BASER_INNERCACHE GENMASK(61, 59)
#define GITS_BASER_TYPE GENMASK(58, 56)
#define GITS_BASER_OUTERCACHE GENMASK(55, 53)
#define GITS_BASER_ENTRY_SIZE GENMASK(52, 48) /* bytes - 1 */
#define GITS_BASER_ADDR GENMASK(47, 12) /* 4 KiB / 16 KiB pages */
#define GITS_BASER_ADDR_64K_HI GENMASK(15, 12) /* 64 KiB pages: PA[51:48] */
#define GITS_BASER_SHAREABILITY GENMASK(11, 10)
#define GITS_BASER_PAGE_SIZE GENMASK(9, 8) /* 0: 4K, 1: 16K, 2/3: 64K */
#define GITS_BASER_SIZE GENMASK(7, 0) /* pages - 1 */
#define GITS_BASER_TYPE_NONE 0
#define GITS_BASER_TYPE_DEVICE 1
#define GITS_BASER_TYPE_VCPU 2
#define GITS_BASER_TYPE_COLLECTION 4
/* A level-1 entry of an indirect table: valid, and the level-2 page. */
#define GITS_L1E_VALID BIT(63)
#define GITS_L1E_ADDR GENMASK(51, 12)

/* Cacheability and shareability encodings of CBASER/BASERn/PROPBASER. */
#define GIC_CACHE_RAWAWB 7 /* Normal, read- and write-allocate, write-back */
#define GIC_SHARE_INNER 1

/* ---- ITS commands (5.3): 32 bytes, four little-endian doublewords ---------- */
#define ITS_CMD_SIZE 32
#define ITS_CMD_MOVI 0x01
#define ITS_CMD_INT 0x03
#define ITS_CMD_CLEAR 0x04
#define ITS_CMD_SYNC 0x05
#define ITS_CMD_MAPD 0x08
#define ITS_CMD_MAPC 0x09
#define ITS_CMD_MAPTI 0x0a
#define ITS_CMD_MAPI 0x0b
#define ITS_CMD_INV 0x0c
#define ITS_CMD_INVALL 0x0d
#define ITS_CMD_MOVALL 0x0e
#define ITS_CMD_DISCARD 0x0f

#define ITS_CMD0_OP GENMASK(7, 0)
#define ITS_CMD0_DEVICEID GENMASK(63, 32)
#define ITS_CMD1_EVENTID GENMASK(31, 0)
#define ITS_CMD1_PINTID GENMASK(63, 32) /* MAPTI */
#define ITS_CMD1_SIZE GENMASK(4, 0) /* MAPD: EventID bits - 1 */
#define ITS_CMD2_ICID GENMASK(15, 0)
#define ITS_CMD2_RDBASE GENMASK(51, 16) /* MAPC, SYNC, MOVALL (also dword 3) */
#define ITS_CMD2_ITT_ADDR GENMASK(51, 8) /* MAPD: ITT_addr[51:8] */
#define ITS_CMD2_VALID BIT(63) /* MAPD, MAPC */

#define ITS_ITT_ALIGN 256
#define GIC_LPI_BASE 8192

/* ---- redistributor: RD_base frame, its first page ----------------------- */
#define GICR_FRAME_SIZE 0x20000 /* RD_base + SGI_base (GICv3) */
#define GICR_FRAME_SIZE_V4 0x40000 /* + VLPI_base + reserved (GICv4) */
#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078

#define GICR_CTLR_ENABLE_LPIS BIT(0)
#define GICR_CTLR_RWP BIT(3)
#define GICR_TYPER_PLPIS BIT(0)
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_TYPER_LAST BIT(4)
#define GICR_TYPER_PROC_NUM GENMASK(23, 8)
#define GICR_TYPER_AFFINITY GENMASK(63, 32)

#define GICR_PROPBASER_IDBITS GENMASK(4, 0) /* ID bits - 1 */
#define GICR_PROPBASER_ADDR GENMASK(51, 12)
#define GICR_PENDBASER_ADDR GENMASK(51, 16)

/* Distributor: how many INTID bits the GIC implements. */
#define GICD_TYPER 0x0004
#define GICD_TYPER_IDBITS GENMASK(23, 19) /* INTID bits - 1 */
#define GICD_TYPER_LPIS BIT(17)

#endif /* ISOHYP_GIC_REGS_H */
