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
#include <efilib.h>
#include <string.h>

#include <asm/cache.h>
#include <asm/sysreg.h>
#include <uapi/isohyp.h>

#include "payload.h"

#define SOAK_MAX_CPUS 16
#define PRIV_PAGES 64 /* per CPU, only it touches them */
#define SHARED_PAGES 64 /* every CPU races on these */
#define STACK_PAGES 4
#define EPOCH_SECONDS 10
#define MAX_DIVS 8 /* divergences kept in full per CPU */
#define PAGE_SIZE 4096ULL
#define WORDS (PAGE_SIZE / sizeof(u64))
#define BLOCK_PAGES 512 /* 2 MiB: the private sets start at a block */

#define ABI_EPERM (-1)
#define ABI_EINVAL (-22)

#define OWNED ISOHYP_PAGE_HOST_OWNED
#define SHARED ISOHYP_PAGE_SHARED_HYP
#define DONATED ISOHYP_PAGE_HYP_OWNED

enum { CALL_SHARE, CALL_UNSHARE, CALL_DONATE, CALL_RECLAIM };

/* The four range calls: the state each needs and the state it leaves. */
static const struct {
	u32 fn;
	u8 need, next;
} range_calls[4] = {
	[CALL_SHARE] = { ISOHYP_FN_HOST_SHARE_HYP, OWNED, SHARED },
	[CALL_UNSHARE] = { ISOHYP_FN_HOST_UNSHARE_HYP, SHARED, OWNED },
	[CALL_DONATE] = { ISOHYP_FN_HOST_DONATE_HYP, OWNED, DONATED },
	[CALL_RECLAIM] = { ISOHYP_FN_HOST_RECLAIM, DONATED, OWNED },
};

struct soak_div {
	const char *what;
	u64 call, pfn, n;
	s64 got, want;
	u32 fn;
};

struct soak_cpu {
	struct secondary_boot boot; /* read with the MMU off: its own cache line */
	struct payload_caught caught; /* soak_vectors write here (TPIDR_EL1) */
	u64 rng, index, mpidr, priv_pfn;
	u64 calls, divs, printed, last_faults;
	u64 done; /* the last epoch this CPU finished */
	u64 rendezvous; /* how many it has been to */
	struct soak_div div[MAX_DIVS];
	u8 state[PRIV_PAGES]; /* PAGE_STATE of each own page */
	u64 seed[PRIV_PAGES]; /* its content: fill pattern of seed, 0 = zeros */
	u32 ops[SHARED_PAGES][4]; /* successful range calls per shared page */
} __attribute__((aligned(64)));

static struct soak_cpu cpus[SOAK_MAX_CPUS];

static struct {
	u64 seed, ncpus, epoch, freq;
	u64 shared_pfn, scratch, dma_rng;
	u64 carve_pfn, carve_pages, uart_pfn, ram_end_pfn, code_pfn;
	u64 stop, arrived;
} soak;

static u64 splitmix(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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

static u64 now(void)
{
	return read_sysreg(cntvct_el0);
}

/* Word @i of a page filled from @seed (0: a zeroed page). */
static u64 word(u64 seed, u64 i)
{
	return seed ? seed ^ (i * 0x9e3779b97f4a7c15ULL) : 0;
}

static void fill(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS; i++)
		p[i] = word(seed, i);
}

static bool holds(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS; i++)
		if (p[i] != word(seed, i))
			return false;
	return true;
}

/* What never changes in a shared page but by zeroing: filled once at the start. */
static u64 shared_seed(u64 p)
{
	return (soak.seed ^ ((p + 1) * 0xd1b54a32d192ed03ULL)) | 1;
}

static void diverge(struct soak_cpu *c, const char *what, u32 fn, u64 pfn, u64 n, s64 got,
		    s64 want)
{
	if (c->divs < MAX_DIVS)
		c->div[c->divs] = (struct soak_div){ .what = what, .call = c->calls, .pfn = pfn,
						     .n = n, .got = got, .want = want, .fn = fn };
	c->divs++;
}

static s64 call(struct soak_cpu *c, u32 fn, u64 a1, u64 a2)
{
	c->calls++;
	return hcall(fn, a1, a2);
}

static s64 state_of(struct soak_cpu *c, u64 pfn)
{
	return call(c, ISOHYP_FN_PAGE_STATE, pfn, 0);
}

