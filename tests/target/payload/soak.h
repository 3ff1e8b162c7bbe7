/* SPDX-License-Identifier: GPL-2.0-only */
/* The multi-CPU soak (make soak): shared between soak.c and soak_boot.c. */
#ifndef ISOHYP_PAYLOAD_SOAK_H
#define ISOHYP_PAYLOAD_SOAK_H

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
struct range_call {
	u32 fn;
	u8 need, next;
};

extern const struct range_call soak_range_calls[4];

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

extern struct soak_cpu soak_cpus[SOAK_MAX_CPUS];

/* The run: written by the boot CPU before the secondaries start. */
struct soak_run {
	u64 seed, ncpus, epoch, freq;
	u64 shared_pfn, scratch, dma_rng;
	u64 carve_pfn, carve_pages, uart_pfn, ram_end_pfn, code_pfn;
	u64 stop, arrived;
};

extern struct soak_run soak;

static inline u64 splitmix(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline u64 now(void)
{
	return read_sysreg(cntvct_el0);
}

/* Word @i of a page filled from @seed (0: a zeroed page). */
static inline u64 word(u64 seed, u64 i)
{
	return seed ? seed ^ (i * 0x9e3779b97f4a7c15ULL) : 0;
}

/* What never changes in a shared page but by zeroing: filled once at the start. */
static inline u64 shared_seed(u64 p)
{
	return (soak.seed ^ ((p + 1) * 0xd1b54a32d192ed03ULL)) | 1;
}

static inline bool ram_state(s64 st)
{
	return st == OWNED || st == SHARED || st == DONATED;
}

void soak_fill(u64 pa, u64 seed);
bool soak_holds(u64 pa, u64 seed);
void soak_diverge(struct soak_cpu *c, const char *what, u32 fn, u64 pfn, u64 n, s64 got, s64 want);
s64 soak_call(struct soak_cpu *c, u32 fn, u64 a1, u64 a2);
s64 soak_state_of(struct soak_cpu *c, u64 pfn);
u64 soak_access(struct soak_cpu *c, u64 pa, bool write, u64 *val);
void soak_step(struct soak_cpu *c);
s64 soak_shared_state(u64 p, u64 *reclaims);
bool soak_epoch_end(struct soak_cpu *c, bool boot);
void soak_worker(void *arg);

#endif /* ISOHYP_PAYLOAD_SOAK_H */
