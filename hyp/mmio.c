// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO trap-and-emulate (ARCHITECTURE.md section 9; the contract is in
 * include/isohyp/mmio.h): the table of emulated regions, the decoder of a
 * data abort's syndrome (Arm ARM D23.2.41 "ESR_EL2", ISS encoding for an
 * exception from a Data Abort) and the dispatch to a region's handler.
 *
 * Portable C: the arch glue (reading ESR/HPFAR, skipping the instruction,
 * injecting an abort) is arch/arm64/hyp/host_stage2.c. What it does not do:
 * emulate accesses the syndrome does not describe (ISV = 0) by decoding the
 * instruction -- the host could race a rewrite of that instruction, and no
 * driver we mediate needs it.
 */
#include <asm/esr.h>
#include <isohyp/bits.h>
#include <isohyp/boot_info.h>
#include <isohyp/console.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>

/* The GIC's redistributors take one region per CPU. */
#define MMIO_MAX_REGIONS (16 + BOOT_INFO_MAX_CPUS)

/* Written at boot on one CPU before the host runs; read-only afterwards. */
static struct hyp_mmio_region *regions[MMIO_MAX_REGIONS];
static unsigned int nr_regions;

int mmio_decode(u64 esr, struct mmio_access *acc)
{
	u64 iss = FIELD_GET(ESR_ISS, esr);

	if (FIELD_GET(ESR_EC, esr) != ESR_EC_DABT_LOW)
		return -EINVAL;
	/* ISV = 0: pair, writeback, SIMD, atomic...: the syndrome is not enough. */
	if (!(iss & ESR_DABT_ISV))
		return -EINVAL;
	/* A cache maintenance or a stage-1 walk that hit the region: no access to emulate. */
	if (iss & (ESR_DABT_CM | ESR_ABT_S1PTW))
		return -EINVAL;
	acc->size = 1U << FIELD_GET(ESR_DABT_SAS, iss);
	acc->srt = FIELD_GET(ESR_DABT_SRT, iss);
	acc->write = iss & ESR_DABT_WNR;
	acc->sign_extend = iss & ESR_DABT_SSE;
	acc->sf = iss & ESR_DABT_SF;
	/* Combinations no A64 load/store produces: refuse rather than guess. */
	if (acc->write && acc->sign_extend)
		return -EINVAL;
	if (acc->size == 8 && (!acc->sf || acc->sign_extend))
		return -EINVAL;
	return 0;
}

u64 mmio_load_result(const struct mmio_access *acc, u64 val)
{
	unsigned int bits = acc->size * 8;

	if (bits < 64) {
		val &= BIT(bits) - 1;
		if (acc->sign_extend && (val & BIT(bits - 1)))
			val |= ~(BIT(bits) - 1);
	}
	return acc->sf ? val : val & 0xffffffffULL;
}

static bool regions_overlap(const struct hyp_mmio_region *a, const struct hyp_mmio_region *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

int hyp_mmio_register(struct hyp_mmio_region *r)
{
	unsigned int i;
	int ret;

	if (!r->ops || !r->ops->read || !r->ops->write || !r->size ||
	    !IS_ALIGNED(r->base | r->size, SZ_4K) || r->base + r->size < r->base)
		return -EINVAL;
	for (i = 0; i < nr_regions; i++)
		if (regions_overlap(r, regions[i]))
			return -EINVAL;
	if (nr_regions == MMIO_MAX_REGIONS)
		return -ENOSPC;
	ret = host_stage2_protect_hyp(r->base, r->size);
	if (ret)
		return ret;
	hyp_spin_lock_init(&r->lock, HYP_LOCK_MMIO);
	r->nr_reads = r->nr_writes = r->nr_refused = 0;
	regions[nr_regions++] = r;
	return 0;
}

void hyp_mmio_unregister(struct hyp_mmio_region *r)
{
	unsigned int i;

	for (i = 0; i < nr_regions; i++) {
		if (regions[i] != r)
			continue;
		regions[i] = regions[--nr_regions];
		regions[nr_regions] = NULL;
		return;
	}
}

struct hyp_mmio_region *hyp_mmio_find(u64 addr)
{
	unsigned int i;

	for (i = 0; i < nr_regions; i++)
		if (addr >= regions[i]->base && addr - regions[i]->base < regions[i]->size)
			return regions[i];
	return NULL;
}

int hyp_mmio_emulate(struct hyp_mmio_region *r, u64 addr, const struct mmio_access *acc,
		     u64 *regs)
{
	u64 off = addr - r->base, val = 0;
	int ret;

	/*
	 * Unaligned accesses to Device memory fault at stage 1 already; be sure.
	 * @addr below the base makes @off wrap: compare without adding to it.
	 */
	if (!IS_ALIGNED(addr, acc->size) || off >= r->size || acc->size > r->size - off)
		return -EINVAL;
	hyp_spin_lock(&r->lock);
	if (acc->write) {
		if (acc->srt != 31)
			val = acc->sf ? regs[acc->srt] : regs[acc->srt] & 0xffffffffULL;
		if (acc->size < 8)
			val &= BIT(acc->size * 8) - 1;
		ret = r->ops->write(r->priv, off, acc->size, val);
		r->nr_writes++;
	} else {
		ret = r->ops->read(r->priv, off, acc->size, &val);
		if (!ret && acc->srt != 31)
			regs[acc->srt] = mmio_load_result(acc, val);
		r->nr_reads++;
	}
	if (ret)
		r->nr_refused++;
	hyp_spin_unlock(&r->lock);
	if (ret)
		pr_debug("%s: host %s of %u bytes at +%lx refused: %d\n", r->name,
			 acc->write ? "write" : "read", acc->size, (unsigned long)off, ret);
	return ret;
}

u64 hyp_mmio_nr_accesses(void)
{
	u64 n = 0;
	unsigned int i;

	/* Statistics: racy reads of counters other CPUs may be bumping are fine. */
	for (i = 0; i < nr_regions; i++)
		n += regions[i]->nr_reads + regions[i]->nr_writes;
	return n;
}