static bool ram_state(s64 st)
{
	return st == OWNED || st == SHARED || st == DONATED;
}

/*
 * One load (or store of @val) at @pa through soak_vectors: 1 if it aborted
 * and was stepped over, and then it must have been an abort on @pa. The load
 * gives ~0 if it aborted.
 */
static u64 access(struct soak_cpu *c, u64 pa, bool write, u64 *val)
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
		diverge(c, "an abort elsewhere than at the address accessed", 0, pa >> 12, 0,
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
	s64 st = state_of(c, pfn);

	if (st != c->state[i]) {
		diverge(c, what, ISOHYP_FN_PAGE_STATE, pfn, 1, st, c->state[i]);
		if (ram_state(st))
			c->state[i] = st; /* one divergence, not one per later call */
	}
	faulted = access(c, (pfn << 12) + w * 8, false, &v);
	if (faulted != (c->state[i] == DONATED))
		diverge(c, "a load aborted (1) or not (0) against the page's state", 0, pfn, 1,
			faulted, c->state[i] == DONATED);
	else if (!faulted && v != word(c->seed[i], w))
		diverge(c, "a load read other than what the host wrote (or zero if reclaimed)",
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
		k = c->state[start] == SHARED ? CALL_UNSHARE :
		    c->state[start] == DONATED ? CALL_RECLAIM :
		    (r >> 34) & 1 ? CALL_SHARE : CALL_DONATE;
	else
		k = (r >> 36) % 4;
	for (i = start; i < start + n; i++)
		if (c->state[i] != range_calls[k].need)
			want = ABI_EPERM;
	ret = call(c, range_calls[k].fn, c->priv_pfn + start, n);
	if (ret != want) {
		diverge(c, "an own range call returned other than the model", range_calls[k].fn,
			c->priv_pfn + start, n, ret, want);
		for (i = start; i < start + n; i++) { /* adopt what the hypervisor says */
			s64 st = state_of(c, c->priv_pfn + i);

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
		c->state[i] = range_calls[k].next;
		if (k == CALL_RECLAIM)
			c->seed[i] = 0;
	}
	/* The host sees the change at once, at both ends of the range. */
	check_own_page(c, start, (r >> 40) % WORDS, "PAGE_STATE of an own page after a call");
	if (n > 1)
		check_own_page(c, start + n - 1, (r >> 49) % WORDS,
			       "PAGE_STATE of an own page after a call");
	if (k == CALL_RECLAIM && !page_is_zero((c->priv_pfn + start) << 12))
		diverge(c, "a reclaimed page is not all zero", range_calls[k].fn,
			c->priv_pfn + start, n, 1, 0);
}

/* A range call on the shared pages: who wins is anybody's guess. */
static void shared_range(struct soak_cpu *c, u64 r)
{
	u64 start = (r >> 8) % SHARED_PAGES, room = SHARED_PAGES - start;
	u64 n = 1 + (r >> 16) % (room < 4 ? room : 4), pfn = soak.shared_pfn + start, v, i;
	unsigned int k = (r >> 24) % 4;
	s64 st, ret;

	st = state_of(c, pfn);
	if (!ram_state(st))
		diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
			ISOHYP_FN_PAGE_STATE, pfn, 1, st, OWNED);
	ret = call(c, range_calls[k].fn, pfn, n);
	if (ret && ret != ABI_EPERM)
		diverge(c, "a shared range call returned neither 0 nor -EPERM",
			range_calls[k].fn, pfn, n, ret, 0);
	if (!ret)
		for (i = start; i < start + n; i++)
			c->ops[i][k]++;
	/*
	 * Nobody writes the shared pages: once reclaimed, a page stays zero,
	 * whoever has it since. A load may abort (donated again meanwhile).
	 */
	if (!ret && k == CALL_RECLAIM && !access(c, (pfn << 12) + (r >> 40) % WORDS * 8, false, &v) &&
	    v)
		diverge(c, "a shared page this CPU reclaimed reads other than zero",
			range_calls[k].fn, pfn, n, v, 0);
	st = state_of(c, pfn);
	if (!ram_state(st))
		diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
			ISOHYP_FN_PAGE_STATE, pfn, 1, st, OWNED);
}

