// SPDX-License-Identifier: GPL-2.0-only
/*
 * The multi-CPU soak (make soak, scripts/soak.sh; not part of make check):
 * with the load option "soak", the payload runs random sequences of the host
 * ABI (SHARE, UNSHARE, DONATE, RECLAIM, PAGE_STATE, IOMMU_INFO, malformed
 * and refused calls, CPU loads and stores) on every CPU at once for
 * "soak-seconds=" seconds, from the seed "soak-seed=" or one it prints.
 *
 * Each CPU has pages of its own: only it touches them, so its model predicts
 * every result, page state and page content exactly. All CPUs race on one
 * more set of pages, where nobody can predict who wins: each call there must
 * return 0 or -EPERM, PAGE_STATE a state a RAM page can be in, a page this
 * CPU reclaimed reads as zero if it reads at all, and each CPU counts its
 * successful calls per page. Every EPOCH_SECONDS the secondaries stop (and
 * turn themselves off); with everything quiet the boot CPU checks every page
 * -- state, CPU access, content -- against the models and, for the shared
 * pages, against the sum of the CPUs' counts (ownership changes of a page
 * alternate through "host-owned": no lost or doubled update). QEMU's edu
 * device probes the SMMU's view: while the others run, DMA to and from the
 * boot CPU's own pages (which only it changes), and at each barrier a few
 * pages of any set; DMA must reach exactly what the host owns or shares.
 *
 * Any mismatch is a divergence, printed with the seed, the CPU and its call
 * index. The run ends with "soak: N calls on C CPUs in T s (X calls/s), D
 * divergences", which scripts/soak.sh checks. Each CPU draws from its own
 * generator and no draw depends on a racy result, so a seed replays every
 * CPU's sequence of calls (not the interleaving).
 *
 * Secondaries never call the firmware (it is not MP-safe): only the boot CPU
 * prints, allocates, uses the PCI I/O protocol and reads the device tree.
 */
#include <efi.h>
#include <string.h>

#include "soak.h"

const struct range_call soak_range_calls[4] = {
	[CALL_SHARE] = { ISOHYP_FN_HOST_SHARE_HYP, OWNED, SHARED },
	[CALL_UNSHARE] = { ISOHYP_FN_HOST_UNSHARE_HYP, SHARED, OWNED },
	[CALL_DONATE] = { ISOHYP_FN_HOST_DONATE_HYP, OWNED, DONATED },
	[CALL_RECLAIM] = { ISOHYP_FN_HOST_RECLAIM, DONATED, OWNED },
};

struct soak_cpu soak_cpus[SOAK_MAX_CPUS];
struct soak_run soak;

/* ++*@p, atomically (LDAXR/STLXR: the payload links no outline atomics). */
static void arrive(u64 *p)
{
	u64 v;
	u32 fail;

	__asm__ __volatile__("1:	ldaxr	%0, [%2]\n"
			     "	add	%0, %0, #1\n"
			     "	stlxr	%w1, %0, [%2]\n"
			     "	cbnz	%w1, 1b\n"
			     : "=&r"(v), "=&r"(fail)
			     : "r"(p)
			     : "memory");
}

void soak_fill(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS; i++)
		p[i] = word(seed, i);
}

bool soak_holds(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS; i++)
		if (p[i] != word(seed, i))
			return false;
	return true;
}

void soak_diverge(struct soak_cpu *c, const char *what, u32 fn, u64 pfn, u64 n, s64 got, s64 want)
{
	if (c->divs < MAX_DIVS)
		c->div[c->divs] = (struct soak_div){ .what = what,
						     .call = c->calls,
						     .pfn = pfn,
						     .n = n,
						     .got = got,
						     .want = want,
						     .fn = fn };
	c->divs++;
}

s64 soak_call(struct soak_cpu *c, u32 fn, u64 a1, u64 a2)
{
	c->calls++;
	return hcall(fn, a1, a2);
}

s64 soak_state_of(struct soak_cpu *c, u64 pfn)
{
	return soak_call(c, ISOHYP_FN_PAGE_STATE, pfn, 0);
}

/*
 * One load (or store of @val) at @pa through soak_vectors: 1 if it aborted
 * and was stepped over, and then it must have been an abort on @pa. The load
 * gives ~0 if it aborted.
 */
