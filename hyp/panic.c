// SPDX-License-Identifier: GPL-2.0-only
/*
 * Panic: print what happened, the exception registers, every general-purpose
 * register and the CPU, then power the machine off through PSCI so a test or
 * a watching engineer sees it end. Never returns.
 */
#include <stdarg.h>

#include <asm/psci.h>
#include <asm/sysreg.h>
#include <isohyp/console.h>
#include <isohyp/cpu.h>
#include <isohyp/panic.h>
#include <isohyp/printf.h>

#include <asm/host_ctxt.h>

static const char *const vector_names[16] = {
	"EL2t sync", "EL2t IRQ", "EL2t FIQ", "EL2t SError",
	"EL2h sync", "EL2h IRQ", "EL2h FIQ", "EL2h SError",
	"EL1 sync", "EL1 IRQ", "EL1 FIQ", "EL1 SError",
	"AArch32 sync", "AArch32 IRQ", "AArch32 FIQ", "AArch32 SError",
};

static unsigned int panic_cpu(void)
{
	struct hyp_cpu *cpu = this_cpu();

	return cpu ? cpu->index : 0;
}

static void __attribute__((noreturn)) panic_stop(void)
{
	hyp_console_write("isohyp: stopping the machine\n");
	psci_system_off();
	for (;;)
		__asm__ __volatile__("wfi");
}

static void dump_sysregs(void)
{
	char line[200];

	hyp_snprintf(line, sizeof(line),
		     "  ESR_EL2 %016lx  FAR_EL2 %016lx  HPFAR_EL2 %016lx\n"
		     "  ELR_EL2 %016lx SPSR_EL2 %016lx\n",
		     (unsigned long)read_sysreg(esr_el2), (unsigned long)read_sysreg(far_el2),
		     (unsigned long)read_sysreg(hpfar_el2), (unsigned long)read_sysreg(elr_el2),
		     (unsigned long)read_sysreg(spsr_el2));
	hyp_console_write(line);
}

void hyp_panic(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	/* What this CPU logged under its locks came first; they stay held. */
	if (this_cpu())
		hyp_console_flush_final();
	hyp_snprintf(line, sizeof(line), "isohyp: PANIC on CPU %u: ", panic_cpu());
	hyp_console_write(line);
	va_start(ap, fmt);
	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	hyp_console_write(line);
	dump_sysregs();
	panic_stop();
}

void hyp_panic_exception(struct host_ctxt *ctxt, unsigned long kind)
{
	char line[200];
	unsigned int i;

	u64 far = read_sysreg(far_el2), sp = read_sysreg(tpidr_el0); /* entry.S put it there */

	if (this_cpu())
		hyp_console_flush_final();

	hyp_snprintf(line, sizeof(line), "isohyp: PANIC on CPU %u: unexpected exception: %s%s\n",
		     panic_cpu(), vector_names[kind & 15],
		     kind == 4 && hyp_addr_is_stack_guard(far) ? " (stack overflow)" : "");
	hyp_console_write(line);
	dump_sysregs();
	hyp_snprintf(line, sizeof(line), "  SP      %016lx\n", (unsigned long)sp);
	hyp_console_write(line);
	for (i = 0; i < 31; i += 2) {
		if (i == 30)
			hyp_snprintf(line, sizeof(line), "  x30 %016lx\n",
				     (unsigned long)ctxt->regs[30]);
		else
			hyp_snprintf(line, sizeof(line), "  x%-2u %016lx  x%-2u %016lx\n", i,
				     (unsigned long)ctxt->regs[i], i + 1,
				     (unsigned long)ctxt->regs[i + 1]);
		hyp_console_write(line);
	}
	panic_stop();
}