static void page_state_step(struct soak_cpu *c, u64 r)
{
	u64 pfn = 0, p;
	s64 st, want = 0;

	switch ((r >> 8) % 8) {
	case 0 ... 3:
		check_own_page(c, (r >> 16) % PRIV_PAGES, (r >> 24) % WORDS, "PAGE_STATE of an own page");
		return;
	case 4 ... 5:
		p = (r >> 16) % SHARED_PAGES;
		st = state_of(c, soak.shared_pfn + p);
		if (!ram_state(st))
			diverge(c, "PAGE_STATE of a shared page is no RAM page's state",
				ISOHYP_FN_PAGE_STATE, soak.shared_pfn + p, 1, st, OWNED);
		return;
	case 6:
		switch ((r >> 16) % 5) {
		case 0: pfn = soak.carve_pfn, want = DONATED; break;
		case 1: pfn = soak.carve_pfn + soak.carve_pages - 1, want = DONATED; break;
		case 2: pfn = soak.uart_pfn, want = ISOHYP_PAGE_MMIO_HOST; break;
		case 3: pfn = soak.code_pfn, want = OWNED; break;
		default: pfn = 1ULL << 36, want = ABI_EINVAL; break; /* beyond 48 bits of PA */
		}
		break;
	default:
		pfn = ~0ULL - (r >> 16) % 4096, want = ABI_EINVAL;
		break;
	}
	st = state_of(c, pfn);
	if (st != want)
		diverge(c, "PAGE_STATE of a fixed page", ISOHYP_FN_PAGE_STATE, pfn, 1, st, want);
}

/* IOMMU_INFO: one SMMU; the fault count never goes back. */
static void iommu_info_step(struct soak_cpu *c)
{
	u64 r[8];

	c->calls++;
	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	if (r[0] || r[1] != 1)
		diverge(c, "IOMMU_INFO x0 (x1 SMMUs)", ISOHYP_FN_IOMMU_INFO, 0, 0, r[0] ? r[0] : r[1],
			r[0] ? 0 : 1);
	else if (r[2] < c->last_faults)
		diverge(c, "IOMMU_INFO's fault count went back", ISOHYP_FN_IOMMU_INFO, 0, 0, r[2],
			c->last_faults);
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
	case 0: pfn = c->priv_pfn, n = 0; break;
	case 1: pfn = c->priv_pfn, n = ~0ULL; break; /* wraps */
	case 2: pfn = ~0ULL, n = 2; break;
	case 3: pfn = 1ULL << 36; break;
	case 4: pfn = soak.uart_pfn; break; /* MMIO */
	case 5: pfn = soak.ram_end_pfn - 1, n = 2; break; /* RAM, then beyond */
	case 6: pfn = soak.carve_pfn + (r >> 16) % soak.carve_pages, want = ABI_EPERM; break;
	case 7: pfn = soak.carve_pfn - 1, n = 2, want = ABI_EPERM; break;
	default: {
		struct smccc_res res;

		c->calls++;
		payload_hvc(0xC6000077, c->priv_pfn, 1, 0, &res);
		if ((s64)res.a0 != ISOHYP_SMCCC_NOT_SUPPORTED)
			diverge(c, "an unknown function", 0xC6000077, c->priv_pfn, 1, res.a0,
				ISOHYP_SMCCC_NOT_SUPPORTED);
		return;
	}
	}
	ret = call(c, range_calls[k].fn, pfn, n);
	if (ret != want)
		diverge(c, "a refused call", range_calls[k].fn, pfn, n, ret, want);
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
			fill(pa, seed);
			c->seed[i] = seed;
			return;
		}
		v = seed;
		if (!access(c, pa + w * 8, true, &v))
			diverge(c, "a store to a donated page did not abort", 0, pa >> 12, 1, 0, 1);
		return;
	case 1 ... 2:
		check_own_page(c, i, w, "an own page");
		return;
	default:
		i = (r >> 16) % SHARED_PAGES;
		pa = (soak.shared_pfn + i) << 12;
		faulted = access(c, pa + w * 8, false, &v);
		if (!faulted && v && v != word(shared_seed(i), w))
			diverge(c, "a shared page reads other than its fill or zero", 0, pa >> 12, 1,
				v, word(shared_seed(i), w));
	}
}

