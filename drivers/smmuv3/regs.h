/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMMUv3 registers and in-memory formats (Arm IHI 0070): register offsets
 * SMMU_<REG>, their fields <REG>_<FIELD>, stream table entries STE_<dword>_<FIELD>,
 * commands CMDQ_<OP>_<dword>_<FIELD>, event records EVTQ_<dword>_<FIELD> -- the
 * spec's names, as masks for FIELD_PREP/FIELD_GET. Only what hidden mode and
 * the nested mode's emulated register file (nested.c) use is defined.
 */
#ifndef ISOHYP_SMMUV3_REGS_H
#define ISOHYP_SMMUV3_REGS_H

#include <isohyp/bits.h>

/* ---- registers, page 0 (6.3) and page 1 --------------------------------- */

#define SMMU_IDR0 0x0
#define IDR0_S2P BIT(0)
#define IDR0_S1P BIT(1)
#define IDR0_TTF GENMASK(3, 2)
#define IDR0_TTF_AARCH64 2
#define IDR0_TTF_AARCH32_64 3
#define IDR0_COHACC BIT(4)
#define IDR0_HYP BIT(9)
#define IDR0_ASID16 BIT(12)
#define IDR0_VMID16 BIT(18)
#define IDR0_CD2L BIT(19)
#define IDR0_TTENDIAN GENMASK(22, 21)
#define IDR0_TTENDIAN_BE 3
#define IDR0_STALL_MODEL GENMASK(25, 24)
#define IDR0_STALL_MODEL_NONE 1 /* stall not supported */
#define IDR0_TERM_MODEL BIT(26)
#define IDR0_ST_LVL GENMASK(28, 27)
#define IDR0_ST_LVL_2LVL 1

#define SMMU_IDR1 0x4
#define IDR1_SIDSIZE GENMASK(5, 0)
#define IDR1_SSIDSIZE GENMASK(10, 6)
#define IDR1_EVTQS GENMASK(20, 16)
#define IDR1_CMDQS GENMASK(25, 21)
#define IDR1_QUEUES_PRESET BIT(29)
#define IDR1_TABLES_PRESET BIT(30)

#define SMMU_IDR2 0x8
#define SMMU_IDR3 0xc
#define IDR3_HAD BIT(2)
#define IDR3_BBML GENMASK(12, 11)
#define IDR3_RIL BIT(10)

#define SMMU_IDR4 0x10
#define SMMU_IDR5 0x14
#define IDR5_OAS GENMASK(2, 0)
#define IDR5_GRAN4K BIT(4)
#define IDR5_GRAN16K BIT(5)
#define IDR5_GRAN64K BIT(6)
#define IDR5_VAX GENMASK(11, 10)

#define SMMU_IIDR 0x18
#define SMMU_AIDR 0x1c
#define AIDR_ARCH_MINOR GENMASK(3, 0)

#define SMMU_CR0 0x20
#define CR0_SMMUEN BIT(0)
#define CR0_PRIQEN BIT(1)
#define CR0_EVTQEN BIT(2)
#define CR0_CMDQEN BIT(3)
#define SMMU_CR0ACK 0x24

/* Attributes of the SMMU's own accesses to tables and queues (6.3.11). */
#define SMMU_CR1 0x28
#define CR1_TABLE_SH GENMASK(11, 10)
#define CR1_TABLE_OC GENMASK(9, 8)
#define CR1_TABLE_IC GENMASK(7, 6)
#define CR1_QUEUE_SH GENMASK(5, 4)
#define CR1_QUEUE_OC GENMASK(3, 2)
#define CR1_QUEUE_IC GENMASK(1, 0)
#define CR1_CACHE_NC 0
#define CR1_CACHE_WB 1
#define CR1_SH_OSH 2
#define CR1_SH_ISH 3

#define SMMU_CR2 0x2c
#define CR2_PTM BIT(2)
#define CR2_RECINVSID BIT(1)
#define CR2_E2H BIT(0)

#define SMMU_STATUSR 0x40
#define SMMU_GBPA 0x44
#define GBPA_UPDATE BIT(31)
#define GBPA_ABORT BIT(20)
#define GBPA_INSTCFG GENMASK(19, 18)
#define GBPA_PRIVCFG GENMASK(17, 16)
#define GBPA_SHCFG GENMASK(13, 12)
#define GBPA_ALLOCCFG GENMASK(11, 8)
#define GBPA_MTCFG BIT(4)
#define GBPA_MEMATTR GENMASK(3, 0)

#define SMMU_IRQ_CTRL 0x50
#define IRQ_CTRL_GERROR_IRQEN BIT(0)
#define IRQ_CTRL_PRIQ_IRQEN BIT(1)
#define IRQ_CTRL_EVTQ_IRQEN BIT(2)
#define SMMU_IRQ_CTRLACK 0x54

