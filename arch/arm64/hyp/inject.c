// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exception injection into the host: emulate the architectural entry to EL1
 * (Arm ARM D1.10.2 "Exception entry") for an exception EL2 took on the host's
 * behalf, then return to the host's vector. Used for an access to memory the
 * host does not own (a synchronous external abort, as the hardware would
 * report a bus error) and for traps the hypervisor does not emulate
 * (Undefined Instruction).
 */
#include <asm/esr.h>
#include <asm/inject.h>
#include <asm/sysreg.h>
#include <isohyp/bits.h>

/* Vector offsets from VBAR_EL1 (D1.10.2, Table D1-7). */
#define VECTOR_CUR_SP0 0x000
#define VECTOR_CUR_SPX 0x200
#define VECTOR_LOWER_A64 0x400

/* PSTATE on entry to EL1h, from the interrupted one and SCTLR_EL1. */
static u64 el1_entry_pstate(u64 old)
{
	u64 sctlr = read_sysreg(sctlr_el1);
	u64 pstate = PSR_MODE_EL1h | PSR_DAIF;

	/* PAN is set on entry when SCTLR_EL1.SPAN is 0, kept otherwise. */
	if (!(sctlr & SCTLR_EL1_SPAN))
		pstate |= PSR_PAN;
	else
		pstate |= old & PSR_PAN;
	if (sctlr & SCTLR_EL1_DSSBS)
		pstate |= PSR_SSBS;
	if (FIELD_GET(ID_AA64PFR1_MTE, read_sysreg(id_aa64pfr1_el1)) >= 2)
		pstate |= PSR_TCO;
	return pstate;
}

static void enter_host_el1(u64 esr_el1, u64 far, bool set_far)
{
	u64 spsr = read_sysreg(spsr_el2), off;

	switch (spsr & (PSR_MODE_MASK | PSR_MODE_32BIT)) {
	case PSR_MODE_EL1t:
		off = VECTOR_CUR_SP0;
		break;
	case PSR_MODE_EL1h:
		off = VECTOR_CUR_SPX;
		break;
	default:
		off = VECTOR_LOWER_A64;
		break;
	}
	write_sysreg(read_sysreg(elr_el2), elr_el1);
	write_sysreg(spsr, spsr_el1);
	write_sysreg(esr_el1, esr_el1);
	if (set_far)
		write_sysreg(far, far_el1);
	write_sysreg(read_sysreg(vbar_el1) + off, elr_el2);
	write_sysreg(el1_entry_pstate(spsr), spsr_el2);
}

static bool from_el0(void)
{
	return (read_sysreg(spsr_el2) & PSR_MODE_MASK) == PSR_MODE_EL0t;
}

void inject_host_sea(u64 esr, u64 far)
{
	unsigned int ec = FIELD_GET(ESR_EC, esr);
	bool iabt = ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR;
	u64 esr1;

	if (iabt)
		ec = from_el0() ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;
	else
		ec = from_el0() ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;
	esr1 = FIELD_PREP(ESR_EC, ec) | ESR_IL | FIELD_PREP(ESR_ABT_FSC, ESR_FSC_EXTABT);
	if (!iabt)
		esr1 |= esr & ESR_DABT_WNR;
	enter_host_el1(esr1, far, true);
}

void inject_host_undef(void)
{
	enter_host_el1(FIELD_PREP(ESR_EC, ESR_EC_UNKNOWN) | ESR_IL, 0, false);
}

void host_skip_instr(void)
{
	write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
	write_sysreg(read_sysreg(spsr_el2) & ~PSR_BTYPE, spsr_el2);
}