static void step(struct soak_cpu *c)
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
static s64 shared_state(u64 p, u64 *reclaims)
{
	s64 sum[4] = { 0 }, s, d;
	u64 i, k;

	for (i = 0; i < soak.ncpus; i++)
		for (k = 0; k < 4; k++)
			sum[k] += cpus[i].ops[p][k];
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

			st = shared_state(p, &reclaims);
			if (st < 0 || (st == DONATED) != (pass == !inaccessible_first))
				continue; /* the boot CPU reports the former */
			faulted = access(c, (pfn << 12) + 8 * ((p + c->index) % WORDS), false, &v);
			if (faulted != (st == DONATED))
				diverge(c, what, 0, pfn, 1, faulted, st == DONATED);
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
		s64 st = shared_state(p, &reclaims), ret;
		unsigned int k = st == DONATED ? CALL_RECLAIM :
				 st == SHARED ? CALL_UNSHARE : CALL_DONATE;

		if (st < 0)
			continue;
		ret = call(b, range_calls[k].fn, soak.shared_pfn + p, 1);
		if (ret)
			diverge(b, "shootdown: a call on a quiet shared page", range_calls[k].fn,
				soak.shared_pfn + p, 1, ret, 0);
		else
			b->ops[p][k]++;
	}
}

/*
 * The end of an epoch, on every CPU: all stop; each loads every shared
 * page; the boot CPU changes them all; each loads them again. False if a
 * CPU never came.
 */
static bool epoch_end_checks(struct soak_cpu *c, bool boot)
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
	quiet_check(c, "shootdown: this CPU's load of a page another CPU changed aborted (1) or not",
		    true);
	return true;
}

/* A secondary, started through PSCI CPU_ON for each epoch; CPU_OFF on return. */
static void worker(void *arg)
{
	struct soak_cpu *c = arg;
	u64 epoch = __atomic_load_n(&soak.epoch, __ATOMIC_ACQUIRE);

	while (!__atomic_load_n(&soak.stop, __ATOMIC_ACQUIRE))
		step(c);
	epoch_end_checks(c, false);
	__atomic_store_n(&c->done, epoch, __ATOMIC_RELEASE);
}

/* ---- the boot CPU: DMA, barriers, output ---------------------------------- */

static u64 dma_faults(u64 *last)
{
	u64 r[8];

	payload_hvc8(ISOHYP_FN_IOMMU_INFO, r);
	*last = r[3];
	return r[2];
}

/*
 * edu DMA from page @pfn into the device and back out to the scratch page
 * (@write: from the scratch page, filled with @new_seed, into @pfn). DMA must
 * reach the page exactly when the host owns or shares it, and carry its
 * content, @seed (0: zeros); a refused DMA is counted at that page.
 */
static void dma_probe(struct soak_cpu *c, u64 pfn, u8 state, u64 seed, bool write, u64 new_seed)
{
	u64 pa = pfn << 12, f0, f1, last;
	bool reach = state != DONATED, ok;

	c->calls += 2;
	f0 = dma_faults(&last);
	if (write) {
		fill(soak.scratch, new_seed);
		ok = dma_in(soak.scratch) && dma_out(pa);
	} else {
		fill(soak.scratch, 0x5c5c5c5c);
		ok = dma_in(pa) && dma_out(soak.scratch);
	}
	f1 = dma_faults(&last);
	if (!ok)
		diverge(c, "edu's DMA engine never finished", 0, pfn, 1, 0, 1);
	else if ((f1 != f0) == reach)
		diverge(c, reach ? "DMA to a page the host has faulted" :
				   "DMA to a donated page did not fault",
			0, pfn, 1, f1 - f0, !reach);
	else if (!reach && (last & ~(PAGE_SIZE - 1)) != pa)
		diverge(c, "a refused DMA was reported elsewhere", 0, pfn, 1, last, pa);
	else if (reach && write && !holds(pa, new_seed))
		diverge(c, "DMA into a page the host has did not land", 0, pfn, 1, 0, 1);
	else if (reach && !write && !holds(soak.scratch, seed))
		diverge(c, "DMA out of a page the host has read other than its content", 0, pfn,
			1, 0, 1);
}

/* The boot CPU, between its calls: DMA to or from a page of its own. */
static void dma_own(struct soak_cpu *c)
{
	u64 r = splitmix(&soak.dma_rng), i = r % PRIV_PAGES;
	bool write = (r >> 8) & 1;
	u64 seed = splitmix(&soak.dma_rng) | 1;

	dma_probe(c, c->priv_pfn + i, c->state[i], c->seed[i], write, seed);
	if (write && c->state[i] != DONATED)
		c->seed[i] = seed;
}