u64 soak_access(struct soak_cpu *c, u64 pa, bool write, u64 *val)
{
	volatile struct payload_caught *caught = &c->caught;
	u64 vbar = read_sysreg(vbar_el1), tpidr = read_sysreg(tpidr_el1);
	u64 daif = read_sysreg(daif), count, v = write ? *val : ~0ULL;

	write_sysreg(daif | PSR_I_BIT | PSR_F_BIT, daif);
	write_sysreg((u64)(uintptr_t)soak_vectors, vbar_el1);
	write_sysreg((u64)(uintptr_t)caught, tpidr_el1);
	isb();
	count = caught->count;
	if (write)
		__asm__ __volatile__("str %0, [%1]" : : "r"(v), "r"(pa) : "memory");
	else
		__asm__ __volatile__("ldr %0, [%1]" : "+r"(v) : "r"(pa) : "memory");
	isb();
	count = caught->count - count;
	write_sysreg(tpidr, tpidr_el1);
	write_sysreg(vbar, vbar_el1);
	isb();
	write_sysreg(daif, daif);
	if (count && caught->far != pa)
		soak_diverge(c, "an abort elsewhere than at the address accessed", 0, pa >> 12, 0,
			     (s64)caught->far, (s64)pa);
	if (!write)
		*val = v;
	return count;
}

/*
 * Own page @i as the model says: PAGE_STATE, and a load of word @w that
 * aborts exactly when the page is donated, else reads what was written.
 */
static void check_own_page(struct soak_cpu *c, u64 i, u64 w, const char *what)
{
	u64 pfn = c->priv_pfn + i, v, faulted;
	s64 st = soak_state_of(c, pfn);

	if (st != c->state[i]) {
		soak_diverge(c, what, ISOHYP_FN_PAGE_STATE, pfn, 1, st, c->state[i]);
		if (ram_state(st))
			c->state[i] = st; /* one divergence, not one per later call */
	}
	faulted = soak_access(c, (pfn << 12) + w * 8, false, &v);
	if (faulted != (c->state[i] == DONATED))
		soak_diverge(c, "a load aborted (1) or not (0) against the page's state", 0, pfn, 1,
			     faulted, c->state[i] == DONATED);
	else if (!faulted && v != word(c->seed[i], w))
		soak_diverge(c, "a load read other than what the host wrote (or zero if reclaimed)",
			     0, pfn, 1, v, word(c->seed[i], w));
}

/* A range call on own pages: the model knows the result. */
static void own_range(struct soak_cpu *c, u64 r)
{
	u64 start = (r >> 8) % PRIV_PAGES, room = PRIV_PAGES - start, n, i;
	unsigned int k;
	s64 want = 0, ret;

	/* Mostly up to 8 pages, one call in 16 up to the end of the set. */
	n = 1 + (r >> 20) % ((r >> 16) % 16 && room > 8 ? 8 : room);
	if ((r >> 32) % 4) /* mostly the call that fits the first page */
		k = c->state[start] == SHARED  ? CALL_UNSHARE :
		    c->state[start] == DONATED ? CALL_RECLAIM :
		    (r >> 34) & 1	       ? CALL_SHARE :
						 CALL_DONATE;
	else
		k = (r >> 36) % 4;
	for (i = start; i < start + n; i++)
		if (c->state[i] != soak_range_calls[k].need)
			want = ABI_EPERM;
	ret = soak_call(c, soak_range_calls[k].fn, c->priv_pfn + start, n);
	if (ret != want) {
		soak_diverge(c, "an own range call returned other than the model",
			     soak_range_calls[k].fn, c->priv_pfn + start, n, ret, want);
		for (i = start; i < start + n; i++) { /* adopt what the hypervisor says */
			s64 st = soak_state_of(c, c->priv_pfn + i);

			if (ram_state(st) && st != c->state[i]) {
				c->state[i] = st;
				c->seed[i] = 0;
			}
		}
		return;
	}
	if (ret)
		return;
	for (i = start; i < start + n; i++) {
		c->state[i] = soak_range_calls[k].next;
		if (k == CALL_RECLAIM)
			c->seed[i] = 0;
	}
	/* The host sees the change at once, at both ends of the range. */
	check_own_page(c, start, (r >> 40) % WORDS, "PAGE_STATE of an own page after a call");
	if (n > 1)
		check_own_page(c, start + n - 1, (r >> 49) % WORDS,
			       "PAGE_STATE of an own page after a call");
	if (k == CALL_RECLAIM && !page_is_zero((c->priv_pfn + start) << 12))
		soak_diverge(c, "a reclaimed page is not all zero", soak_range_calls[k].fn,
			     c->priv_pfn + start, n, 1, 0);
}

