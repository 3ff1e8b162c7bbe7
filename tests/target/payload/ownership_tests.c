// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page ownership through the real HVC path (ARCHITECTURE.md sections 3 and 4):
 * donate, reclaim, share, unshare and PAGE_STATE as the host sees them, every
 * error the ABI table names, and all CPUs racing on disjoint and overlapping
 * ranges. Expected values come from the ABI table, not from the hypervisor's
 * headers: -EINVAL is -22, -EPERM is -1.
 */
#include <efi.h>
#include <efilib.h>
#include <libfdt.h>
#include <string.h>

#include <asm/cache.h>
#include <asm/sysreg.h>
#include <uapi/isohyp.h>

#include "harness.h"
#include "payload.h"

#define ABI_EINVAL (-22)
#define ABI_EPERM (-1)

#define PAGE_SIZE 4096ULL
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(u64))

s64 hcall(u32 fn, u64 a1, u64 a2)
{
	struct smccc_res res;

	payload_hvc(fn, a1, a2, 0, &res);
	return res.a0 == ISOHYP_SMCCC_SUCCESS ? (s64)res.a1 : CALL_FAILED;
}

s64 page_state(u64 pfn)
{
	return hcall(ISOHYP_FN_PAGE_STATE, pfn, 0);
}

u64 alloc_pages(UINTN n)
{
	EFI_PHYSICAL_ADDRESS pa = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
					  n, &pa);

	return EFI_ERROR(st) ? 0 : pa;
}

void free_pages(u64 pa, UINTN n)
{
	uefi_call_wrapper(BS->FreePages, 2, pa, n);
}

void fill_page(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS_PER_PAGE; i++)
		p[i] = seed ^ (i * 0x9e3779b97f4a7c15ULL);
}

bool page_has(u64 pa, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS_PER_PAGE; i++)
		if (p[i] != (seed ^ (i * 0x9e3779b97f4a7c15ULL)))
			return false;
	return true;
}

bool page_is_zero(u64 pa)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;
	u64 i;

	for (i = 0; i < WORDS_PER_PAGE; i++)
		if (p[i])
			return false;
	return true;
}

/* Bits of physical address the hypervisor's stage-2 covers (ID_AA64MMFR0_EL1, capped at 48). */
static unsigned int pa_bits(void)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48 };
	u64 r = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	return r < 6 ? bits[r] : 48;
}

/* The lowest RAM base and the highest RAM end in the host's /memory nodes. */
int ram_bounds(u64 *lo, u64 *hi)
{
	const void *fdt = host_fdt();
	int node;

	*lo = ~0ULL, *hi = 0;
	if (!fdt)
		return -1;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg;
		int len, i;

		if (!type || strcmp(type, "memory"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		for (i = 0; reg && i + 4 <= len / 4; i += 4) {
			u64 base = (u64)fdt32_to_cpu(reg[i]) << 32 | fdt32_to_cpu(reg[i + 1]);
			u64 size = (u64)fdt32_to_cpu(reg[i + 2]) << 32 | fdt32_to_cpu(reg[i + 3]);

			*lo = base < *lo ? base : *lo;
			*hi = base + size > *hi ? base + size : *hi;
		}
	}
	return *hi ? 0 : -1;
}

u64 uart_base(void)
{
	const void *fdt = host_fdt();
	const fdt32_t *reg;
	int node;

	node = fdt ? fdt_node_offset_by_compatible(fdt, -1, "arm,pl011") : -1;
	reg = node >= 0 ? fdt_getprop(fdt, node, "reg", NULL) : NULL;
	return reg ? (u64)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]) : 0;
}

u64 reads_faulting(u64 pa)
{
	return with_payload_vectors(read_once, (volatile u64 *)(uintptr_t)(pa + 8));
}

static u64 writes_faulting(u64 pa)
{
	return with_payload_vectors(write_once, (volatile u64 *)(uintptr_t)(pa + 16));
}

/*
 * Donation takes pages from the host: reads and writes abort, PAGE_STATE says
 * hypervisor-owned, the neighbours are untouched. Reclaim gives them back
 * zeroed and writable.
 */
