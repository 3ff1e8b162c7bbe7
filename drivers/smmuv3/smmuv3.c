// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SMMUv3 driver, hidden mode (ARCHITECTURE.md section 6): the host does
 * not see the SMMUs; the hypervisor takes each one over, points every stream
 * ID at one identity stage-2 table and keeps that table equal to the host's
 * CPU stage-2 through the iommu core's host_stage2_idmap().
 *
 * This file: probe (ID registers and the refusals), takeover and reset (no
 * translation until the iommu core's snapshot filled the identity map: then
 * enable), the watchdog (an SMMU reset or powered off behind the hypervisor's
 * back is taken over again before the host runs on; a dead one is made to
 * abort all DMA), the hand-back when the hypervisor will not run, and the
 * kvm_iommu_ops. The
 * identity table is io_pgtable.c's, the queues cmdq.c's and evtq.c's, the
 * stream table strtab.c's.
 *
 * An SMMU walks coherently only when it can (IDR0.COHACC) and the device tree
 * says the system lets it ("dma-coherent"). Otherwise it is given
 * Non-cacheable, outer-shareable attributes and everything it reads is
 * cleaned to the PoC first (smmu_sync_for_device(), io_pgtable.c's mm_ops).
 */
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/panic.h>
#include <isohyp/iommu.h>
#include <isohyp/lock.h>

#include "smmuv3.h"

struct arm_smmu_device smmus[BOOT_INFO_MAX_SMMUS];
unsigned int nr_smmus;
struct hyp_pool *smmu_pool;
static u32 smmu_host_ia_bits;

/* IDR5.OAS and STE.S2PS encodings (6.3.6). */
static const unsigned char oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

/* Read the ID registers; refuse what this driver cannot drive safely. */
static int smmu_probe(struct arm_smmu_device *smmu, bool dt_coherent)
{
	u32 ttf, oas;

	smmu->idr0 = smmu_read(smmu, SMMU_IDR0);
	smmu->idr1 = smmu_read(smmu, SMMU_IDR1);
	smmu->idr3 = smmu_read(smmu, SMMU_IDR3);
	smmu->idr5 = smmu_read(smmu, SMMU_IDR5);
	ttf = FIELD_GET(IDR0_TTF, smmu->idr0);
	pr_info("smmu@%lx: IDR0 %x IDR1 %x IDR3 %x IDR5 %x\n", (unsigned long)smmu->pa, smmu->idr0,
		smmu->idr1, smmu->idr3, smmu->idr5);
	if (!(smmu->idr0 & IDR0_S2P)) {
		pr_err("smmu@%lx: no stage-2 translation (IDR0.S2P = 0): cannot isolate DMA\n",
		       (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	if (smmu->mode == BOOT_SMMU_NESTED && !(smmu->idr0 & IDR0_S1P)) {
		pr_err("smmu@%lx: nested mode without stage-1 translation (IDR0.S1P = 0)\n",
		       (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	if (ttf != IDR0_TTF_AARCH64 && ttf != IDR0_TTF_AARCH32_64) {
		pr_err("smmu@%lx: no AArch64 translation tables (IDR0.TTF = %u)\n",
		       (unsigned long)smmu->pa, ttf);
		return -EOPNOTSUPP;
	}
	if (FIELD_GET(IDR0_TTENDIAN, smmu->idr0) == IDR0_TTENDIAN_BE) {
		pr_err("smmu@%lx: big-endian table walks only\n", (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	/* Either one saying "not coherent" is enough: cache maintenance is always safe. */
	smmu->coherent = (smmu->idr0 & IDR0_COHACC) && dt_coherent;
	if (!!(smmu->idr0 & IDR0_COHACC) != dt_coherent)
		pr_warn("smmu@%lx: IDR0.COHACC %u but dma-coherent %u in the device tree: "
			"non-coherent table walks, with cache maintenance\n",
			(unsigned long)smmu->pa, !!(smmu->idr0 & IDR0_COHACC), dt_coherent);
	if (smmu->idr1 & (IDR1_TABLES_PRESET | IDR1_QUEUES_PRESET)) {
		pr_err("smmu@%lx: preset tables or queues (IDR1 %x): cannot own them\n",
		       (unsigned long)smmu->pa, smmu->idr1);
		return -EOPNOTSUPP;
	}
	if (!(smmu->idr5 & IDR5_GRAN4K)) {
		pr_err("smmu@%lx: no 4 KiB translation granule\n", (unsigned long)smmu->pa);
		return -EOPNOTSUPP;
	}
	oas = FIELD_GET(IDR5_OAS, smmu->idr5);
	smmu->oas_bits = oas < ARRAY_SIZE(oas_bits) ? oas_bits[oas] : 48;
	if (smmu->oas_bits > 48)
		smmu->oas_bits = 48; /* 52-bit tables are not used */
	smmu->sid_bits = FIELD_GET(IDR1_SIDSIZE, smmu->idr1);
	smmu->two_level = FIELD_GET(IDR0_ST_LVL, smmu->idr0) == IDR0_ST_LVL_2LVL &&
			  smmu->sid_bits > STRTAB_SPLIT;
	smmu->ril = smmu->idr3 & IDR3_RIL;
	if (!FIELD_GET(IDR1_CMDQS, smmu->idr1) || !FIELD_GET(IDR1_EVTQS, smmu->idr1)) {
		pr_err("smmu@%lx: one-entry queues (IDR1 %x)\n", (unsigned long)smmu->pa,
		       smmu->idr1);
		return -EOPNOTSUPP;
	}
	return 0;
}

hyp_deadline_t smmu_wait_deadline(struct arm_smmu_device *smmu)
{
	return hyp_deadline_us(smmu->timeout_call == hyp_call_id() ? 0 : SMMU_POLL_TIMEOUT_US);
}

bool smmu_wait_timed_out(struct arm_smmu_device *smmu)
{
	u64 call = hyp_call_id();

	if (smmu->timeout_call == call)
		return false;
	smmu->timeout_call = call;
	return true;
}

/* Poll register @off until (value & mask) == want, or the timeout. */
int smmu_wait_reg(struct arm_smmu_device *smmu, u64 off, u32 mask, u32 want)
{
	hyp_deadline_t d = smmu_wait_deadline(smmu);

	for (;;) {
		if ((smmu_read(smmu, off) & mask) == want)
			return 0;
		if (hyp_deadline_passed(d))
			break;
	}
	if (!smmu_wait_timed_out(smmu))
		return -ETIMEDOUT; /* this call's timeout was spent already: no second one */
	pr_err("smmu@%lx: register %lx stuck at %x (waiting for %x under mask %x)\n",
	       (unsigned long)smmu->pa, (unsigned long)off, smmu_read(smmu, off), want, mask);
	return -ETIMEDOUT;
}

static int smmu_write_cr0(struct arm_smmu_device *smmu, u32 val)
{
	smmu_write(smmu, SMMU_CR0, val);
	return smmu_wait_reg(smmu, SMMU_CR0ACK, ~0U, val);
}

/*
 * Make every transaction abort while SMMUEN is 0 (GBPA, with the UPDATE
 * handshake, 6.3.14). Nothing to do when it already says so.
 */
static int smmu_gbpa_abort(struct arm_smmu_device *smmu)
{
	int ret;

	if ((smmu_read(smmu, SMMU_GBPA) & (GBPA_ABORT | GBPA_UPDATE)) == GBPA_ABORT)
		return 0;
	ret = smmu_wait_reg(smmu, SMMU_GBPA, GBPA_UPDATE, 0);
	if (!ret) {
		smmu_write(smmu, SMMU_GBPA, GBPA_ABORT | GBPA_UPDATE);
		ret = smmu_wait_reg(smmu, SMMU_GBPA, GBPA_UPDATE, 0);
	}
	/* The update completed: ABORT must read back, else it did not take. */
	if (!ret && !(smmu_read(smmu, SMMU_GBPA) & GBPA_ABORT))
		ret = -EIO;
	return ret;
}

/*
 * Stop the SMMU, whatever left it running: abort every transaction while it
 * is disabled (GBPA first, so disabling never opens a bypass), disable it
 * and wait for CR0ACK (6.3.9), forget earlier errors, no interrupts (the
 * hypervisor polls; the host owns the GIC).
 */
static int smmu_stop(struct arm_smmu_device *smmu)
{
	int ret = smmu_gbpa_abort(smmu);

	if (!ret)
		ret = smmu_write_cr0(smmu, 0);
	if (ret)
		return ret;
	smmu_write(smmu, SMMU_GERRORN, smmu_read(smmu, SMMU_GERROR));
	smmu_write(smmu, SMMU_IRQ_CTRL, 0);
	return smmu_wait_reg(smmu, SMMU_IRQ_CTRLACK, ~0U, 0);
}

/* Remember how firmware left the SMMU (to hand it back on failure), then stop it. */
static int smmu_quiesce(struct arm_smmu_device *smmu)
{
	smmu->fw_cr0 = smmu_read(smmu, SMMU_CR0);
	smmu->fw_gbpa = smmu_read(smmu, SMMU_GBPA) & ~GBPA_UPDATE;
	smmu->touched = true;
	if (smmu->fw_cr0 & CR0_SMMUEN)
		pr_info("smmu@%lx: firmware left it enabled: taking it over\n",
			(unsigned long)smmu->pa);
	return smmu_stop(smmu);
}

/* Forget anything cached from before the tables were ours: configuration, TLBs. */
static int smmu_invalidate_all_locked(struct arm_smmu_device *smmu)
{
	u64 cmd[CMDQ_ENT_DWORDS];
	int ret;

	hyp_assert_lock_held(&smmu->lock);
	smmu_build_cfgi_all(cmd);
	ret = smmu_cmdq_issue(smmu, cmd);
	if (!ret && (smmu->idr0 & IDR0_HYP)) {
		smmu_build_opcode(cmd, CMDQ_OP_TLBI_EL2_ALL); /* illegal without IDR0.HYP */
		ret = smmu_cmdq_issue(smmu, cmd);
	}
	if (!ret) {
		smmu_build_opcode(cmd, CMDQ_OP_TLBI_NSNH_ALL);
		ret = smmu_cmdq_issue(smmu, cmd);
	}
	if (!ret)
		ret = smmu_cmdq_sync(smmu);
	return ret;
}

/*
 * Table and queue attributes: write-back inner shareable when coherent, else
 * Non-cacheable outer shareable (the PoC, where the CPU cleaned them).
 * Transactions with stream IDs beyond SIDSIZE are recorded as C_BAD_STREAMID.
 */
static void smmu_write_cr1_cr2(struct arm_smmu_device *smmu)
{
	u32 sh = smmu->coherent ? CR1_SH_ISH : CR1_SH_OSH;
	u32 cache = smmu->coherent ? CR1_CACHE_WB : CR1_CACHE_NC;

	smmu_write(smmu, SMMU_CR1,
		   FIELD_PREP(CR1_TABLE_SH, sh) | FIELD_PREP(CR1_TABLE_OC, cache) |
			   FIELD_PREP(CR1_TABLE_IC, cache) | FIELD_PREP(CR1_QUEUE_SH, sh) |
			   FIELD_PREP(CR1_QUEUE_OC, cache) | FIELD_PREP(CR1_QUEUE_IC, cache));
	smmu_write(smmu, SMMU_CR2, CR2_PTM | CR2_RECINVSID);
}

/* What the watchdog will compare, as the SMMU reads it back now. */
static void smmu_record_set(struct arm_smmu_device *smmu)
{
	smmu->set.strtab_base = smmu_read64(smmu, SMMU_STRTAB_BASE);
	smmu->set.strtab_base_cfg = smmu_read(smmu, SMMU_STRTAB_BASE_CFG);
	smmu->set.cmdq_base = smmu_read64(smmu, SMMU_CMDQ_BASE);
	smmu->set.evtq_base = smmu_read64(smmu, SMMU_EVTQ_BASE);
	smmu->set.cr0 = CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN;
}

/*
 * Tables and queues are programmed, every STE written and the identity map
 * complete: enable in 6.3.9's order -- the command queue alone first, to
 * invalidate whatever the SMMU cached before (and anything the building of
 * the map did not invalidate: nothing is, while an SMMU is not live); then
 * events, then translation. GBPA.ABORT holds every transaction until SMMUEN.
 */
static int smmu_enable_locked(struct arm_smmu_device *smmu)
{
	int ret = smmu_write_cr0(smmu, CR0_CMDQEN);

	if (!ret)
		ret = smmu_invalidate_all_locked(smmu);
	if (!ret)
		ret = smmu_write_cr0(smmu, CR0_CMDQEN | CR0_EVTQEN);
	if (!ret)
		ret = smmu_write_cr0(smmu, CR0_CMDQEN | CR0_EVTQEN | CR0_SMMUEN);
	if (!ret)
		ret = smmu_gerror_check(smmu);
	if (!ret)
		smmu_record_set(smmu);
	return ret;
}

/*
 * Take the SMMU over, translating nothing: quiesce (GBPA.ABORT, SMMUEN off);
 * CR1/CR2; the stream table (every STE complete, pointing at the identity
 * map the iommu core fills next) and queues. smmu_enable() turns it on.
 */
static int smmu_reset(struct arm_smmu_device *smmu)
{
	int ret = smmu_quiesce(smmu);

	if (ret)
		return ret;
	smmu_write_cr1_cr2(smmu);
	ret = smmu_strtab_init(smmu, smmu_pool, &smmu_idmap);
	if (!ret)
		ret = smmu_cmdq_init(smmu, smmu_pool);
	if (!ret)
		ret = smmu_evtq_init(smmu, smmu_pool);
	return ret;
}

/* ---- the watchdog -------------------------------------------------------- */

/*
 * A dead SMMU (SMMU_BROKEN_TIMEOUTS consecutive timeouts, or a failed
 * re-initialisation) cannot be trusted to drop a translation: the only state
 * it can be held to is "abort everything". GBPA.ABORT first (the takeover set
 * it; a reset may have cleared it), then SMMUEN off, each wait bounded and
 * made once. If GBPA cannot be confirmed and the SMMU is already disabled,
 * it would let DMA through untranslated: nothing is safe then but stopping.
 */
void smmu_mark_broken_locked(struct arm_smmu_device *smmu, const char *why)
{
	hyp_assert_lock_held(&smmu->lock);
	if (smmu->broken)
		return;
	smmu->broken = true;
	pr_err("smmu@%lx: broken (%s): it aborts all DMA from now on, ownership changes fail "
	       "with -EIO\n", (unsigned long)smmu->pa, why);
	if (smmu_gbpa_abort(smmu)) {
		if (!(smmu_read(smmu, SMMU_CR0ACK) & CR0_SMMUEN))
			hyp_panic("smmu@%lx: disabled and GBPA.ABORT cannot be set: DMA bypasses "
				  "it\n", (unsigned long)smmu->pa);
		pr_err("smmu@%lx: GBPA.ABORT not confirmed: left translating through the identity "
		       "map\n", (unsigned long)smmu->pa);
		return;
	}
	if (smmu_write_cr0(smmu, 0))
		pr_err("smmu@%lx: SMMUEN clear not acknowledged\n", (unsigned long)smmu->pa);
}

/* Register changes the watchdog looks for (what smmu_record_set() read). */
enum {
	SMMU_LOST_CR0 = BIT(0),
	SMMU_LOST_GBPA = BIT(1),
	SMMU_LOST_STRTAB = BIT(2),
	SMMU_LOST_STRTAB_CFG = BIT(3),
	SMMU_LOST_CMDQ = BIT(4),
	SMMU_LOST_EVTQ = BIT(5),
};

struct smmu_regs_now {
	u64 strtab_base, cmdq_base, evtq_base;
	u32 strtab_base_cfg, cr0ack, gbpa;
};

/*
 * Six reads per SMMU (on every host trap): CR0ACK still has the enables the
 * driver set (6.3.10), GBPA still aborts (6.3.14), the stream table and queue
 * bases are still the driver's (6.3.23-6.3.26). Any difference means the SMMU
 * was reset or lost power behind the hypervisor's back. A broken SMMU is held
 * to GBPA.ABORT only.
 */
static u32 smmu_regs_changed(struct arm_smmu_device *smmu, struct smmu_regs_now *now)
{
	const struct arm_smmu_regs_set *set = &smmu->set;
	u32 lost = 0;

	now->gbpa = smmu_read(smmu, SMMU_GBPA);
	if (!(now->gbpa & GBPA_ABORT))
		lost |= SMMU_LOST_GBPA;
	if (smmu->broken)
		return lost;
	now->cr0ack = smmu_read(smmu, SMMU_CR0ACK);
	now->strtab_base = smmu_read64(smmu, SMMU_STRTAB_BASE);
	now->strtab_base_cfg = smmu_read(smmu, SMMU_STRTAB_BASE_CFG);
	now->cmdq_base = smmu_read64(smmu, SMMU_CMDQ_BASE);
	now->evtq_base = smmu_read64(smmu, SMMU_EVTQ_BASE);
	if ((now->cr0ack & set->cr0) != set->cr0)
		lost |= SMMU_LOST_CR0;
	if (now->strtab_base != set->strtab_base)
		lost |= SMMU_LOST_STRTAB;
	if (now->strtab_base_cfg != set->strtab_base_cfg)
		lost |= SMMU_LOST_STRTAB_CFG;
	if (now->cmdq_base != set->cmdq_base)
		lost |= SMMU_LOST_CMDQ;
	if (now->evtq_base != set->evtq_base)
		lost |= SMMU_LOST_EVTQ;
	return lost;
}

static void smmu_log_lost(struct arm_smmu_device *smmu, u32 lost, const struct smmu_regs_now *now)
{
	const struct arm_smmu_regs_set *set = &smmu->set;

	pr_err("smmu@%lx: lost its state (reset or power loss behind the hypervisor's back): "
	       "until now DMA went as its reset state let it (GBPA bypass or abort)\n",
	       (unsigned long)smmu->pa);
	if (lost & SMMU_LOST_CR0)
		pr_err("  CR0ACK %x, set %x\n", now->cr0ack, set->cr0);
	if (lost & SMMU_LOST_GBPA)
		pr_err("  GBPA %x: ABORT clear (bypass while disabled)\n", now->gbpa);
	if (lost & SMMU_LOST_STRTAB)
		pr_err("  STRTAB_BASE %lx, set %lx\n", (unsigned long)now->strtab_base,
		       (unsigned long)set->strtab_base);
	if (lost & SMMU_LOST_STRTAB_CFG)
		pr_err("  STRTAB_BASE_CFG %x, set %x\n", now->strtab_base_cfg,
		       set->strtab_base_cfg);
	if (lost & SMMU_LOST_CMDQ)
		pr_err("  CMDQ_BASE %lx, set %lx\n", (unsigned long)now->cmdq_base,
		       (unsigned long)set->cmdq_base);
	if (lost & SMMU_LOST_EVTQ)
		pr_err("  EVTQ_BASE %lx, set %lx\n", (unsigned long)now->evtq_base,
		       (unsigned long)set->evtq_base);
}

/*
 * Take an SMMU that lost its registers over again, as at boot but with the
 * memory it already has: GBPA.ABORT before anything else (from then on no
 * transaction passes), disabled, every STE rewritten, queues programmed
 * empty, everything cached invalidated, enabled. The identity map in memory
 * is the one every ownership change kept up to date. A failure leaves it
 * disabled and aborting: broken.
 */
static int smmu_reinit_locked(struct arm_smmu_device *smmu)
{
	int ret = smmu_stop(smmu);

	if (ret)
		return ret;
	smmu_write_cr1_cr2(smmu);
	smmu_strtab_write(smmu, &smmu_idmap);
	smmu_cmdq_program(smmu);
	smmu_evtq_program(smmu);
	smmu->nr_timeouts = 0;
	return smmu_enable_locked(smmu);
}

static void smmu_recover_locked(struct arm_smmu_device *smmu, u32 lost,
				const struct smmu_regs_now *now)
{
	int ret;

	if (smmu->broken) {
		/* Power lost after it broke: keep it aborting, or stop. */
		pr_err("smmu@%lx: broken, and GBPA %x no longer aborts: setting it again\n",
		       (unsigned long)smmu->pa, now->gbpa);
		if (smmu_gbpa_abort(smmu))
			hyp_panic("smmu@%lx: GBPA.ABORT cannot be set: DMA bypasses it\n",
				  (unsigned long)smmu->pa);
		return;
	}
	smmu_log_lost(smmu, lost, now);
	smmu->nr_reinits++;
	ret = smmu_reinit_locked(smmu);
	if (ret) {
		smmu_mark_broken_locked(smmu, "re-initialisation failed");
		return;
	}
	smmu->reshadow = smmu->nested != NULL;
	pr_err("smmu@%lx: taken over again: every stream translates through the identity map\n",
	       (unsigned long)smmu->pa);
}

void smmu_watchdog(struct arm_smmu_device *smmu)
{
	struct smmu_regs_now now;
	u32 lost;

	/* Unlocked: a hint (a change under way on another CPU is looked at again). */
	if (!smmu->live || !smmu_regs_changed(smmu, &now))
		return;
	hyp_spin_lock(&smmu->lock);
	lost = smmu_regs_changed(smmu, &now);
	if (lost)
		smmu_recover_locked(smmu, lost, &now);
	hyp_spin_unlock(&smmu->lock);
}

static void smmu_teardown(void);

static int smmu_init(void)
{
	unsigned int i;
	int ret;

	ret = smmu_idmap_init(smmu_host_ia_bits);
	if (ret)
		return ret;
	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		ret = smmu_reset(smmu);
		if (!ret && smmu->nested)
			ret = smmu_nested_start(smmu, smmu_pool);
		if (ret) {
			pr_err("smmu@%lx: reset failed: %d\n", (unsigned long)smmu->pa, ret);
			smmu_teardown();
			return ret;
		}
		pr_info("smmu@%lx: %s mode%s\n", (unsigned long)smmu->pa,
			smmu->nested ? "nested" : "hidden",
			smmu->nested ? ": the host's driver sees an emulated stage-1 SMMUv3, "
				       "stage 2 stays the hypervisor's" :
				       ": the host does not see it");
		pr_info("smmu@%lx: SMMUv3.%u, stage-2 only, %u-bit stream IDs in a %s stream "
			"table (%u pages), %u-entry event queue, OAS %u bits, %s, BBML %u, %s\n",
			(unsigned long)smmu->pa,
			(unsigned int)FIELD_GET(AIDR_ARCH_MINOR, smmu_read(smmu, SMMU_AIDR)),
			smmu->sid_bits, smmu->two_level ? "2-level" : "linear", smmu->strtab_pages,
			(unsigned int)BIT(smmu->evtq.log2size), smmu->oas_bits,
			smmu->ril ? "range invalidation" : "page invalidation",
			(unsigned int)FIELD_GET(IDR3_BBML, smmu->idr3),
			smmu->coherent ? "coherent walks" :
					 "non-coherent walks (cache maintenance)");
	}
	return 0;
}

/*
 * The hypervisor will not run after all: stop translating through tables
 * that are about to be freed and hand the SMMU back as firmware left it
 * (disabled, its global bypass/abort setting). An SMMU firmware had enabled
 * with its own tables stays disabled: those are gone.
 */
static void smmu_teardown(void)
{
	unsigned int i;

	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		if (!smmu->touched)
			continue;
		smmu->live = false;
		if (smmu_write_cr0(smmu, 0) ||
		    (smmu_write(smmu, SMMU_GBPA, smmu->fw_gbpa | GBPA_UPDATE),
		     smmu_wait_reg(smmu, SMMU_GBPA, GBPA_UPDATE, 0)))
			pr_err("smmu@%lx: could not hand it back to firmware\n",
			       (unsigned long)smmu->pa);
		else if (smmu->fw_cr0 & CR0_SMMUEN)
			pr_warn("smmu@%lx: left disabled (firmware had enabled it)\n",
				(unsigned long)smmu->pa);
		smmu->touched = false;
	}
}

static void smmu_info(struct kvm_iommu_info *info)
{
	unsigned int i;

	info->nr_iommus = nr_smmus;
	info->nr_faults = 0;
	info->last_fault_addr = 0;
	info->nr_reinits = 0;
	info->nr_broken = 0;
	smmu_idmap_info(info);
	if (nr_smmus) {
		info->structs[0] = (u64)(uintptr_t)smmus[0].strtab;
		info->structs[1] = (u64)(uintptr_t)smmus[0].cmdq.base;
		info->structs[2] = (u64)(uintptr_t)smmus[0].evtq.base;
	}
	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		smmu_watchdog(smmu);
		hyp_spin_lock(&smmu->lock);
		if (!smmu->broken) {
			smmu_gerror_check(smmu);
			smmu_evtq_drain(smmu);
		}
		info->nr_reinits += smmu->nr_reinits;
		info->nr_broken += smmu->broken;
		info->nr_faults += smmu->nr_s2_faults;
		if (smmu->last_fault_addr)
			info->last_fault_addr = smmu->last_fault_addr;
		hyp_spin_unlock(&smmu->lock);
	}
}

/*
 * On host traps: first the watchdog (an SMMU that lost its state is taken
 * over again before the host runs another instruction); then an SMMU whose
 * event queue moved or that raised a global error is drained and checked
 * under its lock. The unlocked look is only a hint -- a stale one costs a
 * lock or defers the log to the next trap.
 */
static void smmu_poll(void)
{
	unsigned int i;

	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];
		u32 mask = BIT(smmu->evtq.log2size + 1) - 1;
		u32 cons;
		bool events, errors;

		smmu_watchdog(smmu);
		if (smmu->broken)
			continue;
		cons = __atomic_load_n(&smmu->evtq.cons, __ATOMIC_RELAXED);
		events = (smmu_read(smmu, SMMU_EVTQ_PROD) & mask) != cons;
		errors = (smmu_read(smmu, SMMU_GERROR) ^ smmu_read(smmu, SMMU_GERRORN)) &
			 GERROR_ALL;
		if (!events && !errors)
			continue;
		hyp_spin_lock(&smmu->lock);
		smmu_gerror_check(smmu);
		smmu_evtq_drain(smmu);
		hyp_spin_unlock(&smmu->lock);
	}
}

/*
 * The iommu core's snapshot completed the identity map: every SMMU starts
 * translating through it. A failure leaves the rest to the core's teardown.
 */
static int smmu_enable(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr_smmus; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		hyp_spin_lock(&smmu->lock);
		ret = smmu_enable_locked(smmu);
		smmu->live = !ret;
		hyp_spin_unlock(&smmu->lock);
		if (ret) {
			pr_err("smmu@%lx: enable failed: %d\n", (unsigned long)smmu->pa, ret);
			return ret;
		}
	}
	return 0;
}

static const struct kvm_iommu_ops smmu_ops = {
	.init = smmu_init,
	.enable = smmu_enable,
	.teardown = smmu_teardown,
	.host_stage2_idmap = smmu_host_stage2_idmap,
	.host_stage2_idmap_ranges = smmu_host_stage2_idmap_ranges,
	.info = smmu_info,
	.poll = smmu_poll,
};

int kvm_arm_smmu_v3_register(const struct boot_smmu *boot, unsigned int nr,
			     struct hyp_pool *pool, u32 ia_bits)
{
	unsigned int i;
	int ret;

	if (!nr || nr > BOOT_INFO_MAX_SMMUS)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		struct arm_smmu_device *smmu = &smmus[i];

		if (boot[i].size < SMMU_REG_SIZE) {
			pr_err("smmu@%lx: register window of %lx bytes, need %lx\n",
			       (unsigned long)boot[i].base, (unsigned long)boot[i].size,
			       (unsigned long)SMMU_REG_SIZE);
			return -EINVAL;
		}
		*smmu = (struct arm_smmu_device){ 0 };
		smmu->pa = boot[i].base;
		smmu->size = boot[i].size;
		smmu->base = (volatile u8 *)(uintptr_t)boot[i].base;
		smmu->mode = boot[i].mode;
		hyp_spin_lock_init(&smmu->lock, HYP_LOCK_SMMU);
		if (smmu->mode > BOOT_SMMU_NESTED)
			return -EINVAL;
		ret = smmu_probe(smmu, boot[i].coherent);
		if (ret)
			return ret;
	}
	for (i = 0; i < nr; i++) {
		ret = smmus[i].mode == BOOT_SMMU_NESTED ? smmu_nested_register(&smmus[i], ia_bits) : 0;
		if (ret)
			return ret;
	}
	nr_smmus = nr;
	smmu_pool = pool;
	smmu_host_ia_bits = ia_bits;
	return kvm_iommu_register(&smmu_ops);
}

static int smmuv3_driver_init(const struct hyp_driver_env *env)
{
	if (!env->bi->nr_smmus)
		return 0;
	return kvm_arm_smmu_v3_register(env->bi->smmu, env->bi->nr_smmus, env->pool,
					env->host_ia_bits);
}
HYP_IOMMU_DRIVER(smmuv3, smmuv3_driver_init);