/* A range call on the shared pages: who wins is anybody's guess. */
static void shared_range(struct soak_cpu *c, u64 r)
{
	u64 start = (r >> 8) % SHARED_PAGES, room = SHARED_PAGES - start;
	u64 n = 1 + (r >> 16) % (room < 4 ? room : 4), pfn = soak.shared_pfn + start, v, i;
	unsigned int k = (r >> 24) % 4;
	s64 st, ret;

	st = soak_state_of(c, pfn);
	if (!ram_state(st))
		soak_diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
			     ISOHYP_FN_PAGE_STATE, pfn, 1, st, OWNED);
	ret = soak_call(c, soak_range_calls[k].fn, pfn, n);
	if (ret && ret != ABI_EPERM)
		soak_diverge(c, "a shared range call returned neither 0 nor -EPERM",
			     soak_range_calls[k].fn, pfn, n, ret, 0);
	if (!ret)
		for (i = start; i < start + n; i++)
			c->ops[i][k]++;
	/*
	 * Nobody writes the shared pages: once reclaimed, a page stays zero,
	 * whoever has it since. A load may abort (donated again meanwhile).
	 */
	if (!ret && k == CALL_RECLAIM &&
	    !soak_access(c, (pfn << 12) + (r >> 40) % WORDS * 8, false, &v) && v)
		soak_diverge(c, "a shared page this CPU reclaimed reads other than zero",
			     soak_range_calls[k].fn, pfn, n, v, 0);
	st = soak_state_of(c, pfn);
	if (!ram_state(st))
		soak_diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
			     ISOHYP_FN_PAGE_STATE, pfn, 1, st, OWNED);
}

static void page_state_step(struct soak_cpu *c, u64 r)
{
	u64 pfn = 0, p;
	s64 st, want = 0;

	switch ((r >> 8) % 8) {
	case 0 ... 3:
		check_own_page(c, (r >> 16) % PRIV_PAGES, (r >> 24) % WORDS,
			       "PAGE_STATE of an own page");
		return;
	case 4 ... 5:
		p = (r >> 16) % SHARED_PAGES;
		st = soak_state_of(c, soak.shared_pfn + p);
		if (!ram_state(st))
			soak_diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
				     ISOHYP_FN_PAGE_STATE, soak.shared_pfn + p, 1, st, OWNED);
		return;
	case 6:
		switch ((r >> 16) % 5) {
		case 0:
			pfn = soak.carve_pfn, want = DONATED;
			break;
		case 1:
			pfn = soak.carve_pfn + soak.carve_pages - 1, want = DONATED;
			break;
		case 2:
			pfn = soak.uart_pfn, want = ISOHYP_PAGE_MMIO_HOST;
			break;
		case 3:
			pfn = soak.code_pfn, want = OWNED;
			break;
		default:
			pfn = 1ULL << 36, want = ABI_EINVAL;
			break; /* beyond 48 bits of PA */
		}
		break;
	default:
		pfn = ~0ULL - (r >> 16) % 4096, want = ABI_EINVAL;
		break;
	}
	st = soak_state_of(c, pfn);
	if (st != want)
		soak_diverge(c, "PAGE_STATE of a fixed page", ISOHYP_FN_PAGE_STATE, pfn, 1, st,
			     want);
}

/* IOMMU_INFO: one SMMU; the fault count never goes back. */
static void iommu_info_step(struct soak_cpu *c)
{
	u64 r[8];

	c->calls++;
	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	if (r[0] || r[1] != 1)
		soak_diverge(c, "IOMMU_INFO x0 (x1 SMMUs)", ISOHYP_FN_IOMMU_INFO, 0, 0,
			     r[0] ? r[0] : r[1], r[0] ? 0 : 1);
	else if (r[2] < c->last_faults)
		soak_diverge(c, "IOMMU_INFO's fault count went back", ISOHYP_FN_IOMMU_INFO, 0, 0,
			     r[2], c->last_faults);
	else
		c->last_faults = r[2];
}