TEST(donate_unmaps_reclaim_returns_zeroed)
{
	u64 base = alloc_pages(4), pfn = base >> 12, i;

	ASSERT_NE(0u, base);
	for (i = 0; i < 4; i++)
		fill_page(base + i * PAGE_SIZE, i + 1);
	dcache_clean_inval_poc((void *)(uintptr_t)base, 4 * PAGE_SIZE);
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn + 1));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, pfn + 1, 2));
	for (i = 1; i <= 2; i++) {
		u64 pa = base + i * PAGE_SIZE;

		EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(pfn + i));
		EXPECT_EQ(1u, reads_faulting(pa));
		check_sea(_metadata, pa + 8, false);
		EXPECT_EQ(1u, writes_faulting(pa));
		check_sea(_metadata, pa + 16, true);
	}
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn + 3));
	EXPECT_TRUE(page_has(base, 1));
	EXPECT_TRUE(page_has(base + 3 * PAGE_SIZE, 4));

	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, pfn + 1, 2));
	for (i = 1; i <= 2; i++) {
		u64 pa = base + i * PAGE_SIZE;

		EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn + i));
		EXPECT_EQ(0u, reads_faulting(pa));
		EXPECT_TRUE(page_is_zero(pa));
		fill_page(pa, 0x77);
		EXPECT_TRUE(page_has(pa, 0x77));
	}
	EXPECT_TRUE(page_has(base, 1));
	EXPECT_TRUE(page_has(base + 3 * PAGE_SIZE, 4));
	free_pages(base, 4);
}

/* Sharing keeps the pages the host's and accessible; unsharing undoes it. */
TEST(share_unshare_round_trip)
{
	u64 base = alloc_pages(2), pfn = base >> 12;

	ASSERT_NE(0u, base);
	fill_page(base, 5);
	fill_page(base + PAGE_SIZE, 6);
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_SHARE_HYP, pfn, 2));
	EXPECT_EQ(ISOHYP_PAGE_SHARED_HYP, page_state(pfn));
	EXPECT_EQ(ISOHYP_PAGE_SHARED_HYP, page_state(pfn + 1));
	EXPECT_EQ(0u, reads_faulting(base));
	EXPECT_EQ(0u, writes_faulting(base + PAGE_SIZE));
	EXPECT_TRUE(page_has(base, 5));
	fill_page(base + PAGE_SIZE, 7);
	EXPECT_TRUE(page_has(base + PAGE_SIZE, 7));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, pfn, 2));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn + 1));
	EXPECT_TRUE(page_has(base, 5));
	EXPECT_TRUE(page_has(base + PAGE_SIZE, 7));
	free_pages(base, 2);
}

static const u32 range_calls[] = {
	ISOHYP_FN_HOST_SHARE_HYP,
	ISOHYP_FN_HOST_UNSHARE_HYP,
	ISOHYP_FN_HOST_DONATE_HYP,
	ISOHYP_FN_HOST_RECLAIM,
};

/* -EINVAL for every malformed range, from every range call; nothing changes. */
TEST(malformed_ranges_are_einval)
{
	u64 max_pfn = 1ULL << (pa_bits() - 12), lo, hi, uart = uart_base();
	u64 page = alloc_pages(1), pfn = page >> 12;
	unsigned int i;

	ASSERT_NE(0u, page);
	ASSERT_EQ(0, ram_bounds(&lo, &hi));
	ASSERT_NE(0u, uart);
	for (i = 0; i < sizeof(range_calls) / sizeof(range_calls[0]); i++) {
		u32 fn = range_calls[i];

		TH_LOG("function %x", fn);
		EXPECT_EQ(ABI_EINVAL, hcall(fn, pfn, 0));		/* no pages */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, pfn, ~0ULL));		/* wraps */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, ~0ULL, 2));		/* wraps */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, max_pfn, 1));		/* past the PA space */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, max_pfn - 1, 2));	/* runs past it */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, uart >> 12, 1));	/* MMIO */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, (hi >> 12) - 1, 2));	/* RAM then MMIO */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, (lo >> 12) - 1, 2));	/* MMIO then RAM */
		EXPECT_EQ(ABI_EINVAL, hcall(fn, pfn, max_pfn));		/* RAM, then beyond */
	}
	EXPECT_EQ(ABI_EINVAL, page_state(max_pfn));
	EXPECT_EQ(ABI_EINVAL, page_state(~0ULL));
	EXPECT_EQ(ISOHYP_PAGE_MMIO_HOST, page_state(uart >> 12));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(pfn));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state((hi >> 12) - 1));
	EXPECT_EQ(0u, reads_faulting(page));
	free_pages(page, 1);
}

/* -EPERM for pages not wholly in the state a call needs; nothing changes. */
TEST(wrong_states_are_eperm)
{
	u64 base = alloc_pages(3), a = base >> 12, b = a + 1, c = a + 2;

	ASSERT_NE(0u, base);
	fill_page(base, 9);
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_RECLAIM, a, 1));	/* never donated */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, a, 1));	/* not shared */
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_DONATE_HYP, b, 1));
	ASSERT_EQ(0, hcall(ISOHYP_FN_HOST_SHARE_HYP, c, 1));
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_DONATE_HYP, b, 1));	/* donated twice */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_SHARE_HYP, b, 1));	/* hypervisor's */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, b, 1));
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_DONATE_HYP, c, 1));	/* shared */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_SHARE_HYP, c, 1));	/* shared twice */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_RECLAIM, c, 1));
	/* All-or-nothing: one page in the right state does not change alone. */
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_DONATE_HYP, a, 2));
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_SHARE_HYP, a, 2));
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_RECLAIM, b, 2));
	EXPECT_EQ(ABI_EPERM, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, b, 2));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(a));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(b));
	EXPECT_EQ(ISOHYP_PAGE_SHARED_HYP, page_state(c));
	EXPECT_EQ(0u, reads_faulting(base));
	EXPECT_TRUE(page_has(base, 9));
	EXPECT_EQ(1u, reads_faulting(base + PAGE_SIZE));
	EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, b, 1));
	EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_UNSHARE_HYP, c, 1));
	free_pages(base, 3);
}

/* The carve-out is never the host's to share, donate or reclaim. */
TEST(carveout_is_eperm)
{
	u64 cbase, csize, first, last;
	unsigned int i;

	ASSERT_EQ(0, find_carveout(&cbase, &csize));
	first = cbase >> 12, last = ((cbase + csize) >> 12) - 1;
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(first));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(last));
	for (i = 0; i < sizeof(range_calls) / sizeof(range_calls[0]); i++) {
		u32 fn = range_calls[i];

		TH_LOG("function %x", fn);
		EXPECT_EQ(ABI_EPERM, hcall(fn, first, 1));
		EXPECT_EQ(ABI_EPERM, hcall(fn, last, 1));
		EXPECT_EQ(ABI_EPERM, hcall(fn, first, csize >> 12));
		/* Overlapping the carve-out by one page from either side. */
		EXPECT_EQ(ABI_EPERM, hcall(fn, first - 1, 2));
		EXPECT_EQ(ABI_EPERM, hcall(fn, last, 2));
	}
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(first - 1));
	EXPECT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state(last + 1));
	EXPECT_EQ(ISOHYP_PAGE_HYP_OWNED, page_state(first));
}

/* ---- all CPUs at once ------------------------------------------------------ */

#define RACE_CPUS 16
#define RACE_OWN_PAGES 8 /* each CPU's own range: it alone touches it */
#define RACE_SHARED_PAGES 16 /* every CPU races on these */
#define RACE_ITERATIONS 300
#define RACE_STACK_PAGES 4

struct race_cpu {
	struct secondary_boot boot;
	u64 seed, own_pfn, shared_pfn;
	/* Results, valid once done is set. */
	u64 done, calls, mismatches, first_bad_call;
	s64 first_bad_ret;
	u8 own_state[RACE_OWN_PAGES];
	s32 shared_delta[RACE_SHARED_PAGES]; /* successful donations - reclaims */
} __attribute__((aligned(64)));

static struct race_cpu race_cpus[RACE_CPUS];