#define SMMU_GERROR 0x60
#define GERROR_CMDQ_ERR BIT(0)
#define GERROR_EVTQ_ABT_ERR BIT(2)
#define GERROR_PRIQ_ABT_ERR BIT(3)
#define GERROR_MSI_CMDQ_ABT_ERR BIT(4)
#define GERROR_MSI_EVTQ_ABT_ERR BIT(5)
#define GERROR_MSI_PRIQ_ABT_ERR BIT(6)
#define GERROR_MSI_GERROR_ABT_ERR BIT(7)
#define GERROR_SFM_ERR BIT(8)
#define GERROR_ALL GENMASK(8, 0)
#define SMMU_GERRORN 0x64

#define SMMU_STRTAB_BASE 0x80
#define STRTAB_BASE_RA BIT(62)
#define STRTAB_BASE_ADDR GENMASK(51, 6)
#define SMMU_STRTAB_BASE_CFG 0x88
#define STRTAB_BASE_CFG_FMT GENMASK(17, 16)
#define STRTAB_BASE_CFG_FMT_LINEAR 0
#define STRTAB_BASE_CFG_FMT_2LVL 1
#define STRTAB_BASE_CFG_SPLIT GENMASK(10, 6)
#define STRTAB_BASE_CFG_LOG2SIZE GENMASK(5, 0)

#define SMMU_CMDQ_BASE 0x90
#define SMMU_CMDQ_PROD 0x98
#define SMMU_CMDQ_CONS 0x9c
#define SMMU_EVTQ_BASE 0xa0
#define SMMU_PAGE1 0x10000
#define SMMU_EVTQ_PROD 0x100a8 /* page 1 */
#define SMMU_EVTQ_CONS 0x100ac
#define SMMU_REG_SIZE 0x20000 /* two 64 KiB pages */

/* Queue base (6.3.25): RA, ADDR, LOG2SIZE entries. */
#define Q_BASE_RWA BIT(62)
#define Q_BASE_ADDR GENMASK(51, 5)
#define Q_BASE_LOG2SIZE GENMASK(4, 0)
/* PROD/CONS: index, then the wrap bit right above it; CMDQ_CONS.ERR (6.3.27). */
#define Q_IDX_WRP GENMASK(19, 0)
#define Q_OVERFLOW_FLAG BIT(31)
#define CMDQ_CONS_ERR GENMASK(30, 24)
#define CMDQ_ERR_CERROR_NONE 0
#define CMDQ_ERR_CERROR_ILL 1
#define CMDQ_ERR_CERROR_ABT 2
#define CMDQ_ERR_CERROR_ATC_INV_SYNC 3

/* ---- stream table (5.1, 5.2) --------------------------------------------- */

#define STRTAB_STE_DWORDS 8
#define STRTAB_STE_SIZE (STRTAB_STE_DWORDS * 8)
/* Level-1 descriptor: L2Ptr and Span = log2(STEs in the level-2 table) + 1. */
#define STRTAB_L1_DESC_SPAN GENMASK(4, 0)
#define STRTAB_L1_DESC_L2PTR GENMASK(51, 6)
/* 2-level split: 64 STEs (4 KiB) per level-2 table. */
#define STRTAB_SPLIT 6

#define STE_0_V BIT(0)
#define STE_0_CFG GENMASK(3, 1)
#define STE_0_CFG_ABORT 0
#define STE_0_CFG_BYPASS 4
#define STE_0_CFG_S1_TRANS 5
#define STE_0_CFG_S2_TRANS 6
#define STE_0_CFG_S1_S2 7
#define STE_0_S1FMT GENMASK(5, 4)
#define STE_0_S1CTXPTR GENMASK(51, 6)
#define STE_0_S1CDMAX GENMASK(63, 59)
#define STE_1_S1DSS GENMASK(1, 0)
#define STE_1_S1CIR GENMASK(3, 2)
#define STE_1_S1COR GENMASK(5, 4)
#define STE_1_S1CSH GENMASK(7, 6)
#define STE_1_S1STALLD BIT(27)
#define STE_1_EATS GENMASK(29, 28)
#define STE_1_STRW GENMASK(31, 30)
#define STE_1_MEMATTR GENMASK(35, 32)
#define STE_1_MTCFG BIT(36)
#define STE_1_ALLOCCFG GENMASK(40, 37)
#define STE_1_SHCFG GENMASK(45, 44)
#define STE_1_SHCFG_INCOMING 1
#define STE_1_PRIVCFG GENMASK(49, 48)
#define STE_1_INSTCFG GENMASK(51, 50)
#define STE_2_S2VMID GENMASK(15, 0)
#define STE_2_S2T0SZ GENMASK(37, 32)
#define STE_2_S2SL0 GENMASK(39, 38)
#define STE_2_S2IR0 GENMASK(41, 40)
#define STE_2_S2OR0 GENMASK(43, 42)
#define STE_2_S2SH0 GENMASK(45, 44)
#define STE_2_S2TG GENMASK(47, 46)
#define STE_2_S2PS GENMASK(50, 48)
#define STE_2_S2AA64 BIT(51)
#define STE_2_S2ENDI BIT(52)
#define STE_2_S2AFFD BIT(53)
#define STE_2_S2PTW BIT(54)
#define STE_2_S2S BIT(57)
#define STE_2_S2R BIT(58)
#define STE_3_S2TTB GENMASK(51, 4)
#define S2_RGN_NC 0
#define S2_RGN_WBWA 1
#define S2_SH_OSH 2
#define S2_SH_ISH 3
#define S2_TG_4K 0

/* ---- commands (4.1 to 4.7) ----------------------------------------------- */

#define CMDQ_ENT_DWORDS 2
#define CMDQ_0_OP GENMASK(7, 0)
#define CMDQ_OP_PREFETCH_CONFIG 0x1
#define CMDQ_OP_PREFETCH_ADDR 0x2
#define CMDQ_OP_CFGI_STE 0x3
#define CMDQ_OP_CFGI_ALL 0x4 /* CFGI_STE_RANGE, Range 31 */
#define CMDQ_OP_CFGI_STE_RANGE 0x4
#define CMDQ_OP_CFGI_CD 0x5
#define CMDQ_OP_CFGI_CD_ALL 0x6
#define CMDQ_OP_TLBI_NH_ALL 0x10
#define CMDQ_OP_TLBI_NH_ASID 0x11
#define CMDQ_OP_TLBI_NH_VA 0x12
#define CMDQ_OP_TLBI_NH_VAA 0x13
#define CMDQ_OP_TLBI_EL2_ALL 0x20
#define CMDQ_OP_TLBI_S12_VMALL 0x28
#define CMDQ_OP_TLBI_S2_IPA 0x2a
#define CMDQ_OP_TLBI_NSNH_ALL 0x30
#define CMDQ_OP_CMD_SYNC 0x46
#define CMDQ_CFGI_0_SSID GENMASK(31, 12)
#define CMDQ_CFGI_0_SID GENMASK(63, 32)
#define CMDQ_CFGI_1_LEAF BIT(0)
#define CMDQ_CFGI_1_RANGE GENMASK(4, 0)
#define CMDQ_TLBI_0_NUM GENMASK(16, 12)
#define CMDQ_TLBI_0_SCALE GENMASK(24, 20)
#define CMDQ_TLBI_0_VMID GENMASK(47, 32)
#define CMDQ_TLBI_0_ASID GENMASK(63, 48)
#define CMDQ_TLBI_1_LEAF BIT(0)
#define CMDQ_TLBI_1_TTL GENMASK(9, 8)
#define CMDQ_TLBI_1_TG GENMASK(11, 10)
#define CMDQ_TLBI_1_IPA_MASK GENMASK(51, 12)
#define CMDQ_TLBI_1_VA_MASK GENMASK(63, 12)
#define CMDQ_TLBI_RANGE_NUM_MAX 31
#define CMDQ_SYNC_0_CS GENMASK(13, 12)
#define CMDQ_SYNC_0_CS_NONE 0
#define CMDQ_SYNC_0_CS_IRQ 1
#define CMDQ_SYNC_0_CS_SEV 2

/* ---- events (7.3) -------------------------------------------------------- */

#define EVTQ_ENT_DWORDS 4
#define EVTQ_0_ID GENMASK(7, 0)
#define EVTQ_0_SSV BIT(11)
#define EVTQ_0_SSID GENMASK(31, 12)
#define EVTQ_0_SID GENMASK(63, 32)
#define EVTQ_1_RNW BIT(35)
#define EVTQ_1_S2 BIT(39)
#define EVTQ_1_CLASS GENMASK(41, 40)
#define EVT_ID_BAD_STREAMID 0x02
#define EVT_ID_STE_FETCH 0x03
#define EVT_ID_BAD_STE 0x04
#define EVT_ID_BAD_SUBSTREAMID 0x08
#define EVT_ID_CD_FETCH 0x09
#define EVT_ID_BAD_CD 0x0a
#define EVT_ID_WALK_EABT 0x0b
#define EVT_ID_TRANSLATION 0x10
#define EVT_ID_ADDR_SIZE 0x11
#define EVT_ID_ACCESS 0x12
#define EVT_ID_PERMISSION 0x13

/*
 * Queue sizes we use, at most (IDR1 may allow less). Commands: one page, the
 * driver waits on each CMD_SYNC. Events: 64 KiB, so a burst is kept whole
 * until the next host trap drains it -- a refused 4 KiB DMA can be hundreds
 * of faulting transactions (QEMU records every 4-byte beat: 1024).
 */
#define CMDQ_LOG2SIZE 8 /* 256 x 16 bytes */
#define EVTQ_LOG2SIZE 11 /* 2048 x 32 bytes */

/* Every bounded wait on the SMMU: generous for models, long for hardware. */
#define SMMU_POLL_TIMEOUT_US 1000000

/*
 * Consecutive command timeouts (a CMD_SYNC not consumed, a queue that stays
 * full) after which an SMMU is dead: marked broken, never waited on again.
 * One can be a transient (a slow ATC invalidation, a busy model); three in a
 * row with no CMD_SYNC completing in between -- at least three seconds
 * without progress -- is not. Any completed CMD_SYNC starts the count anew.
 */
#define SMMU_BROKEN_TIMEOUTS 3

/* The VMID of the host's stage-2 in every STE. */
#define SMMU_HOST_VMID 0

#endif /* ISOHYP_SMMUV3_REGS_H */
