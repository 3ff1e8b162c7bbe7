# SPDX-License-Identifier: GPL-2.0-only
#
# Coverage-guided fuzz targets (tests/fuzz/, README "Fuzzing"): one libFuzzer
# program per target, built with the build machine's clang from the
# hypervisor's and the loader's real sources, like the unit tests.
#
# Per target, here: the sources it links with (fuzz_<target>_srcs) and
# optionally libraries of the build machine (fuzz_<target>_ldlibs). Its seed
# corpus, and every input that once crashed it, is tests/fuzz/corpus/<target>/.

FUZZ_CC		?= clang
FUZZ_CFLAGS = -std=c11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Itests/unit/fake -Iinclude -Idrivers -Iarch/arm64/include \
	$(HOST_HYP_CONFIG)
FUZZ_TARGETS	:= config mmio_decode its_cmd dt_policy mem_protect its gicr fw_cfg smmu_nested
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/%)

fuzz_config_srcs := arch/arm64/efi/config.c hyp/printf.c
fuzz_mmio_decode_srcs := hyp/mmio.c tests/unit/lib/host_mem.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c \
	hyp/lock.c tests/unit/lib/hyp_stubs.c
fuzz_its_cmd_srcs := drivers/gic/its_cmd.c
fuzz_dt_policy_srcs := arch/arm64/efi/dt_policy.c hyp/printf.c
fuzz_dt_policy_ldlibs := -lfdt
fuzz_mem_protect_srcs := tests/unit/lib/host_mem.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c hyp/lock.c tests/unit/lib/hyp_stubs.c
# The device mediations: the machine of tests/fuzz/mediator.c (with its own,
# checked, host_mem accessors) and a device model of tests/unit/lib/.
fuzz_mediator_srcs := tests/fuzz/mediator.c hyp/mmio.c hyp/mem_protect.c hyp/pgtable.c \
	hyp/page_alloc.c iommu/iommu.c hyp/lock.c tests/unit/lib/hyp_stubs.c
fuzz_its_srcs := $(fuzz_mediator_srcs) tests/unit/lib/gic_model.c drivers/gic/its.c \
	drivers/gic/its_cmd.c
fuzz_gicr_srcs := $(fuzz_mediator_srcs) tests/unit/lib/gic_model.c drivers/gic/gicr.c
fuzz_fw_cfg_srcs := $(fuzz_mediator_srcs) tests/unit/lib/fw_cfg_model.c drivers/fw_cfg/fw_cfg.c
# As the nested unit tests link (tests/unit/smmuv3_test.mk), less their machine and host_mem.c:
# the target has its own machine, with the hypervisor's pool inside its RAM, and host_mem.h
# functions that check what they touch is the host's.
fuzz_smmu_nested_srcs = $(SMMUV3_SRCS) $(filter-out tests/unit/lib/smmu_machine.c \
	tests/unit/lib/host_mem.c,$(SMMU_TEST_LIBS))

$(FUZZ_BINS): $(BUILD)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $$(fuzz_$$*_srcs) \
		$(ALL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(fuzz_$*_srcs) $(fuzz_$*_ldlibs) -o $@

fuzz-targets: $(FUZZ_BINS)

# make fuzz: every target for FUZZ_SECONDS (default 60) each; new inputs go
# to $(BUILD)/fuzz/corpus/<target>, crashes to $(BUILD)/fuzz/crashes/<target>.
FUZZ_SECONDS	?= 60
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-targets
	$(Q)BUILD=$(BUILD) scripts/fuzz.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)
