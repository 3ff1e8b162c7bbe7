/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SMMUv3 driver's registers, in-memory structures and internal API
 * (ARCHITECTURE.md section 6). Field names follow the Arm SMMUv3
 * architecture specification (IHI 0070); the section of each is cited.
 * Only what stage-2-only, hidden-mode operation needs is defined.
 */
#ifndef ISOHYP_SMMUV3_H
#define ISOHYP_SMMUV3_H

#include <asm/spinlock.h>
#include <isohyp/bits.h>
#include <isohyp/boot_info.h>
#include <isohyp/page_alloc.h>
#include <isohyp/iommu_drivers.h>
#include <isohyp/pgtable.h>

/* ---- registers, page 0 (6.3) and page 1 --------------------------------- */

#define ARM_SMMU_IDR0 0x0
#define IDR0_S2P BIT(0)
#define IDR0_S1P BIT(1)
#define IDR0_TTF GENMASK(3, 2)
#define IDR0_TTF_AARCH64 2
#define IDR0_TTF_AARCH32_64 3
#define IDR0_COHACC BIT(4)
#define IDR0_HYP BIT(9)
#define IDR0_VMID16 BIT(18)
#define IDR0_TTENDIAN GENMASK(22, 21)
#define IDR0_TTENDIAN_BE 3
#define IDR0_ST_LVL GENMASK(28, 27)
#define IDR0_ST_LVL_2LVL 1

#define ARM_SMMU_IDR1 0x4
#define IDR1_SIDSIZE GENMASK(5, 0)
#define IDR1_EVTQS GENMASK(20, 16)
#define IDR1_CMDQS GENMASK(25, 21)
#define IDR1_QUEUES_PRESET BIT(29)
#define IDR1_TABLES_PRESET BIT(30)

#define ARM_SMMU_IDR3 0xc
#define IDR3_BBML GENMASK(12, 11)
#define IDR3_RIL BIT(10)

#define ARM_SMMU_IDR5 0x14
#define IDR5_OAS GENMASK(2, 0)
#define IDR5_GRAN4K BIT(4)

#define ARM_SMMU_IIDR 0x18
#define ARM_SMMU_AIDR 0x1c
#define AIDR_ARCH_MINOR GENMASK(3, 0)

#define ARM_SMMU_CR0 0x20
#define CR0_SMMUEN BIT(0)
#define CR0_EVTQEN BIT(2)
#define CR0_CMDQEN BIT(3)
#define ARM_SMMU_CR0ACK 0x24

/* Attributes of the SMMU's own accesses to tables and queues (6.3.11). */
#define ARM_SMMU_CR1 0x28
#define CR1_TABLE_SH GENMASK(11, 10)
#define CR1_TABLE_OC GENMASK(9, 8)
#define CR1_TABLE_IC GENMASK(7, 6)
#define CR1_QUEUE_SH GENMASK(5, 4)
#define CR1_QUEUE_OC GENMASK(3, 2)
#define CR1_QUEUE_IC GENMASK(1, 0)
#define CR1_CACHE_WB 1
#define CR1_SH_ISH 3

#define ARM_SMMU_CR2 0x2c
#define CR2_PTM BIT(2)
#define CR2_RECINVSID BIT(1)

#define ARM_SMMU_GBPA 0x44
#define GBPA_UPDATE BIT(31)
#define GBPA_ABORT BIT(20)

#define ARM_SMMU_IRQ_CTRL 0x50
#define ARM_SMMU_IRQ_CTRLACK 0x54

#define ARM_SMMU_GERROR 0x60
#define GERROR_CMDQ_ERR BIT(0)
#define GERROR_EVTQ_ABT_ERR BIT(2)
#define GERROR_PRIQ_ABT_ERR BIT(3)
#define GERROR_MSI_CMDQ_ABT_ERR BIT(4)
#define GERROR_MSI_EVTQ_ABT_ERR BIT(5)
#define GERROR_MSI_PRIQ_ABT_ERR BIT(6)
#define GERROR_MSI_GERROR_ABT_ERR BIT(7)
#define GERROR_SFM_ERR BIT(8)
#define GERROR_ALL GENMASK(8, 0)
#define ARM_SMMU_GERRORN 0x64