static u64 xorshift(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Each step: donate or reclaim a random run of own or shared pages. */
static void race_worker(void *arg)
{
	struct race_cpu *rc = arg;
	u64 s = rc->seed, i;

	for (i = 0; i < RACE_ITERATIONS; i++) {
		u64 r = xorshift(&s);
		bool donate = r & 1, own = r & 2;
		u32 fn = donate ? ISOHYP_FN_HOST_DONATE_HYP : ISOHYP_FN_HOST_RECLAIM;
		u8 need = donate ? ISOHYP_PAGE_HOST_OWNED : ISOHYP_PAGE_HYP_OWNED;
		u64 span = own ? RACE_OWN_PAGES : RACE_SHARED_PAGES;
		u64 start = (r >> 8) % span;
		u64 max = span - start < 4 ? span - start : 4;
		u64 n = 1 + (r >> 24) % max, j;
		s64 ret, want = 0;

		if (own) {
			for (j = start; j < start + n; j++)
				if (rc->own_state[j] != need)
					want = ABI_EPERM;
			ret = hcall(fn, rc->own_pfn + start, n);
			if (ret == want && !ret) {
				for (j = start; j < start + n; j++)
					rc->own_state[j] = donate ? ISOHYP_PAGE_HYP_OWNED :
								    ISOHYP_PAGE_HOST_OWNED;
				/* The host sees the change at once. */
				if (page_state(rc->own_pfn + start) != rc->own_state[start])
					ret = CALL_FAILED;
				/* Reclaimed pages come back zeroed; dirty them again. */
				if (!donate && *(volatile u64 *)((rc->own_pfn + start) << 12))
					ret = CALL_FAILED;
				if (!donate)
					*(volatile u64 *)((rc->own_pfn + start) << 12) = r | 1;
			}
		} else {
			ret = hcall(fn, rc->shared_pfn + start, n);
			want = ret == ABI_EPERM ? ABI_EPERM : 0;
			if (!ret)
				for (j = start; j < start + n; j++)
					rc->shared_delta[j] += donate ? 1 : -1;
		}
		rc->calls++;
		if (ret != want && !rc->mismatches++) {
			rc->first_bad_call = i;
			rc->first_bad_ret = ret;
		}
	}
	__atomic_store_n(&rc->done, 1, __ATOMIC_RELEASE);
}

static bool psci_cpu_is_off(u64 mpidr)
{
	struct smccc_res res;

	payload_smc(0xC4000004, mpidr, 0, 0, &res); /* AFFINITY_INFO */
	return res.a0 == 1;
}

/*
 * Every CPU donates and reclaims random runs of its own pages (results must
 * match a per-CPU model exactly) and of one range all CPUs share (results
 * must be 0 or -EPERM), for a bounded number of calls. Afterwards every page
 * is in the state the CPUs' successful calls add up to, and behaves so.
 */
TEST(all_cpus_race_donate_reclaim)
{
	u64 self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK, mpidrs[RACE_CPUS], seed;
	int n = payload_cpus(mpidrs, RACE_CPUS), i, k, boot = -1;
	u64 region, nr_pages, stacks, p;
	struct smccc_res res;

	if (n < 2)
		SKIP(return, "one CPU: nothing to race");
	nr_pages = n * RACE_OWN_PAGES + RACE_SHARED_PAGES;
	region = alloc_pages(nr_pages);
	stacks = alloc_pages(n * RACE_STACK_PAGES);
	ASSERT_NE(0u, region);
	ASSERT_NE(0u, stacks);
	memset((void *)(uintptr_t)region, 0, nr_pages * PAGE_SIZE);
	seed = read_sysreg(cntvct_el0) | 1;
	TH_LOG("seed %lx, %d CPUs, %d calls each", (unsigned long)seed, n, RACE_ITERATIONS);
	memset(race_cpus, 0, sizeof(race_cpus));
	for (i = 0; i < n; i++) {
		struct race_cpu *rc = &race_cpus[i];

		rc->seed = seed * (i + 1) * 0x9e3779b97f4a7c15ULL | 1;
		rc->own_pfn = (region >> 12) + i * RACE_OWN_PAGES;
		rc->shared_pfn = (region >> 12) + n * RACE_OWN_PAGES;
		rc->boot = (struct secondary_boot){
			.mair = read_sysreg(mair_el1), .tcr = read_sysreg(tcr_el1),
			.ttbr0 = read_sysreg(ttbr0_el1), .sctlr = read_sysreg(sctlr_el1),
			.vbar = (u64)(uintptr_t)payload_vectors,
			.sp = stacks + (i + 1) * RACE_STACK_PAGES * PAGE_SIZE,
			.fn = race_worker, .arg = rc,
		};
		if (mpidrs[i] == self)
			boot = i;
	}
	ASSERT_GE(boot, 0);
	dcache_clean_inval_poc(race_cpus, sizeof(race_cpus));
	for (i = 0; i < n; i++) {
		if (i == boot)
			continue;
		/* The previous test's CPU_OFF may still be on its way: bounded wait. */
		for (k = 0; k < 500 && !psci_cpu_is_off(mpidrs[i]); k++)
			uefi_call_wrapper(BS->Stall, 1, 10000);
		payload_smc(0xC4000003, mpidrs[i], (u64)(uintptr_t)payload_secondary_c_entry,
			    (u64)(uintptr_t)&race_cpus[i].boot, &res);
		ASSERT_EQ(0, (s64)res.a0);
	}
	race_worker(&race_cpus[boot]);
	/* Bounded wait, 120 s, for the others. */
	for (k = 0; k < 12000; k++) {
		int done = 0;

		for (i = 0; i < n; i++)
			done += __atomic_load_n(&race_cpus[i].done, __ATOMIC_ACQUIRE) == 1;
		if (done == n)
			break;
		uefi_call_wrapper(BS->Stall, 1, 10000);
	}
	for (i = 0; i < n; i++) {
		struct race_cpu *rc = &race_cpus[i];

		ASSERT_EQ(1u, rc->done);
		EXPECT_EQ((u64)RACE_ITERATIONS, rc->calls);
		EXPECT_EQ(0u, rc->mismatches);
		if (rc->mismatches)
			TH_LOG("CPU %d: first mismatch at call %lu returned %ld", i,
			       (unsigned long)rc->first_bad_call, (long)rc->first_bad_ret);
		for (p = 0; p < RACE_OWN_PAGES; p++)
			EXPECT_EQ((s64)rc->own_state[p], page_state(rc->own_pfn + p));
	}
	for (p = 0; p < RACE_SHARED_PAGES; p++) {
		u64 pfn = race_cpus[0].shared_pfn + p;
		s64 sum = 0, state = page_state(pfn);

		for (i = 0; i < n; i++)
			sum += race_cpus[i].shared_delta[p];
		/* Donations and reclaims of a page alternate: no lost update. */
		EXPECT_EQ(state == ISOHYP_PAGE_HYP_OWNED ? 1 : 0, sum);
		EXPECT_TRUE(state == ISOHYP_PAGE_HYP_OWNED || state == ISOHYP_PAGE_HOST_OWNED);
		EXPECT_EQ(state == ISOHYP_PAGE_HYP_OWNED ? 1u : 0u, reads_faulting(pfn << 12));
	}
	/* Give everything back; what stays the hypervisor's is not freed. */
	for (p = 0; p < nr_pages; p++)
		if (page_state((region >> 12) + p) == ISOHYP_PAGE_HYP_OWNED)
			EXPECT_EQ(0, hcall(ISOHYP_FN_HOST_RECLAIM, (region >> 12) + p, 1));
	for (p = 0; p < nr_pages; p++)
		ASSERT_EQ(ISOHYP_PAGE_HOST_OWNED, page_state((region >> 12) + p));
	free_pages(region, nr_pages);
	for (k = 0; k < n; k++)
		if (k != boot)
			for (i = 0; i < 500 && !psci_cpu_is_off(mpidrs[k]); i++)
				uefi_call_wrapper(BS->Stall, 1, 10000);
	free_pages(stacks, n * RACE_STACK_PAGES);
}