static void print_divergences(void)
{
	u64 i, j;

	for (i = 0; i < soak.ncpus; i++) {
		struct soak_cpu *c = &cpus[i];

		for (j = c->printed; j < c->divs && j < MAX_DIVS; j++) {
			struct soak_div *d = &c->div[j];

			Print(L"soak: DIVERGENCE (seed %lx) CPU %d call %ld: %a: function %x pfn %lx n %lx: got %ld (%lx), want %ld\n",
			      soak.seed, (int)i, (s64)d->call, d->what, d->fn, d->pfn, d->n, d->got,
			      d->got, d->want);
		}
		if (c->divs > MAX_DIVS && c->printed <= MAX_DIVS)
			Print(L"soak: CPU %d: more divergences, only the first %d shown\n", (int)i,
			      MAX_DIVS);
		c->printed = c->divs > MAX_DIVS ? MAX_DIVS + 1 : c->divs;
	}
}

/*
 * Everybody stopped: every page against the models. A shared page's
 * successful calls add up to its state (ownership goes out of and back to
 * "host-owned" in turns), and it holds its fill until first reclaimed.
 */
static void barrier_check(struct soak_cpu *b)
{
	u64 i, p, k, v;

	for (i = 0; i < soak.ncpus; i++)
		for (p = 0; p < PRIV_PAGES; p++) {
			struct soak_cpu *c = &cpus[i];
			u64 pfn = c->priv_pfn + p;
			s64 st = state_of(b, pfn);

			if (st != c->state[p]) {
				diverge(b, "barrier: PAGE_STATE of a CPU's own page", 0, pfn, 1, st,
					c->state[p]);
				continue;
			}
			if (access(b, (pfn << 12) + 8 * (p % WORDS), false, &v) != (st == DONATED))
				diverge(b, "barrier: a load aborted (1) or not against the state", 0,
					pfn, 1, st != DONATED, st == DONATED);
			else if (st != DONATED && !holds(pfn << 12, c->seed[p]))
				diverge(b, "barrier: an own page's content", 0, pfn, 1, 0, 1);
		}
	for (p = 0; p < SHARED_PAGES; p++) {
		u64 pfn = soak.shared_pfn + p, reclaims;
		s64 st = state_of(b, pfn), want = shared_state(p, &reclaims);

		if (want < 0)
			diverge(b, "barrier: a shared page's successful calls do not add up", 0, pfn,
				1, st, want);
		else if (st != want)
			diverge(b, "barrier: PAGE_STATE of a shared page against the CPUs' calls",
				0, pfn, 1, st, want);
		else if (access(b, (pfn << 12) + 8 * (p % WORDS), false, &v) != (st == DONATED))
			diverge(b, "barrier: a load of a shared page aborted (1) or not", 0, pfn, 1,
				st != DONATED, st == DONATED);
		else if (st != DONATED && !holds(pfn << 12, reclaims ? 0 : shared_seed(p)))
			diverge(b, "barrier: a shared page's content", 0, pfn, 1, 0, 1);
	}
	/* The SMMU's view of three pages of any set. */
	for (k = 0; k < 3; k++) {
		u64 r = splitmix(&soak.dma_rng), seed, reclaims;
		s64 st;

		p = r % (soak.ncpus * PRIV_PAGES + SHARED_PAGES);
		if (p < soak.ncpus * PRIV_PAGES) {
			struct soak_cpu *c = &cpus[p / PRIV_PAGES];

			dma_probe(b, c->priv_pfn + p % PRIV_PAGES, c->state[p % PRIV_PAGES],
				  c->seed[p % PRIV_PAGES], false, 0);
			continue;
		}
		p -= soak.ncpus * PRIV_PAGES;
		st = state_of(b, soak.shared_pfn + p);
		seed = shared_state(p, &reclaims) >= 0 && !reclaims ? shared_seed(p) : 0;
		if (ram_state(st))
			dma_probe(b, soak.shared_pfn + p, st, seed, false, 0);
	}
}

static bool cpu_off(u64 mpidr)
{
	struct smccc_res res;

	payload_smc(0xC4000004, mpidr, 0, 0, &res); /* AFFINITY_INFO */
	return res.a0 == 1;
}

/* Wait for @c to be off (bounded: 10 s); false if it never was. */
static bool wait_off(struct soak_cpu *c)
{
	int k;

	for (k = 0; k < 1000 && !cpu_off(c->mpidr); k++)
		uefi_call_wrapper(BS->Stall, 1, 10000);
	return k < 1000;
}

