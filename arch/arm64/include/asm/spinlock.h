/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlock for EL2, built on exclusive load/store so it works on every
 * Armv8.0 CPU (no LSE atomics needed). Waiters sleep in WFE; the release
 * store to the owner field clears their exclusive monitors and wakes them
 * (Arm ARM D1.6.1 "The Event Register"). The lock records the holder's CPU so
 * hyp_assert_lock_held() can check callers of _locked functions.
 */
#ifndef ISOHYP_ASM_SPINLOCK_H
#define ISOHYP_ASM_SPINLOCK_H

#include <isohyp/types.h>

typedef struct {
	u16 owner;
	u16 next;
	u32 holder; /* CPU index + 1 while held, 0 when free: for assertions only */
} hyp_spinlock_t;

#define HYP_SPINLOCK_INIT { 0, 0, 0 }

static inline void hyp_spin_lock_init(hyp_spinlock_t *l)
{
	l->owner = 0;
	l->next = 0;
	l->holder = 0;
}

unsigned int hyp_cpu_index(void);

static inline void hyp_spin_lock(hyp_spinlock_t *l)
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
	l->holder = hyp_cpu_index() + 1;
}

static inline void hyp_spin_unlock(hyp_spinlock_t *l)
{
	u16 next_owner = l->owner + 1;

	l->holder = 0;
	/* Release: everything in the critical section is visible before the handover. */
	__asm__ __volatile__("stlrh %w1, [%0]" : : "r"(&l->owner), "r"(next_owner) : "memory");
}

static inline bool hyp_spin_is_held_by_me(hyp_spinlock_t *l)
{
	return l->holder == hyp_cpu_index() + 1;
}

#endif /* ISOHYP_ASM_SPINLOCK_H */
