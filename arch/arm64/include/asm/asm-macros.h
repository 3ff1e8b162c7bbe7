/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembler helpers shared by the EL2 image's .S files. */
#ifndef ISOHYP_ASM_MACROS_H
#define ISOHYP_ASM_MACROS_H

/* PC-relative address of a symbol, +/- 4 GiB: works at any load address. */
.macro adr_l, dst, sym
	adrp	\dst, \sym
	add	\dst, \dst, :lo12:\sym
.endm

.macro SYM_FUNC_START name
	.globl	\name
	.type	\name, %function
	.balign	4
\name:
.endm

.macro SYM_FUNC_END name
	.size	\name, . - \name
.endm

#endif