#define ARM_SMMU_STRTAB_BASE 0x80
#define STRTAB_BASE_RA BIT(62)
#define STRTAB_BASE_ADDR GENMASK(51, 6)
#define ARM_SMMU_STRTAB_BASE_CFG 0x88
#define STRTAB_BASE_CFG_FMT GENMASK(17, 16)
#define STRTAB_BASE_CFG_FMT_LINEAR 0
#define STRTAB_BASE_CFG_FMT_2LVL 1
#define STRTAB_BASE_CFG_SPLIT GENMASK(10, 6)
#define STRTAB_BASE_CFG_LOG2SIZE GENMASK(5, 0)

#define ARM_SMMU_CMDQ_BASE 0x90
#define ARM_SMMU_CMDQ_PROD 0x98
#define ARM_SMMU_CMDQ_CONS 0x9c
#define ARM_SMMU_EVTQ_BASE 0xa0
#define ARM_SMMU_EVTQ_PROD 0x100a8 /* page 1 */
#define ARM_SMMU_EVTQ_CONS 0x100ac
#define ARM_SMMU_REG_SIZE 0x20000 /* two 64 KiB pages */

/* Queue base (6.3.25): RA, ADDR, LOG2SIZE entries. */
#define Q_BASE_RWA BIT(62)
#define Q_BASE_ADDR GENMASK(51, 5)
#define Q_BASE_LOG2SIZE GENMASK(4, 0)
/* PROD/CONS: index, then the wrap bit right above it; CMDQ_CONS.ERR (6.3.27). */
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

#define STRTAB_STE_0_V BIT(0)
#define STRTAB_STE_0_CFG GENMASK(3, 1)
#define STRTAB_STE_0_CFG_ABORT 0
#define STRTAB_STE_0_CFG_S2_TRANS 6
#define STRTAB_STE_1_SHCFG GENMASK(45, 44)
#define STRTAB_STE_1_SHCFG_INCOMING 1
#define STRTAB_STE_2_S2VMID GENMASK(15, 0)
#define STRTAB_STE_2_S2T0SZ GENMASK(37, 32)
#define STRTAB_STE_2_S2SL0 GENMASK(39, 38)
#define STRTAB_STE_2_S2IR0 GENMASK(41, 40)
#define STRTAB_STE_2_S2OR0 GENMASK(43, 42)
#define STRTAB_STE_2_S2SH0 GENMASK(45, 44)
#define STRTAB_STE_2_S2TG GENMASK(47, 46)
#define STRTAB_STE_2_S2PS GENMASK(50, 48)
#define STRTAB_STE_2_S2AA64 BIT(51)
#define STRTAB_STE_2_S2ENDI BIT(52)
#define STRTAB_STE_2_S2AFFD BIT(53)
#define STRTAB_STE_2_S2PTW BIT(54)
#define STRTAB_STE_2_S2S BIT(57)
#define STRTAB_STE_2_S2R BIT(58)
#define STRTAB_STE_3_S2TTB GENMASK(51, 4)
#define S2_RGN_WBWA 1
#define S2_SH_ISH 3
#define S2_TG_4K 0

/* ---- commands (4.1 to 4.7) ----------------------------------------------- */

#define CMDQ_ENT_DWORDS 2
#define CMDQ_0_OP GENMASK(7, 0)
#define CMDQ_OP_CFGI_STE 0x3
#define CMDQ_OP_CFGI_ALL 0x4
#define CMDQ_OP_TLBI_EL2_ALL 0x20
#define CMDQ_OP_TLBI_S12_VMALL 0x28
#define CMDQ_OP_TLBI_S2_IPA 0x2a
#define CMDQ_OP_TLBI_NSNH_ALL 0x30
#define CMDQ_OP_CMD_SYNC 0x46
#define CMDQ_CFGI_0_SID GENMASK(63, 32)
#define CMDQ_CFGI_1_LEAF BIT(0)
#define CMDQ_CFGI_1_RANGE GENMASK(4, 0)
#define CMDQ_TLBI_0_NUM GENMASK(16, 12)
#define CMDQ_TLBI_0_SCALE GENMASK(24, 20)
#define CMDQ_TLBI_0_VMID GENMASK(47, 32)
#define CMDQ_TLBI_1_LEAF BIT(0)
#define CMDQ_TLBI_1_TTL GENMASK(9, 8)
#define CMDQ_TLBI_1_TG GENMASK(11, 10)
#define CMDQ_TLBI_1_IPA_MASK GENMASK(51, 12)
#define CMDQ_TLBI_RANGE_NUM_MAX 31
#define CMDQ_SYNC_0_CS GENMASK(13, 12)
#define CMDQ_SYNC_0_CS_NONE 0

