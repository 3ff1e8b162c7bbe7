/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: a stand-in for arch/arm64/include/asm/spinlock.h. The
 * tests are single-threaded, so a lock is a flag, and taking a held lock or
 * releasing a free one aborts -- a deadlock or a double unlock in the code
 * under test fails the test instead of hanging it. Like the real one it
 * reports to hyp/lock.c (held-lock count, lock order), so the unit tests
 * check the lock order too: link hyp/lock.c.
 */
#ifndef ISOHYP_FAKE_ASM_SPINLOCK_H
#define ISOHYP_FAKE_ASM_SPINLOCK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <isohyp/lock.h>

typedef struct {
	int held;
	unsigned int rank;
} hyp_spinlock_t;

#define HYP_SPINLOCK_INIT { 0, HYP_LOCK_UNRANKED }

/* One CPU in the unit tests (tests/unit/lib/hyp_stubs.c). */
unsigned int hyp_cpu_index(void);

static inline void hyp_spin_lock_init(hyp_spinlock_t *l, enum hyp_lock_rank rank)
{
	l->held = 0;
	l->rank = rank;
}

static inline void arch_spin_lock(hyp_spinlock_t *l)
{
	if (l->held) {
		fprintf(stderr, "fake spinlock: %p taken twice (deadlock)\n", (void *)l);
		abort();
	}
	l->held = 1;
}

static inline void arch_spin_unlock(hyp_spinlock_t *l)
{
	if (!l->held) {
		fprintf(stderr, "fake spinlock: %p released while free\n", (void *)l);
		abort();
	}
	l->held = 0;
}

static inline void hyp_spin_lock(hyp_spinlock_t *l)
{
	hyp_lock_acquire(l, l->rank);
	arch_spin_lock(l);
}

static inline void hyp_spin_unlock(hyp_spinlock_t *l)
{
	arch_spin_unlock(l);
	hyp_lock_release(l, l->rank);
}

static inline bool hyp_spin_is_held_by_me(hyp_spinlock_t *l)
{
	return l->held;
}

#endif
