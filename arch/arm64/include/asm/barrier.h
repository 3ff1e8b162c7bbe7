/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Barriers for memory a DMA master (an SMMU walking tables, reading queues)
 * observes, Linux names. dma_wmb(): earlier normal-memory writes are seen by
 * the device before later ones (B2.3, outer shareable covers every coherent
 * master).
 */
#ifndef ISOHYP_ASM_BARRIER_H
#define ISOHYP_ASM_BARRIER_H

#define dma_wmb() __asm__ __volatile__("dmb oshst" : : : "memory")

#endif /* ISOHYP_ASM_BARRIER_H */
