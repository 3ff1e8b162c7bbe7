// SPDX-License-Identifier: GPL-2.0-only
/*
 * The multi-CPU soak, the boot CPU's side (soak.c has what every CPU does,
 * and why): set-up, the epochs (secondaries started through PSCI CPU_ON),
 * edu DMA probes of the SMMU's view, the check of every page at each
 * barrier, the output, and giving everything back.
 */
#include <efi.h>
#include <efilib.h>
#include <string.h>

#include <asm/cache.h>

#include "soak.h"

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
		soak_fill(soak.scratch, new_seed);
		ok = dma_in(soak.scratch) && dma_out(pa);
	} else {
		soak_fill(soak.scratch, 0x5c5c5c5c);
		ok = dma_in(pa) && dma_out(soak.scratch);
	}
	f1 = dma_faults(&last);
	if (!ok)
		soak_diverge(c, "edu's DMA engine never finished", 0, pfn, 1, 0, 1);
	else if ((f1 != f0) == reach)
		soak_diverge(c,
			     reach ? "DMA to a page the host has faulted" :
				     "DMA to a donated page did not fault",
			     0, pfn, 1, f1 - f0, !reach);
	else if (!reach && (last & ~(PAGE_SIZE - 1)) != pa)
		soak_diverge(c, "a refused DMA was reported elsewhere", 0, pfn, 1, last, pa);
	else if (reach && write && !soak_holds(pa, new_seed))
		soak_diverge(c, "DMA into a page the host has did not land", 0, pfn, 1, 0, 1);
	else if (reach && !write && !soak_holds(soak.scratch, seed))
		soak_diverge(c, "DMA out of a page the host has read other than its content", 0,
			     pfn, 1, 0, 1);
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
		struct soak_cpu *c = &soak_cpus[i];

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
			struct soak_cpu *c = &soak_cpus[i];
			u64 pfn = c->priv_pfn + p;
			s64 st = soak_state_of(b, pfn);

			if (st != c->state[p]) {
				soak_diverge(b, "barrier: PAGE_STATE of a CPU's own page", 0, pfn,
					     1, st, c->state[p]);
				continue;
			}
			if (soak_access(b, (pfn << 12) + 8 * (p % WORDS), false, &v) !=
			    (st == DONATED))
				soak_diverge(b,
					     "barrier: a load aborted (1) or not against the state",
					     0, pfn, 1, st != DONATED, st == DONATED);
			else if (st != DONATED && !soak_holds(pfn << 12, c->seed[p]))
				soak_diverge(b, "barrier: an own page's content", 0, pfn, 1, 0, 1);
		}
	for (p = 0; p < SHARED_PAGES; p++) {
		u64 pfn = soak.shared_pfn + p, reclaims;
		s64 st = soak_state_of(b, pfn), want = soak_shared_state(p, &reclaims);

		if (want < 0)
			soak_diverge(b, "barrier: a shared page's successful calls do not add up",
				     0, pfn, 1, st, want);
		else if (st != want)
			soak_diverge(b,
				     "barrier: PAGE_STATE of a shared page against the CPUs' calls",
				     0, pfn, 1, st, want);
		else if (soak_access(b, (pfn << 12) + 8 * (p % WORDS), false, &v) !=
			 (st == DONATED))
			soak_diverge(b, "barrier: a load of a shared page aborted (1) or not", 0,
				     pfn, 1, st != DONATED, st == DONATED);
		else if (st != DONATED && !soak_holds(pfn << 12, reclaims ? 0 : shared_seed(p)))
			soak_diverge(b, "barrier: a shared page's content", 0, pfn, 1, 0, 1);
	}
	/* The SMMU's view of three pages of any set. */
	for (k = 0; k < 3; k++) {
		u64 r = splitmix(&soak.dma_rng), seed, reclaims;
		s64 st;

		p = r % (soak.ncpus * PRIV_PAGES + SHARED_PAGES);
		if (p < soak.ncpus * PRIV_PAGES) {
			struct soak_cpu *c = &soak_cpus[p / PRIV_PAGES];

			dma_probe(b, c->priv_pfn + p % PRIV_PAGES, c->state[p % PRIV_PAGES],
				  c->seed[p % PRIV_PAGES], false, 0);
			continue;
		}
		p -= soak.ncpus * PRIV_PAGES;
		st = soak_state_of(b, soak.shared_pfn + p);
		seed = soak_shared_state(p, &reclaims) >= 0 && !reclaims ? shared_seed(p) : 0;
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
		calls += soak_cpus[i].calls;
		*divs += soak_cpus[i].divs;
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
	memset(soak_cpus, 0, sizeof(soak_cpus));
	for (i = 0; i < (u64)n; i++) {
		struct soak_cpu *c = &soak_cpus[i];

		c->index = i, c->mpidr = mpidrs[i];
		c->rng = soak.seed ^ ((i + 1) * 0x2545f4914f6cdd1dULL);
		c->priv_pfn = (base >> 12) + i * PRIV_PAGES;
		for (p = 0; p < PRIV_PAGES; p++) {
			c->state[p] = OWNED;
			c->seed[p] = splitmix(&c->rng) | 1;
			soak_fill((c->priv_pfn + p) << 12, c->seed[p]);
		}
		c->boot = (struct secondary_boot){
			.mair = read_sysreg(mair_el1),
			.tcr = read_sysreg(tcr_el1),
			.ttbr0 = read_sysreg(ttbr0_el1),
			.sctlr = read_sysreg(sctlr_el1),
			.vbar = (u64)(uintptr_t)soak_vectors,
			.sp = *stacks + (i + 1) * STACK_PAGES * PAGE_SIZE,
			.fn = soak_worker,
			.arg = c,
		};
		if (mpidrs[i] == self)
			boot = i;
	}
	for (p = 0; p < SHARED_PAGES; p++)
		soak_fill((soak.shared_pfn + p) << 12, shared_seed(p));
	if (boot < 0)
		Print(L"soak: cannot start: this CPU is not in the device tree\n");
	return boot;
}