/* Malformed ranges (-EINVAL), the carve-out (-EPERM), an unknown function. */
static void refused_step(struct soak_cpu *c, u64 r)
{
	unsigned int k = (r >> 12) % 4;
	u64 pfn, n = 1;
	s64 want = ABI_EINVAL, ret;

	switch ((r >> 8) % 9) {
	case 0:
		pfn = c->priv_pfn, n = 0;
		break;
	case 1:
		pfn = c->priv_pfn, n = ~0ULL;
		break; /* wraps */
	case 2:
		pfn = ~0ULL, n = 2;
		break;
	case 3:
		pfn = 1ULL << 36;
		break;
	case 4:
		pfn = soak.uart_pfn;
		break; /* MMIO */
	case 5:
		pfn = soak.ram_end_pfn - 1, n = 2;
		break; /* RAM, then beyond */
	case 6:
		pfn = soak.carve_pfn + (r >> 16) % soak.carve_pages, want = ABI_EPERM;
		break;
	case 7:
		pfn = soak.carve_pfn - 1, n = 2, want = ABI_EPERM;
		break;
	default: {
		struct smccc_res res;

		c->calls++;
		payload_hvc(0xC6000077, c->priv_pfn, 1, 0, &res);
		if ((s64)res.a0 != ISOHYP_SMCCC_NOT_SUPPORTED)
			soak_diverge(c, "an unknown function", 0xC6000077, c->priv_pfn, 1, res.a0,
				     ISOHYP_SMCCC_NOT_SUPPORTED);
		return;
	}
	}
	ret = soak_call(c, soak_range_calls[k].fn, pfn, n);
	if (ret != want)
		soak_diverge(c, "a refused call", soak_range_calls[k].fn, pfn, n, ret, want);
}

/* Loads and stores: own pages as the model says, shared pages pattern or zero. */
static void cpu_access_step(struct soak_cpu *c, u64 r)
{
	u64 i = (r >> 16) % PRIV_PAGES, w = (r >> 24) % WORDS, pa = (c->priv_pfn + i) << 12;
	u64 v, seed, faulted;

	switch ((r >> 8) % 4) {
	case 0: /* write: a new fill of an accessible page; a donated one aborts */
		seed = splitmix(&c->rng) | 1;
		if (c->state[i] != DONATED) {
			soak_fill(pa, seed);
			c->seed[i] = seed;
			return;
		}
		v = seed;
		if (!soak_access(c, pa + w * 8, true, &v))
			soak_diverge(c, "a store to a donated page did not abort", 0, pa >> 12, 1,
				     0, 1);
		return;
	case 1 ... 2:
		check_own_page(c, i, w, "an own page");
		return;
	default:
		i = (r >> 16) % SHARED_PAGES;
		pa = (soak.shared_pfn + i) << 12;
		faulted = soak_access(c, pa + w * 8, false, &v);
		if (!faulted && v && v != word(shared_seed(i), w))
			soak_diverge(c, "a shared page reads other than its fill or zero", 0,
				     pa >> 12, 1, v, word(shared_seed(i), w));
	}
}

void soak_step(struct soak_cpu *c)
{
	u64 r = splitmix(&c->rng), op = r % 100;

	if (op < 40)
		own_range(c, r);
	else if (op < 65)
		shared_range(c, r);
	else if (op < 80)
		page_state_step(c, r);
	else if (op < 84)
		iommu_info_step(c);
	else if (op < 90)
		refused_step(c, r);
	else
		cpu_access_step(c, r);
}

/* What a shared page's successful calls, summed over the CPUs, leave it in; -1: impossible. */
s64 soak_shared_state(u64 p, u64 *reclaims)
{
	s64 sum[4] = { 0 }, s, d;
	u64 i, k;

	for (i = 0; i < soak.ncpus; i++)
		for (k = 0; k < 4; k++)
			sum[k] += soak_cpus[i].ops[p][k];
	*reclaims = sum[CALL_RECLAIM];
	s = sum[CALL_SHARE] - sum[CALL_UNSHARE];
	d = sum[CALL_DONATE] - sum[CALL_RECLAIM];
	if (s < 0 || d < 0 || s + d > 1)
		return -1;
	return s ? SHARED : d ? DONATED : OWNED;
}

