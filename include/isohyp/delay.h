/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deadlines for bounded polls: every wait on hardware in the hypervisor is
 * "until the condition holds or the deadline passes", and a passed deadline
 * is an error the caller reports (-ETIMEDOUT), never a hang.
 */
#ifndef ISOHYP_DELAY_H
#define ISOHYP_DELAY_H

#include <asm/timer.h>

typedef u64 hyp_deadline_t;

static inline hyp_deadline_t hyp_deadline_us(u64 us)
{
	u64 freq = arch_timer_freq();

	/* A firmware that left CNTFRQ at 0 still gets a finite wait. */
	return arch_timer_count() + (freq ? freq / 1000000 : 1) * us + 1;
}

static inline bool hyp_deadline_passed(hyp_deadline_t d)
{
	return (s64)(arch_timer_count() - d) >= 0;
}

#endif /* ISOHYP_DELAY_H */