/* Give every page back to the host, as the models say; all host-owned after. */
static void soak_cleanup(struct soak_cpu *b, u64 region, u64 region_pages, u64 stacks)
{
	u64 first = soak_cpus[0].priv_pfn, n = soak.ncpus * PRIV_PAGES + SHARED_PAGES, p;

	for (p = first; p < first + n; p++) {
		s64 st = soak_state_of(b, p), ret = 0;

		if (st == DONATED)
			ret = soak_call(b, ISOHYP_FN_HOST_RECLAIM, p, 1);
		else if (st == SHARED)
			ret = soak_call(b, ISOHYP_FN_HOST_UNSHARE_HYP, p, 1);
		if (ret || soak_state_of(b, p) != OWNED)
			soak_diverge(b, "cleanup: a page did not come back to the host", 0, p, 1,
				     ret, 0);
	}
	free_pages(region, region_pages);
	free_pages(stacks, soak.ncpus * STACK_PAGES);
}

void payload_soak(u64 seconds, u64 seed)
{
	u64 region, region_pages, stacks, t0, end, epoch_end, next_dma, calls, divs, i, secs;
	u64 checks = 0, before; /* the boot CPU's calls at the barriers */
	struct smccc_res res;
	struct soak_cpu *b;
	int boot;

	soak.seed = seed ? seed : (now() * 0x9e3779b97f4a7c15ULL) | 1;
	boot = soak_setup(&region, &region_pages, &stacks);
	if (boot < 0)
		return;
	b = &soak_cpus[boot];
	Print(L"soak: seed %lx, %d CPUs, %ld s, %d own pages per CPU from %lx, %d shared from %lx\n",
	      soak.seed, (int)soak.ncpus, (s64)seconds, PRIV_PAGES, soak_cpus[0].priv_pfn << 12,
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
			dcache_clean_poc(&soak_cpus[i].boot, sizeof(soak_cpus[i].boot));
			if (!wait_off(&soak_cpus[i]))
				soak_diverge(b, "a secondary stayed on", 0, soak_cpus[i].mpidr, 0,
					     0, 1);
			payload_smc(0xC4000003, soak_cpus[i].mpidr,
				    (u64)(uintptr_t)payload_secondary_c_entry,
				    (u64)(uintptr_t)&soak_cpus[i].boot, &res);
			if (res.a0)
				soak_diverge(b, "CPU_ON of a secondary", 0xC4000003,
					     soak_cpus[i].mpidr, 0, res.a0, 0);
		}
		epoch_end = now() + EPOCH_SECONDS * soak.freq;
		epoch_end = epoch_end < end ? epoch_end : end;
		while (now() < epoch_end) {
			soak_step(b);
			if (now() >= next_dma) {
				dma_own(b);
				next_dma = now() + soak.freq / 2;
			}
		}
		__atomic_store_n(&soak.stop, 1, __ATOMIC_RELEASE);
		before = b->calls;
		if (!soak_epoch_end(b, true))
			Print(L"soak: a CPU never reached the end of epoch %ld\n", (s64)soak.epoch);
		for (i = 0; i < soak.ncpus; i++) {
			u64 k;

			if (i == (u64)boot)
				continue;
			/* Bounded, 60 s: a CPU stuck in the hypervisor is a divergence. */
			for (k = 0; k < 6000 && __atomic_load_n(&soak_cpus[i].done,
								__ATOMIC_ACQUIRE) != soak.epoch;
			     k++)
				uefi_call_wrapper(BS->Stall, 1, 10000);
			if (k == 6000) {
				Print(L"soak: CPU %d never stopped (at its call %ld)\n", (int)i,
				      (s64)soak_cpus[i].calls);
				soak_diverge(b, "a CPU never reached the barrier", 0, 0, 0, i, -1);
				print_divergences();
				return; /* its pages cannot be checked or given back */
			}
			wait_off(&soak_cpus[i]);
		}
		barrier_check(b);
		checks += b->calls - before;
		print_divergences();
		calls = total(&divs);
		secs = (now() - t0) / soak.freq;
		Print(L"soak: epoch %ld at %ld s: %ld calls (%ld/s), %ld divergences\n",
		      (s64)soak.epoch, (s64)secs, (s64)calls, (s64)(calls / (secs ? secs : 1)),
		      (s64)divs);
	} while (now() < end);
	secs = (now() - t0) / soak.freq;
	before = b->calls;
	soak_cleanup(b, region, region_pages, stacks);
	checks += b->calls - before;
	print_divergences();
	for (i = 0; i < soak.ncpus; i++)
		Print(L"soak: CPU %d (MPIDR %lx): %ld calls, %ld divergences\n", (int)i,
		      soak_cpus[i].mpidr, (s64)soak_cpus[i].calls, (s64)soak_cpus[i].divs);
	calls = total(&divs);
	Print(L"soak: %ld calls in the random sequences (%ld/s), %ld by the checks at barriers\n",
	      (s64)(calls - checks), (s64)((calls - checks) / (secs ? secs : 1)), (s64)checks);
	Print(L"soak: %ld calls on %d CPUs in %ld s (%ld calls/s), %ld divergences\n", (s64)calls,
	      (int)soak.ncpus, (s64)secs, (s64)(calls / (secs ? secs : 1)), (s64)divs);
}