/*
 * Wait until every CPU has arrived here as often as this one (bounded, 60 s:
 * the boot CPU reports a CPU that never came). False on a timeout.
 */
static bool rendezvous(struct soak_cpu *c)
{
	u64 limit = now() + 60 * soak.freq;

	c->rendezvous++;
	arrive(&soak.arrived);
	while (__atomic_load_n(&soak.arrived, __ATOMIC_ACQUIRE) < c->rendezvous * soak.ncpus) {
		if (now() > limit)
			return false;
		/* Lets a single-threaded TCG run the others now (QEMU switches CPUs on it). */
		__asm__ __volatile__("yield" ::: "memory");
	}
	return true;
}

/*
 * Everybody quiet: this CPU loads every shared page. What its own stage-2
 * TLB lets it reach must be what the sum of everybody's calls says. Pages
 * that must abort go first (@inaccessible_first) or last: taking an abort
 * may cost this CPU its TLB entries, which would hide a stale one.
 */
static void quiet_check(struct soak_cpu *c, const char *what, bool inaccessible_first)
{
	u64 p, v, reclaims, faulted, pass;
	s64 st;

	for (pass = 0; pass < 2; pass++)
		for (p = 0; p < SHARED_PAGES; p++) {
			u64 pfn = soak.shared_pfn + p;

			st = soak_shared_state(p, &reclaims);
			if (st < 0 || (st == DONATED) != (pass == !inaccessible_first))
				continue; /* the boot CPU reports the former */
			faulted = soak_access(c, (pfn << 12) + 8 * ((p + c->index) % WORDS), false,
					      &v);
			if (faulted != (st == DONATED))
				soak_diverge(c, what, 0, pfn, 1, faulted, st == DONATED);
		}
}

/*
 * While the others wait, the boot CPU moves every shared page on by one
 * call: host-owned ones are donated (reclaimed ones given back, shared ones
 * unshared). The calls' TLB invalidation must reach the other CPUs, which
 * loaded every page just before: a stale entry would let them read a page
 * donated meanwhile.
 */
static void shootdown(struct soak_cpu *b)
{
	u64 p, reclaims;

	for (p = 0; p < SHARED_PAGES; p++) {
		s64 st = soak_shared_state(p, &reclaims), ret;
		unsigned int k = st == DONATED ? CALL_RECLAIM :
				 st == SHARED  ? CALL_UNSHARE :
						 CALL_DONATE;

		if (st < 0)
			continue;
		ret = soak_call(b, soak_range_calls[k].fn, soak.shared_pfn + p, 1);
		if (ret)
			soak_diverge(b, "shootdown: a call on a quiet shared page",
				     soak_range_calls[k].fn, soak.shared_pfn + p, 1, ret, 0);
		else
			b->ops[p][k]++;
	}
}

/*
 * The end of an epoch, on every CPU: all stop; each loads every shared
 * page; the boot CPU changes them all; each loads them again. False if a
 * CPU never came.
 */
bool soak_epoch_end(struct soak_cpu *c, bool boot)
{
	if (!rendezvous(c))
		return false;
	quiet_check(c, "quiet: this CPU's load of a shared page aborted (1) or not", false);
	if (!rendezvous(c))
		return false;
	if (boot)
		shootdown(c);
	if (!rendezvous(c))
		return false;
	quiet_check(c,
		    "shootdown: this CPU's load of a page another CPU changed aborted (1) or not",
		    true);
	return true;
}

/* A secondary, started through PSCI CPU_ON for each epoch; CPU_OFF on return. */
void soak_worker(void *arg)
{
	struct soak_cpu *c = arg;
	u64 epoch = __atomic_load_n(&soak.epoch, __ATOMIC_ACQUIRE);

	while (!__atomic_load_n(&soak.stop, __ATOMIC_ACQUIRE))
		soak_step(c);
	soak_epoch_end(c, false);
	__atomic_store_n(&c->done, epoch, __ATOMIC_RELEASE);
}
