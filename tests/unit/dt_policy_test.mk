# The loader's DMA policy, on trees dtc compiles from tests/unit/dts/, with
# the build machine's libfdt (Debian's libfdt-dev, scripts/deps.sh).
DT_POLICY_TEST_DTBS := $(patsubst tests/unit/dts/%.dts,$(BUILD)/tests/dts/%.dtb,\
	$(wildcard tests/unit/dts/*.dts))
unit_dt_policy_test_srcs := arch/arm64/efi/dt_policy.c hyp/printf.c
unit_dt_policy_test_deps := $(DT_POLICY_TEST_DTBS)
unit_dt_policy_test_cflags := -DDTB_DIR='"$(abspath $(BUILD)/tests/dts)"'
unit_dt_policy_test_ldlibs := -lfdt
