// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU lock bookkeeping (include/isohyp/lock.h): how many locks the CPU
 * holds (the console defers its output while any is), which call it is in
 * (the budget of waits), and with CONFIG_DEBUG_LOCK_ORDER the locks
 * themselves, so a lock taken out of the documented order stops the machine
 * at once, naming both locks -- on the first run that takes them in the wrong
 * order, not on the rare one where two CPUs deadlock.
 *
 * Each CPU touches only its own slot, so nothing here needs a lock.
 * Portable C: the host unit tests build it with their fake spinlock.
 */
#include <asm/spinlock.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/lock.h>
#include <isohyp/panic.h>

struct hyp_lock_cpu {
	u32 nr_held;
	bool in_call; /* between hyp_call_begin() and hyp_call_end() */
	u64 call_id;
#ifdef CONFIG_DEBUG_LOCK_ORDER
	struct {
		const void *lock;
		unsigned int rank;
	} held[HYP_LOCK_MAX_HELD]; /* in the order taken */
#endif
};

static struct hyp_lock_cpu lock_cpus[CONFIG_MAX_CPUS];
static u64 last_call_id;

static const char *const rank_names[HYP_LOCK_NR_RANKS] = {
	[HYP_LOCK_UNRANKED] = "an unranked lock",
	[HYP_LOCK_MMIO] = "an MMIO region's lock",
	[HYP_LOCK_HOST_MMU] = "host_mmu.lock",
	[HYP_LOCK_POOL] = "a page pool's lock",
	[HYP_LOCK_SMMU] = "an SMMU's lock",
	[HYP_LOCK_CPU] = "a CPU's PSCI lock",
};

const char *hyp_lock_rank_name(unsigned int rank)
{
	return rank < HYP_LOCK_NR_RANKS ? rank_names[rank] : "a lock of unknown rank";
}

static struct hyp_lock_cpu *lock_cpu(void)
{
	return &lock_cpus[hyp_cpu_index()];
}

static u64 new_call_id(void)
{
	return __atomic_add_fetch(&last_call_id, 1, __ATOMIC_RELAXED);
}

#ifdef CONFIG_DEBUG_LOCK_ORDER
static void order_check_push(struct hyp_lock_cpu *c, const void *lock, unsigned int rank)
{
	unsigned int i;

	if (rank == HYP_LOCK_UNRANKED || rank >= HYP_LOCK_NR_RANKS)
		hyp_panic("lock order: %p taken with rank %u (never initialised?)\n", lock, rank);
	for (i = 0; i < c->nr_held; i++)
		if (c->held[i].rank >= rank)
			hyp_panic("lock order: taking %s (%p) while holding %s (%p)\n",
				  hyp_lock_rank_name(rank), lock,
				  hyp_lock_rank_name(c->held[i].rank), c->held[i].lock);
	if (c->nr_held >= HYP_LOCK_MAX_HELD)
		hyp_panic("lock order: more than %u locks held\n", HYP_LOCK_MAX_HELD);
	c->held[c->nr_held].lock = lock;
	c->held[c->nr_held].rank = rank;
}

/* Locks may be released in any order: drop @lock wherever it is. */
static void order_pop(struct hyp_lock_cpu *c, const void *lock, unsigned int rank)
{
	unsigned int i;

	for (i = 0; i < c->nr_held && c->held[i].lock != lock; i++)
		;
	if (i == c->nr_held)
		hyp_panic("lock order: releasing %s (%p), which this CPU does not hold\n",
			  hyp_lock_rank_name(rank), lock);
	for (; i + 1 < c->nr_held; i++)
		c->held[i] = c->held[i + 1];
}
#else
static void order_check_push(struct hyp_lock_cpu *c, const void *lock, unsigned int rank)
{
}

static void order_pop(struct hyp_lock_cpu *c, const void *lock, unsigned int rank)
{
}
#endif

void hyp_lock_acquire(const void *lock, unsigned int rank)
{
	struct hyp_lock_cpu *c = lock_cpu();

	order_check_push(c, lock, rank);
	if (!c->nr_held++ && !c->in_call)
		c->call_id = new_call_id();
}

void hyp_lock_release(const void *lock, unsigned int rank)
{
	struct hyp_lock_cpu *c = lock_cpu();

	if (!c->nr_held)
		hyp_panic("lock: %s (%p) released with no lock held\n", hyp_lock_rank_name(rank),
			  lock);
	order_pop(c, lock, rank);
	if (--c->nr_held)
		return;
	/* The last lock: what was logged under the locks goes out now. */
	hyp_console_flush();
}

unsigned int hyp_lock_nr_held(void)
{
	return lock_cpu()->nr_held;
}

void hyp_call_begin(void)
{
	struct hyp_lock_cpu *c = lock_cpu();

	c->in_call = true;
	c->call_id = new_call_id();
}

void hyp_call_end(void)
{
	lock_cpu()->in_call = false;
}

u64 hyp_call_id(void)
{
	struct hyp_lock_cpu *c = lock_cpu();

	/* Neither in a call nor under a lock: this wait is a call of its own. */
	if (!c->in_call && !c->nr_held)
		c->call_id = new_call_id();
	return c->call_id;
}