static u64 total(u64 *divs)
{
	u64 calls = 0, i;

	for (*divs = 0, i = 0; i < soak.ncpus; i++) {
		calls += cpus[i].calls;
		*divs += cpus[i].divs;
	}
	return calls;
}

/* Find everything, allocate the pages, fill them; the boot CPU's index or -1. */
static int soak_setup(u64 *region, u64 *region_pages, u64 *stacks)
{
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, mpidrs[SOAK_MAX_CPUS];
	u64 lo, hi, uart = uart_base(), cbase, csize, base, i, p;
	int n = payload_cpus(mpidrs, SOAK_MAX_CPUS), boot = -1;

	if (n < 1 || find_carveout(&cbase, &csize) || ram_bounds(&lo, &hi) || !uart ||
	    edu_setup()) {
		Print(L"soak: cannot start: CPUs %d, carve-out, RAM, UART or edu missing\n", n);
		return -1;
	}
	soak.ncpus = n;
	soak.carve_pfn = cbase >> 12, soak.carve_pages = csize >> 12;
	soak.uart_pfn = uart >> 12, soak.ram_end_pfn = hi >> 12;
	soak.code_pfn = (u64)(uintptr_t)soak_setup >> 12;
	soak.freq = read_sysreg(cntfrq_el0);
	/* Own sets from a 2 MiB boundary, so that block mappings split and merge. */
	*region_pages = n * PRIV_PAGES + SHARED_PAGES + BLOCK_PAGES + 1;
	*region = alloc_pages(*region_pages);
	*stacks = alloc_pages(n * STACK_PAGES);
	if (!*region || !*stacks) {
		Print(L"soak: cannot start: no memory\n");
		return -1;
	}
	base = (*region + BLOCK_PAGES * PAGE_SIZE - 1) & ~(BLOCK_PAGES * PAGE_SIZE - 1);
	soak.shared_pfn = (base >> 12) + n * PRIV_PAGES;
	soak.scratch = (soak.shared_pfn + SHARED_PAGES) << 12;
	soak.dma_rng = soak.seed ^ 0xd4a;
	memset(cpus, 0, sizeof(cpus));
	for (i = 0; i < (u64)n; i++) {
		struct soak_cpu *c = &cpus[i];

		c->index = i, c->mpidr = mpidrs[i];
		c->rng = soak.seed ^ ((i + 1) * 0x2545f4914f6cdd1dULL);
		c->priv_pfn = (base >> 12) + i * PRIV_PAGES;
		for (p = 0; p < PRIV_PAGES; p++) {
			c->state[p] = OWNED;
			c->seed[p] = splitmix(&c->rng) | 1;
			fill((c->priv_pfn + p) << 12, c->seed[p]);
		}
		c->boot = (struct secondary_boot){
			.mair = read_sysreg(mair_el1), .tcr = read_sysreg(tcr_el1),
			.ttbr0 = read_sysreg(ttbr0_el1), .sctlr = read_sysreg(sctlr_el1),
			.vbar = (u64)(uintptr_t)soak_vectors,
			.sp = *stacks + (i + 1) * STACK_PAGES * PAGE_SIZE,
			.fn = worker, .arg = c,
		};
		if (mpidrs[i] == self)
			boot = i;
	}
	for (p = 0; p < SHARED_PAGES; p++)
		fill((soak.shared_pfn + p) << 12, shared_seed(p));
	if (boot < 0)
		Print(L"soak: cannot start: this CPU is not in the device tree\n");
	return boot;
}

/* Give every page back to the host, as the models say; all host-owned after. */
static void soak_cleanup(struct soak_cpu *b, u64 region, u64 region_pages, u64 stacks)
{
	u64 first = cpus[0].priv_pfn, n = soak.ncpus * PRIV_PAGES + SHARED_PAGES, p;

	for (p = first; p < first + n; p++) {
		s64 st = state_of(b, p), ret = 0;

		if (st == DONATED)
			ret = call(b, ISOHYP_FN_HOST_RECLAIM, p, 1);
		else if (st == SHARED)
			ret = call(b, ISOHYP_FN_HOST_UNSHARE_HYP, p, 1);
		if (ret || state_of(b, p) != OWNED)
			diverge(b, "cleanup: a page did not come back to the host", 0, p, 1, ret, 0);
	}
	free_pages(region, region_pages);
	free_pages(stacks, soak.ncpus * STACK_PAGES);
}

