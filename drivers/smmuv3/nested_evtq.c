// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested mode, events (ARCHITECTURE.md section 6 "Nested"; IHI 0070 chapter
 * 7 "Event queue", 7.3 event records, 7.4 overflow). The real event queue
 * stays the hypervisor's (evtq.c drains it on host traps, IOMMU_INFO and
 * here). What the host's own stage 1 caused is the host's: a stage-1
 * translation, address size, access or permission fault (S2 = 0), a CD
 * fetch abort, a bad CD, a bad substream, a stage-1 walk abort -- staged
 * at the drain and copied, record unchanged, into the host's event queue
 * when the host reads its EVTQ_PROD (the read its interrupt handler starts
 * with: the real SMMU's wired interrupts are the host's). So is a C_BAD_STE
 * of a stream whose host configuration is invalid (nested_ste.c gives it a
 * V = 0 STE marked with the event the host's SMMU records): the host gets
 * that event, C_BAD_STE or C_BAD_STREAMID, with the record's StreamID, SSV
 * and SubstreamID, the only fields those records have (7.3.3, 7.3.5).
 * Everything else -- stage-2 faults on what the host does not own, above
 * all -- is the hypervisor's, counted and logged as in hidden mode; the host
 * sees only that its DMA failed.
 *
 * The host's queue full: the record is lost and EVTQ_PROD.OVFLG toggles,
 * once per overflow the host has not acknowledged (EVTQ_CONS.OVACKFLG),
 * as 7.4 says. Its queue disabled (EVTQEN = 0): events are discarded.
 *
 * Offered IDR0.COHACC = 0, the host may map its queue Non-cacheable: each
 * record is cleaned and invalidated to the PoC before the host can see the
 * EVTQ_PROD that covers it (nested_host_write()).
 */
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>
#include <isohyp/panic.h>

#include "nested.h"

/* A record of the host's own making (see the file comment). */
static bool event_is_hosts(const u64 *evt)
{
	switch (FIELD_GET(EVTQ_0_ID, evt[0])) {
	case EVT_ID_BAD_SUBSTREAMID:
	case EVT_ID_CD_FETCH:
	case EVT_ID_BAD_CD:
		return true;
	case EVT_ID_WALK_EABT:
	case EVT_ID_TRANSLATION:
	case EVT_ID_ADDR_SIZE:
	case EVT_ID_ACCESS:
	case EVT_ID_PERMISSION:
		return !(evt[1] & EVTQ_1_S2);
	default:
		return false;
	}
}

/*
 * The record the host gets for @evt in @out, or false when @evt is the
 * hypervisor's (see the file comment). Caller: smmu->lock.
 */
static bool event_for_host(struct smmu_nested *n, const u64 *evt, u64 *out)
{
	unsigned int i;
	u8 id;

	if (FIELD_GET(EVTQ_0_ID, evt[0]) != EVT_ID_BAD_STE) {
		if (!event_is_hosts(evt))
			return false;
		for (i = 0; i < EVTQ_ENT_DWORDS; i++)
			out[i] = evt[i];
		return true;
	}
	/* Ours only if our STE is the V = 0 one of the host's invalid configuration. */
	id = smmu_nested_ste_event_locked(n, FIELD_GET(EVTQ_0_SID, evt[0]));
	if (!id)
		return false;
	out[0] = FIELD_PREP(EVTQ_0_ID, id) | (evt[0] & (EVTQ_0_SSV | EVTQ_0_SSID | EVTQ_0_SID));
	for (i = 1; i < EVTQ_ENT_DWORDS; i++)
		out[i] = 0;
	return true;
}

bool smmu_nested_event_stage(struct arm_smmu_device *smmu, const u64 *evt)
{
	struct smmu_nested *n = smmu->nested;

	hyp_assert_lock_held(&smmu->lock);
	if (n->nr_staged == NESTED_EVT_STAGED) {
		u64 scratch[EVTQ_ENT_DWORDS];

		if (!event_for_host(n, evt, scratch))
			return false;
		n->staged_lost = true;
		n->nr_host_events_lost++;
		return true;
	}
	if (!event_for_host(n, evt, n->staged[n->nr_staged]))
		return false;
	n->nr_staged++;
	return true;
}

/* Host EVTQ_PROD.OVFLG toggles if no overflow is outstanding (7.4). */
static void host_overflow(struct smmu_nested *n)
{
	if (!((n->evtq.prod ^ n->evtq.cons) & Q_OVERFLOW_FLAG))
		n->evtq.prod ^= Q_OVERFLOW_FLAG;
}

/* One record into the host's queue, or an overflow. Caller: host_mmu.lock. */
static void host_event_put_locked(struct smmu_nested *n, const u64 *evt)
{
	u32 log2 = nested_evtq_log2(n), mask = nested_q_mask(log2);
	u32 prod = n->evtq.prod & mask, cons = n->evtq.cons & mask;

	if ((prod ^ cons) == BIT(log2)) { /* same index, other lap: full */
		host_overflow(n);
		n->nr_host_events_lost++;
		return;
	}
	/* Pinned while EVTQEN (nested.c): host RAM, and the host's. */
	nested_host_write(n, n->evtq.pin_addr + (u64)(prod & (BIT(log2) - 1)) * EVTQ_ENT_DWORDS * 8,
			  evt, EVTQ_ENT_DWORDS * 8);
	n->evtq.prod = (n->evtq.prod & Q_OVERFLOW_FLAG) | ((prod + 1) & mask);
	n->nr_host_events++;
}

void smmu_nested_evtq_update(struct smmu_nested *n)
{
	struct arm_smmu_device *smmu = n->smmu;
	bool on = n->cr0ack & CR0_EVTQEN;
	u32 i;

	/* host_mmu.lock, then the SMMU's: the writes to the host's queue happen under both. */
	host_mmu_lock();
	hyp_spin_lock(&smmu->lock);
	if (!smmu->broken)
		smmu_evtq_drain(smmu);
	for (i = 0; on && i < n->nr_staged; i++)
		host_event_put_locked(n, n->staged[i]);
	if (on && n->staged_lost)
		host_overflow(n);
	n->nr_staged = 0; /* with EVTQEN = 0 they are discarded (7.2) */
	n->staged_lost = false;
	hyp_spin_unlock(&smmu->lock);
	host_mmu_unlock();
}
