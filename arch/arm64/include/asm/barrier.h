/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Barriers for memory a DMA master (an SMMU walking tables, reading queues)
 * observes, Linux names. dma_wmb(): earlier normal-memory writes are seen by
 * the device before later ones (B2.3, outer shareable covers every coherent
 * master). dma_rmb(): a read of something a device wrote (a completion flag)
 * is ordered before every later load and store, so what the device wrote
 * before that flag is seen by what follows (DMB LD orders loads against
 * later loads and stores; Arm ARM B2.3, "Memory barriers").
 */
#ifndef ISOHYP_ASM_BARRIER_H
#define ISOHYP_ASM_BARRIER_H

#define dma_wmb() __asm__ __volatile__("dmb oshst" : : : "memory")
#define dma_rmb() __asm__ __volatile__("dmb oshld" : : : "memory")

#endif /* ISOHYP_ASM_BARRIER_H */