void payload_soak(u64 seconds, u64 seed)
{
	u64 region, region_pages, stacks, t0, end, epoch_end, next_dma, calls, divs, i, secs;
	struct smccc_res res;
	struct soak_cpu *b;
	int boot;

	soak.seed = seed ? seed : (now() * 0x9e3779b97f4a7c15ULL) | 1;
	boot = soak_setup(&region, &region_pages, &stacks);
	if (boot < 0)
		return;
	b = &cpus[boot];
	Print(L"soak: seed %lx, %d CPUs, %ld s, %d own pages per CPU from %lx, %d shared from %lx\n",
	      soak.seed, (int)soak.ncpus, (s64)seconds, PRIV_PAGES, cpus[0].priv_pfn << 12,
	      SHARED_PAGES, soak.shared_pfn << 12);
	t0 = now();
	end = t0 + seconds * soak.freq;
	next_dma = t0;
	do {
		soak.epoch++;
		__atomic_store_n(&soak.stop, 0, __ATOMIC_RELEASE);
		for (i = 0; i < soak.ncpus; i++) {
			if (i == (u64)boot)
				continue;
			dcache_clean_poc(&cpus[i].boot, sizeof(cpus[i].boot));
			if (!wait_off(&cpus[i]))
				diverge(b, "a secondary stayed on", 0, cpus[i].mpidr, 0, 0, 1);
			payload_smc(0xC4000003, cpus[i].mpidr,
				    (u64)(uintptr_t)payload_secondary_c_entry,
				    (u64)(uintptr_t)&cpus[i].boot, &res);
			if (res.a0)
				diverge(b, "CPU_ON of a secondary", 0xC4000003, cpus[i].mpidr, 0,
					res.a0, 0);
		}
		epoch_end = t0 + soak.epoch * EPOCH_SECONDS * soak.freq;
		epoch_end = epoch_end < end ? epoch_end : end;
		while (now() < epoch_end) {
			step(b);
			if (now() >= next_dma) {
				dma_own(b);
				next_dma = now() + soak.freq / 2;
			}
		}
		__atomic_store_n(&soak.stop, 1, __ATOMIC_RELEASE);
		if (!epoch_end_checks(b, true))
			Print(L"soak: a CPU never reached the end of epoch %ld\n", (s64)soak.epoch);
		for (i = 0; i < soak.ncpus; i++) {
			u64 k;

			if (i == (u64)boot)
				continue;
			/* Bounded, 60 s: a CPU stuck in the hypervisor is a divergence. */
			for (k = 0; k < 6000 && __atomic_load_n(&cpus[i].done, __ATOMIC_ACQUIRE) !=
						       soak.epoch; k++)
				uefi_call_wrapper(BS->Stall, 1, 10000);
			if (k == 6000) {
				Print(L"soak: CPU %d never stopped (at its call %ld)\n", (int)i,
				      (s64)cpus[i].calls);
				diverge(b, "a CPU never reached the barrier", 0, 0, 0, i, -1);
				print_divergences();
				return; /* its pages cannot be checked or given back */
			}
			wait_off(&cpus[i]);
		}
		barrier_check(b);
		print_divergences();
		calls = total(&divs);
		secs = (now() - t0) / soak.freq;
		Print(L"soak: epoch %ld at %ld s: %ld calls (%ld/s), %ld divergences\n",
		      (s64)soak.epoch, (s64)secs, (s64)calls, (s64)(calls / (secs ? secs : 1)),
		      (s64)divs);
	} while (now() < end);
	secs = (now() - t0) / soak.freq;
	soak_cleanup(b, region, region_pages, stacks);
	print_divergences();
	for (i = 0; i < soak.ncpus; i++)
		Print(L"soak: CPU %d (MPIDR %lx): %ld calls, %ld divergences\n", (int)i,
		      cpus[i].mpidr, (s64)cpus[i].calls, (s64)cpus[i].divs);
	calls = total(&divs);
	Print(L"soak: %ld calls on %d CPUs in %ld s (%ld calls/s), %ld divergences\n",
	      (s64)calls, (int)soak.ncpus, (s64)secs, (s64)(calls / (secs ? secs : 1)),
	      (s64)divs);
}