/* ---- events (7.3) -------------------------------------------------------- */

#define EVTQ_ENT_DWORDS 4
#define EVTQ_0_ID GENMASK(7, 0)
#define EVTQ_0_SID GENMASK(63, 32)
#define EVTQ_1_RNW BIT(35)
#define EVTQ_1_S2 BIT(39)
#define EVTQ_1_CLASS GENMASK(41, 40)
#define EVT_ID_BAD_STREAMID 0x02
#define EVT_ID_STE_FETCH 0x03
#define EVT_ID_BAD_STE 0x04
#define EVT_ID_WALK_EABT 0x0b
#define EVT_ID_TRANSLATION 0x10
#define EVT_ID_ADDR_SIZE 0x11
#define EVT_ID_ACCESS 0x12
#define EVT_ID_PERMISSION 0x13

/* Queue sizes we use: one page each. */
#define CMDQ_LOG2SIZE 8 /* 256 x 16 bytes */
#define EVTQ_LOG2SIZE 7 /* 128 x 32 bytes */

/* Every bounded wait on the SMMU: generous for models, long for hardware. */
#define ARM_SMMU_POLL_TIMEOUT_US 1000000

/* The VMID of the host's stage-2 in every STE. */
#define ARM_SMMU_HOST_VMID 0

struct arm_smmu_queue {
	u64 *base;
	u32 log2size;
	u32 dwords; /* per entry */
	u32 prod, cons; /* shadow, with the wrap bit */
	u64 prod_reg, cons_reg; /* offsets */
};

struct arm_smmu_device {
	volatile u8 *base;
	u64 pa, size;
	u32 idr0, idr1, idr3, idr5;
	u32 fw_cr0, fw_gbpa; /* as firmware left them, to hand back on failure */
	bool touched; /* reset started: registers no longer as firmware left them */
	u32 sid_bits;
	u32 oas_bits;
	bool two_level;
	bool ril;
	struct arm_smmu_queue cmdq, evtq;
	u64 *strtab; /* linear table, or level 1 */
	u64 *l2_strtab; /* the one level-2 table every level-1 descriptor shares */
	u32 strtab_pages;
	hyp_spinlock_t lock; /* queues and registers */
	/* Event accounting, under lock. */
	u64 nr_s2_faults, nr_other_events, last_fault_addr;
	u32 nr_fault_logs;
};

/* What the driver asked of the hardware, for tests and benchmarks. */
struct arm_smmu_stats {
	u64 nr_cmds, nr_tlbi, nr_sync;
};

/* queue.c: commands, CMD_SYNC and bounded waits, events, GERROR. */
int smmu_queue_init(struct arm_smmu_device *smmu, struct hyp_pool *pool);
int smmu_cmdq_issue(struct arm_smmu_device *smmu, const u64 *cmd);
int smmu_cmdq_sync(struct arm_smmu_device *smmu);
void smmu_build_cfgi_all(u64 *cmd);
void smmu_build_tlbi_s2_ipa(u64 *cmd, u64 addr, u32 num, u32 scale, bool range);
void smmu_build_opcode(u64 *cmd, u8 op);
void smmu_build_vmall(u64 *cmd, u16 vmid);
int smmu_wait_reg(struct arm_smmu_device *smmu, u64 off, u32 mask, u32 want);
void smmu_evtq_drain(struct arm_smmu_device *smmu);
int smmu_gerror_check(struct arm_smmu_device *smmu);
const char *smmu_event_name(u8 id);

/* strtab.c: the stream table and the STE every stream ID gets. */
int smmu_strtab_init(struct arm_smmu_device *smmu, struct hyp_pool *pool,
		     const struct kvm_pgtable *pgt);
void smmu_ste_s2(u64 *ste, const struct kvm_pgtable *pgt, u32 oas_bits);

extern struct arm_smmu_stats arm_smmu_stats;

#include <asm/io.h>

static inline u32 smmu_read(struct arm_smmu_device *smmu, u64 off)
{
	return readl_relaxed(smmu->base + off);
}

static inline void smmu_write(struct arm_smmu_device *smmu, u64 off, u32 v)
{
	writel(v, smmu->base + off);
}

static inline void smmu_write64(struct arm_smmu_device *smmu, u64 off, u64 v)
{
	writeq(v, smmu->base + off);
}

#endif /* ISOHYP_SMMUV3_H */
