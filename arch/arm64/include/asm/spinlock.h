/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlock for EL2, built on exclusive load/store so it works on every
 * Armv8.0 CPU (no LSE atomics needed). Waiters sleep in WFE; the release
 * store to the owner field clears their exclusive monitors and wakes them
 * (Arm ARM D1.6.1 "The Event Register"). The lock records the holder's CPU so
 * hyp_assert_lock_held() can check callers of _locked functions, and its rank
 * in the lock order (include/isohyp/lock.h): hyp_spin_lock() and
 * hyp_spin_unlock() report to hyp/lock.c, which counts what each CPU holds
 * and, in a CONFIG_DEBUG_LOCK_ORDER build, checks the order. arch_spin_lock()
 * is the bare lock, for the console alone (it must not report: it is what a
 * release's flush takes).
 */
#ifndef ISOHYP_ASM_SPINLOCK_H
#define ISOHYP_ASM_SPINLOCK_H

#include <isohyp/lock.h>
#include <isohyp/types.h>

typedef struct {
	u16 owner;
	u16 next;
	u32 holder; /* CPU index + 1 while held, 0 when free: for assertions only */
	u32 rank; /* enum hyp_lock_rank */
} hyp_spinlock_t;

/* A bare lock for arch_spin_lock() (the console's). */
#define HYP_SPINLOCK_INIT { 0, 0, 0, HYP_LOCK_UNRANKED }

static inline void hyp_spin_lock_init(hyp_spinlock_t *l, enum hyp_lock_rank rank)
{
	l->owner = 0;
	l->next = 0;
	l->holder = 0;
	l->rank = rank;
}

unsigned int hyp_cpu_index(void);

static inline void arch_spin_lock(hyp_spinlock_t *l)
{
	u32 tmp, newval;
	u16 ticket;

	/* Take a ticket: atomically increment l->next, keep its old value. */
	__asm__ __volatile__("1:	ldaxrh	%w[ticket], [%[next]]\n"
			     "	add	%w[newval], %w[ticket], #1\n"
			     "	stxrh	%w[tmp], %w[newval], [%[next]]\n"
			     "	cbnz	%w[tmp], 1b\n"
			     : [ticket] "=&r"(ticket), [newval] "=&r"(newval), [tmp] "=&r"(tmp)
			     : [next] "r"(&l->next)
			     : "memory");
	/* Wait for our turn; the load-exclusive arms the monitor for WFE. */
	for (;;) {
		u16 owner;

		__asm__ __volatile__("ldaxrh %w0, [%1]" : "=r"(owner) : "r"(&l->owner) : "memory");
		if (owner == ticket)
			break;
		__asm__ __volatile__("wfe" ::: "memory");
	}
}

static inline void arch_spin_unlock(hyp_spinlock_t *l)
{
	u16 next_owner = l->owner + 1;

	/* Release: everything in the critical section is visible before the handover. */
	__asm__ __volatile__("stlrh %w1, [%0]" : : "r"(&l->owner), "r"(next_owner) : "memory");
}

static inline void hyp_spin_lock(hyp_spinlock_t *l)
{
	hyp_lock_acquire(l, l->rank);
	arch_spin_lock(l);
	l->holder = hyp_cpu_index() + 1;
}

static inline void hyp_spin_unlock(hyp_spinlock_t *l)
{
	l->holder = 0;
	arch_spin_unlock(l);
	hyp_lock_release(l, l->rank);
}

static inline bool hyp_spin_is_held_by_me(hyp_spinlock_t *l)
{
	return l->holder == hyp_cpu_index() + 1;
}

#endif /* ISOHYP_ASM_SPINLOCK_H */
