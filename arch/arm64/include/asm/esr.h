/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception Syndrome Register layout (Arm ARM D23.2.41 "ESR_EL2"), the
 * exception classes isohyp handles and the abort status codes it decodes.
 */
#ifndef ISOHYP_ASM_ESR_H
#define ISOHYP_ASM_ESR_H

#include <isohyp/bits.h>

#define ESR_EC GENMASK(31, 26)
#define ESR_IL BIT(25)
#define ESR_ISS GENMASK(24, 0)

#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_HVC64 0x16
#define ESR_EC_SMC64 0x17
#define ESR_EC_SYS64 0x18
#define ESR_EC_SVE 0x19
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25

/* ISS of data and instruction aborts. */
#define ESR_ABT_FSC GENMASK(5, 0)
#define ESR_DABT_WNR BIT(6)
#define ESR_ABT_S1PTW BIT(7)
#define ESR_DABT_CM BIT(8)
#define ESR_ABT_FNV BIT(10)
#define ESR_DABT_SF BIT(15) /* ISV = 1: the register is 64-bit */
#define ESR_DABT_SRT GENMASK(20, 16) /* ISV = 1: the transfer register */
#define ESR_DABT_SSE BIT(21) /* ISV = 1: the load sign-extends */
#define ESR_DABT_SAS GENMASK(23, 22) /* ISV = 1: log2 of the access size */
#define ESR_DABT_ISV BIT(24)

/* Fault status codes: type in [5:2], level in [1:0]. */
#define ESR_FSC_TYPE GENMASK(5, 2)
#define ESR_FSC_LEVEL GENMASK(1, 0)
#define ESR_FSC_TYPE_TRANSLATION 0x1
#define ESR_FSC_TYPE_ACCESS 0x2
#define ESR_FSC_TYPE_PERMISSION 0x3
#define ESR_FSC_EXTABT 0x10 /* synchronous external abort, not on a walk */

/* HVC/SMC ISS: the immediate. */
#define ESR_xVC_IMM16 GENMASK(15, 0)

#endif /* ISOHYP_ASM_ESR_H */
