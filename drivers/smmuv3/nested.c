// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode, the register file (ARCHITECTURE.md section 6 "Nested"; IHI
 * 0070 chapter 6 "Memory map and registers"). The host keeps its own SMMUv3
 * driver: both 64 KiB register pages of the SMMU trap (hyp/mmio.c) and are
 * emulated here, as a conforming SMMUv3 that implements stage 1 only.
 *
 * What the host sees:
 *  - ID registers (6.3.1-6.3.6) of what it may use: stage 1, AArch64 tables,
 *    the real SMMU's stream ID width, ASID width, 2-level stream and CD
 *    tables, granules, HAD/RIL/BBML; no stage 2, HYP, VMID16, ATS, PRI,
 *    MSIs, stalls, ECMDQ, substreams; OAS no larger than the hypervisor's
 *    stage 2 takes; queues no larger than the real ones (or our cap).
 *  - CR0/CR0ACK, CR1, CR2, GBPA with UPDATE, IRQ_CTRL/IRQ_CTRLACK (passed to
 *    the real SMMU: its wired interrupts stay the host's), GERROR/GERRORN,
 *    STRTAB_BASE/_CFG, CMDQ_BASE/PROD/CONS, EVTQ_BASE/PROD/CONS, each written
 *    only when the spec lets it be (a base while its enable is set is
 *    ignored) and masked to its fields. Everything else -- unimplemented
 *    features' registers, MSI configuration, PRI queue, ATOS -- is RES0:
 *    reads as zero, writes ignored.
 *  - Enables are acknowledged at once (CR0ACK), except one whose table or
 *    queue is not wholly host-owned RAM: that enable is refused -- logged,
 *    left clear in CR0ACK, so the host's driver times out waiting for it --
 *    and nothing else changes. An accepted table or queue is pinned (page
 *    state 5: DONATE fails with -EBUSY) until its enable is cleared.
 *
 * 32-bit registers take 32-bit accesses, 64-bit ones 32- or 64-bit (6.2);
 * anything else is refused (the host gets an external abort).
 *
 * The stream table shadow is nested_ste.c's, the command queue's
 * nested_cmdq.c's, the events' nested_evtq.c's.
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>

#include "nested.h"

/* The largest queues the host is offered (IDR1.CMDQS/EVENTQS), if the SMMU's are larger. */
#define NESTED_CMDQS_MAX 10 /* 1024 commands, 16 KiB */
#define NESTED_EVTQS_MAX 10 /* 1024 events, 32 KiB */

static struct smmu_nested nested_devs[BOOT_INFO_MAX_SMMUS];

static unsigned long smmu_pa(const struct smmu_nested *n)
{
	return (unsigned long)n->smmu->pa;
}

/* ---- the host's view ---------------------------------------------------------- */

/* IDR5.OAS encodings (6.3.6): the largest that is at most @bits. */
static u32 oas_encode(u32 bits)
{
	static const unsigned char enc_bits[] = { 32, 36, 40, 42, 44, 48 };
	u32 enc = 0;

	while (enc + 1 < ARRAY_SIZE(enc_bits) && enc_bits[enc + 1] <= bits)
		enc++;
	return enc;
}

/*
 * The ID registers of a stage-1-only SMMU: what the real one has of what the
 * host may use, nothing it may not (see the file comment).
 */
static void nested_idr_init(struct smmu_nested *n, u32 host_ia_bits)
{
	const struct arm_smmu_device *smmu = n->smmu;
	u32 cmdqs = FIELD_GET(IDR1_CMDQS, smmu->idr1), evtqs = FIELD_GET(IDR1_EVTQS, smmu->idr1);
	u32 oas = smmu->oas_bits < host_ia_bits ? smmu->oas_bits : host_ia_bits;

	n->idr[0] = IDR0_S1P | FIELD_PREP(IDR0_TTF, IDR0_TTF_AARCH64) |
		    (smmu->coherent ? IDR0_COHACC : 0) |
		    (smmu->idr0 & (IDR0_ASID16 | IDR0_CD2L | IDR0_TTENDIAN | IDR0_TERM_MODEL)) |
		    FIELD_PREP(IDR0_STALL_MODEL, IDR0_STALL_MODEL_NONE) |
		    (smmu->two_level ? FIELD_PREP(IDR0_ST_LVL, IDR0_ST_LVL_2LVL) : 0);
	n->idr[1] = FIELD_PREP(IDR1_SIDSIZE, smmu->sid_bits) |
		    FIELD_PREP(IDR1_EVTQS, evtqs < NESTED_EVTQS_MAX ? evtqs : NESTED_EVTQS_MAX) |
		    FIELD_PREP(IDR1_CMDQS, cmdqs < NESTED_CMDQS_MAX ? cmdqs : NESTED_CMDQS_MAX);
	n->idr[2] = 0; /* no VATOS */
	n->idr[3] = smmu->idr3 & (IDR3_HAD | IDR3_RIL | IDR3_BBML);
	n->idr[4] = 0; /* IMPLEMENTATION DEFINED: nothing */
	n->idr[5] = FIELD_PREP(IDR5_OAS, oas_encode(oas)) |
		    (smmu->idr5 & (IDR5_GRAN4K | IDR5_GRAN16K | IDR5_GRAN64K | IDR5_VAX));
}

/* ---- tables and queues the host names ----------------------------------------- */

/*
 * The SMMU treats a base's low bits as zero below the table's or queue's
 * size (6.3.23-6.3.26): the range it would use, from @addr for @bytes.
 */
static u64 aligned_base(u64 addr, u64 bytes)
{
	return addr & ~((bytes > 32 ? bytes : 32) - 1);
}

/* Pin [addr, addr + bytes) for a table or queue: 0, or why not (logged). */
static int nested_pin(struct smmu_nested *n, const char *what, u64 addr, u64 bytes)
{
	int ret = host_stage2_pin(addr, bytes);

	if (ret) {
		n->nr_refused++;
		pr_warn("smmu@%lx: host's %s at %lx (%lu bytes) is not host RAM%s: enable refused\n",
			smmu_pa(n), what, (unsigned long)addr, (unsigned long)bytes,
			ret == -ENOSPC ? " or cannot be pinned" : "");
	}
	return ret;
}

static void nested_unpin(u64 *addr, u64 *size)
{
	if (*size && host_stage2_unpin(*addr, *size))
		pr_err("smmu: unpin of %lx (%lu bytes): not pinned\n", (unsigned long)*addr,
		       (unsigned long)*size);
	*addr = *size = 0;
}

static int nested_queue_enable(struct smmu_nested *n, struct smmu_nested_queue *q, const char *what,
			       u32 log2, u32 ent_bytes)
{
	u64 bytes = (u64)ent_bytes << log2;
	u64 addr = aligned_base(q->base & Q_BASE_ADDR, bytes);
	int ret = nested_pin(n, what, addr, bytes);

	if (!ret) {
		q->pin_addr = addr;
		q->pin_size = bytes;
	}
	return ret;
}

/*
 * The stream table the host named (6.3.23, 6.3.24): its format must be one
 * the host was offered, a 2-level split one of 6, 8 or 10 (5.2); LOG2SIZE
 * beyond SIDSIZE acts as SIDSIZE. Level 1 (or the linear table) is pinned.
 */
static int nested_strtab_enable(struct smmu_nested *n)
{
	u32 cfg = n->strtab_base_cfg, fmt = FIELD_GET(STRTAB_BASE_CFG_FMT, cfg);
	u32 log2 = FIELD_GET(STRTAB_BASE_CFG_LOG2SIZE, cfg), split;
	u64 bytes, addr;
	int ret;

	if (log2 > FIELD_GET(IDR1_SIDSIZE, n->idr[1]))
		log2 = FIELD_GET(IDR1_SIDSIZE, n->idr[1]);
	if (fmt == STRTAB_BASE_CFG_FMT_LINEAR) {
		bytes = (u64)STRTAB_STE_SIZE << log2;
	} else if (fmt == STRTAB_BASE_CFG_FMT_2LVL && FIELD_GET(IDR0_ST_LVL, n->idr[0])) {
		split = FIELD_GET(STRTAB_BASE_CFG_SPLIT, cfg);
		if (split != 6 && split != 8 && split != 10) {
			n->nr_refused++;
			pr_warn("smmu@%lx: host's STRTAB_BASE_CFG %x: SPLIT %u is not 6, 8 or 10: "
				"enable refused\n",
				smmu_pa(n), cfg, split);
			return -EINVAL;
		}
		bytes = sizeof(u64) << (log2 > split ? log2 - split : 0);
	} else {
		n->nr_refused++;
		pr_warn("smmu@%lx: host's STRTAB_BASE_CFG %x: format %u not offered: enable "
			"refused\n",
			smmu_pa(n), cfg, fmt);
		return -EINVAL;
	}
	addr = aligned_base(n->strtab_base & STRTAB_BASE_ADDR, bytes);
	ret = nested_pin(n, "stream table", addr, bytes);
	if (!ret) {
		n->strtab_pin_addr = addr;
		n->strtab_pin_size = bytes;
	}
	return ret;
}

/* ---- CR0 --------------------------------------------------------------------- */

/*
 * Every stream's STE again. A failure is the real SMMU's (a command timed
 * out: it counts toward broken, which makes it abort everything): logged.
 */
static void nested_reshadow(struct smmu_nested *n, const char *why)
{
	int ret = smmu_nested_shadow_all(n);

	if (ret)
		pr_err("smmu@%lx: stream table not re-shadowed (%s): %d\n", smmu_pa(n), why, ret);
}

/*
 * CR0 (6.3.9): each enable that changes is done, or refused, before the
 * write returns; CR0ACK shows what took effect. Turning one off lets go of
 * its table or queue.
 */
static void nested_cr0_write(struct smmu_nested *n, u32 val)
{
	u32 on = val & ~n->cr0ack, off = n->cr0ack & ~val, was = n->cr0ack;

	n->cr0 = val & (CR0_SMMUEN | CR0_EVTQEN | CR0_CMDQEN); /* PRIQEN, ATSCHK, VMW: RES0 */
	if (off & CR0_CMDQEN)
		nested_unpin(&n->cmdq.pin_addr, &n->cmdq.pin_size);
	if (off & CR0_EVTQEN)
		nested_unpin(&n->evtq.pin_addr, &n->evtq.pin_size);
	if (off & CR0_SMMUEN)
		nested_unpin(&n->strtab_pin_addr, &n->strtab_pin_size);
	n->cr0ack &= ~off;
	if ((on & CR0_CMDQEN) && !nested_queue_enable(n, &n->cmdq, "command queue",
						      nested_cmdq_log2(n), CMDQ_ENT_DWORDS * 8))
		n->cr0ack |= CR0_CMDQEN;
	if ((on & CR0_EVTQEN) && !nested_queue_enable(n, &n->evtq, "event queue",
						      nested_evtq_log2(n), EVTQ_ENT_DWORDS * 8))
		n->cr0ack |= CR0_EVTQEN;
	if ((on & CR0_SMMUEN) && !nested_strtab_enable(n))
		n->cr0ack |= CR0_SMMUEN;
	/* Translation on or off: every stream's STE follows (nested_ste.c). */
	if ((was ^ n->cr0ack) & CR0_SMMUEN)
		nested_reshadow(n, "SMMUEN changed");
	/* Commands queued before the queue was enabled run now. */
	if (on & n->cr0ack & CR0_CMDQEN)
		smmu_nested_cmdq_process(n);
}

/* ---- other registers with effects --------------------------------------------- */

/*
 * IRQ_CTRL (6.3.15): the wired interrupts are the host's; the real SMMU's
 * follow what the host asks of the emulated one (no PRI: no PRIQ_IRQEN).
 * IRQ_CTRLACK says what the real one acknowledged.
 */
static void nested_irq_ctrl_write(struct smmu_nested *n, u32 val)
{
	struct arm_smmu_device *smmu = n->smmu;

	n->irq_ctrl = val & (IRQ_CTRL_GERROR_IRQEN | IRQ_CTRL_EVTQ_IRQEN);
	hyp_spin_lock(&smmu->lock);
	if (!smmu->broken) {
		smmu_write(smmu, SMMU_IRQ_CTRL, n->irq_ctrl);
		smmu_wait_reg(smmu, SMMU_IRQ_CTRLACK, ~0U, n->irq_ctrl);
		n->irq_ctrlack = smmu_read(smmu, SMMU_IRQ_CTRLACK) & n->irq_ctrl;
	}
	hyp_spin_unlock(&smmu->lock);
}

/* GBPA (6.3.14): an update with UPDATE set completes at once; UPDATE reads 0. */
static void nested_gbpa_write(struct smmu_nested *n, u32 val)
{
	u32 was = n->gbpa;

	if (!(val & GBPA_UPDATE))
		return; /* the fields change only with UPDATE */
	n->gbpa = val & (GBPA_ABORT | GBPA_INSTCFG | GBPA_PRIVCFG | GBPA_SHCFG | GBPA_ALLOCCFG |
			 GBPA_MTCFG | GBPA_MEMATTR);
	/* While the host's SMMU is off, GBPA is what every stream gets (nested_ste.c). */
	if (was != n->gbpa && !(n->cr0ack & CR0_SMMUEN))
		nested_reshadow(n, "GBPA changed");
}

/* ---- the MMIO handlers --------------------------------------------------------- */

static bool reg_is_64bit(u64 reg)
{
	return reg == SMMU_STRTAB_BASE || reg == SMMU_CMDQ_BASE || reg == SMMU_EVTQ_BASE;
}

/*
 * 64-bit registers of features the host is not offered (MSI configuration,
 * the PRI queue, ATOS): RAZ/WI at either width. Linux clears the MSI address
 * registers with 64-bit writes even when IDR0.MSI is 0.
 */
#define SMMU_GERROR_IRQ_CFG0 0x68
#define SMMU_EVTQ_IRQ_CFG0 0xb0
#define SMMU_PRIQ_BASE 0xc0
#define SMMU_PRIQ_IRQ_CFG0 0xd0
#define SMMU_GATOS_SID 0x108
#define SMMU_GATOS_ADDR 0x110
#define SMMU_GATOS_PAR 0x118

static bool reg_is_64bit_res0(u64 reg)
{
	return reg == SMMU_GERROR_IRQ_CFG0 || reg == SMMU_EVTQ_IRQ_CFG0 || reg == SMMU_PRIQ_BASE ||
	       reg == SMMU_PRIQ_IRQ_CFG0 || reg == SMMU_GATOS_SID || reg == SMMU_GATOS_ADDR ||
	       reg == SMMU_GATOS_PAR;
}

/* A 32- or 64-bit access to 64-bit register @reg at byte @sub within it (6.2). */
static u64 reg64_read(u64 reg, u64 sub, unsigned int size)
{
	return size == 8 ? reg : (reg >> (8 * sub)) & 0xffffffffULL;
}

static u64 reg64_write(u64 reg, u64 sub, unsigned int size, u64 val)
{
	u64 mask = size == 8 ? ~0ULL : 0xffffffffULL << (8 * sub);

	return (reg & ~mask) | ((size == 8 ? val : val << (8 * sub)) & mask);
}

/* 32-bit registers: 32-bit accesses; 64-bit ones: 64-bit, or 32-bit to a half. */
static int access_ok(u64 off, unsigned int size)
{
	if (size == 4)
		return 0;
	if (size == 8 && (reg_is_64bit(off) || reg_is_64bit_res0(off)))
		return 0;
	return -EINVAL;
}

static u32 nested_read32(struct smmu_nested *n, u64 off)
{
	switch (off) {
	case SMMU_IDR0:
	case SMMU_IDR1:
	case SMMU_IDR2:
	case SMMU_IDR3:
	case SMMU_IDR4:
	case SMMU_IDR5:
		return n->idr[off / 4];
	case SMMU_IIDR:
		return n->iidr;
	case SMMU_AIDR:
		return n->aidr;
	case SMMU_CR0:
		return n->cr0;
	case SMMU_CR0ACK:
		return n->cr0ack;
	case SMMU_CR1:
		return n->cr1;
	case SMMU_CR2:
		return n->cr2;
	case SMMU_GBPA:
		return n->gbpa;
	case SMMU_IRQ_CTRL:
		return n->irq_ctrl;
	case SMMU_IRQ_CTRLACK:
		return n->irq_ctrlack;
	case SMMU_GERROR:
		return n->gerror;
	case SMMU_GERRORN:
		return n->gerrorn;
	case SMMU_STRTAB_BASE_CFG:
		return n->strtab_base_cfg;
	case SMMU_CMDQ_PROD:
		return n->cmdq.prod;
	case SMMU_CMDQ_CONS:
		return n->cmdq.cons;
	case SMMU_EVTQ_PROD:
		/* Where the host's interrupt handler starts: its events arrive now. */
		smmu_nested_evtq_update(n);
		return n->evtq.prod;
	case SMMU_EVTQ_CONS:
		return n->evtq.cons;
	default:
		return 0; /* RES0, or a feature the host was not offered: RAZ */
	}
}

/*
 * The watchdog took the real SMMU over again (smmuv3.c): its stream table
 * and IRQ_CTRL are hidden mode's. Put the host's back before this access.
 */
static void nested_catch_up(struct smmu_nested *n)
{
	if (!__atomic_load_n(&n->smmu->reshadow, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&n->smmu->reshadow, false, __ATOMIC_RELAXED);
	nested_irq_ctrl_write(n, n->irq_ctrl);
	nested_reshadow(n, "the SMMU was taken over again");
}

static int nested_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct smmu_nested *n = priv;
	u64 reg = ALIGN_DOWN(off, 8), sub = off - reg;

	if (access_ok(off, size))
		return -EINVAL;
	nested_catch_up(n);
	if (reg_is_64bit(reg)) {
		u64 r = reg == SMMU_STRTAB_BASE ? n->strtab_base :
			reg == SMMU_CMDQ_BASE	? n->cmdq.base :
						  n->evtq.base;

		*val = reg64_read(r, sub, size);
		return 0;
	}
	*val = nested_read32(n, off);
	return 0;
}

/* A base register: written only while what uses it is off (6.3.23-6.3.26). */
static void base_write(u64 *reg, u64 mask, bool writable, u64 sub, unsigned int size, u64 val)
{
	if (writable)
		*reg = reg64_write(*reg, sub, size, val) & mask;
}

static void nested_write32(struct smmu_nested *n, u64 off, u32 val)
{
	bool smmu_off = !((n->cr0 | n->cr0ack) & CR0_SMMUEN);
	bool all_off = !((n->cr0 | n->cr0ack) & (CR0_SMMUEN | CR0_CMDQEN | CR0_EVTQEN));

	switch (off) {
	case SMMU_CR0:
		nested_cr0_write(n, val);
		break;
	case SMMU_CR1:
		if (all_off) /* 6.3.11: RO while anything is enabled */
			n->cr1 = val & GENMASK(11, 0);
		break;
	case SMMU_CR2:
		if (smmu_off) /* no HYP: E2H is RES0 */
			n->cr2 = val & (CR2_PTM | CR2_RECINVSID);
		break;
	case SMMU_GBPA:
		nested_gbpa_write(n, val);
		break;
	case SMMU_IRQ_CTRL:
		nested_irq_ctrl_write(n, val);
		break;
	case SMMU_GERRORN:
		n->gerrorn = val & GERROR_ALL;
		/* A command error acknowledged: the queue goes on (7.1). */
		if (!((n->gerror ^ n->gerrorn) & GERROR_CMDQ_ERR) &&
		    FIELD_GET(CMDQ_CONS_ERR, n->cmdq.cons)) {
			n->cmdq.cons &= ~CMDQ_CONS_ERR;
			smmu_nested_cmdq_process(n);
		}
		break;
	case SMMU_STRTAB_BASE_CFG:
		if (smmu_off)
			n->strtab_base_cfg = val & (STRTAB_BASE_CFG_FMT | STRTAB_BASE_CFG_SPLIT |
						    STRTAB_BASE_CFG_LOG2SIZE);
		break;
	case SMMU_CMDQ_PROD:
		n->cmdq.prod = val & nested_q_mask(nested_cmdq_log2(n));
		smmu_nested_cmdq_process(n);
		break;
	case SMMU_CMDQ_CONS:
		if (!((n->cr0 | n->cr0ack) & CR0_CMDQEN)) /* the SMMU's own while enabled */
			n->cmdq.cons = val & nested_q_mask(nested_cmdq_log2(n));
		break;
	case SMMU_EVTQ_PROD:
		if (!((n->cr0 | n->cr0ack) & CR0_EVTQEN))
			n->evtq.prod = val & (nested_q_mask(nested_evtq_log2(n)) | Q_OVERFLOW_FLAG);
		break;
	case SMMU_EVTQ_CONS:
		n->evtq.cons = val & (nested_q_mask(nested_evtq_log2(n)) | Q_OVERFLOW_FLAG);
		break;
	default:
		break; /* RO (ID registers, CR0ACK, GERROR...) or RES0: ignored */
	}
}

static int nested_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct smmu_nested *n = priv;
	u64 reg = ALIGN_DOWN(off, 8), sub = off - reg;
	u32 cr0 = n->cr0 | n->cr0ack;

	if (access_ok(off, size))
		return -EINVAL;
	nested_catch_up(n);
	if (reg == SMMU_STRTAB_BASE)
		base_write(&n->strtab_base, STRTAB_BASE_RA | STRTAB_BASE_ADDR, !(cr0 & CR0_SMMUEN),
			   sub, size, val);
	else if (reg == SMMU_CMDQ_BASE)
		base_write(&n->cmdq.base, Q_BASE_RWA | Q_BASE_ADDR | Q_BASE_LOG2SIZE,
			   !(cr0 & CR0_CMDQEN), sub, size, val);
	else if (reg == SMMU_EVTQ_BASE)
		base_write(&n->evtq.base, Q_BASE_RWA | Q_BASE_ADDR | Q_BASE_LOG2SIZE,
			   !(cr0 & CR0_EVTQEN), sub, size, val);
	else
		nested_write32(n, off, val);
	return 0;
}

static const struct hyp_mmio_ops nested_mmio_ops = { .read = nested_read, .write = nested_write };

int smmu_nested_register(struct arm_smmu_device *smmu, u32 host_ia_bits)
{
	struct smmu_nested *n = &nested_devs[smmu - smmus];
	int ret;

	*n = (struct smmu_nested){ 0 };
	n->smmu = smmu;
	nested_idr_init(n, host_ia_bits);
	n->iidr = smmu_read(smmu, SMMU_IIDR);
	n->aidr = smmu_read(smmu, SMMU_AIDR);
	/* Out of reset as firmware left it, but disabled: its global bypass or abort. */
	n->gbpa = smmu_read(smmu, SMMU_GBPA) & ~GBPA_UPDATE;
	n->region = (struct hyp_mmio_region){
		.name = "smmu",
		.base = smmu->pa,
		.size = SMMU_REG_SIZE,
		.ops = &nested_mmio_ops,
		.priv = n,
	};
	ret = hyp_mmio_register(&n->region);
	if (ret) {
		pr_err("smmu@%lx: cannot emulate its registers: %d\n", (unsigned long)smmu->pa,
		       ret);
		return ret;
	}
	smmu->nested = n;
	if (!smmu->coherent)
		pr_info("smmu@%lx: nested mode offers IDR0.COHACC 0: the host's stream table, "
			"commands and events are read and written at the PoC\n",
			(unsigned long)smmu->pa);
	return 0;
}

int smmu_nested_start(struct arm_smmu_device *smmu, struct hyp_pool *pool)
{
	struct smmu_nested *n = smmu->nested;
	int ret;

	/* The host runs later: no emulated access can come in meanwhile. */
	ret = smmu_nested_ste_init(n, pool);
	if (ret)
		pr_err("smmu@%lx: cannot shadow the stream table: %d\n", smmu_pa(n), ret);
	return ret;
}
