/* SPDX-License-Identifier: GPL-2.0-only */
/* The EL2 image, embedded in the loader as data (see the Makefile). */
	.section .rodata, "a"
	.balign	4096
	.globl	__hyp_image_start, __hyp_image_end
__hyp_image_start:
	.incbin	HYP_IMAGE_BIN
__hyp_image_end:
