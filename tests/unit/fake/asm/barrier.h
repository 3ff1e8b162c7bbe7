/* SPDX-License-Identifier: GPL-2.0-only */
/* Host unit tests: the model reads memory in program order; a compiler barrier. */
#ifndef ISOHYP_FAKE_ASM_BARRIER_H
#define ISOHYP_FAKE_ASM_BARRIER_H

#define dma_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define dma_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif /* ISOHYP_FAKE_ASM_BARRIER_H */
