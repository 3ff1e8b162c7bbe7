SMMU_TEST_LIBS := hyp/mem_protect.c hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c hyp/mmio.c \
	tests/unit/lib/host_mem.c tests/unit/lib/host_mem_poc.c \
	hyp/lock.c tests/unit/lib/hyp_stubs.c tests/unit/lib/smmu_model.c tests/unit/lib/smmu_model_s1.c \
	tests/unit/lib/smmu_model_cache.c tests/unit/lib/poc_memory.c \
	tests/unit/lib/smmu_machine.c
unit_smmuv3_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
unit_smmuv3_probe_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
unit_smmu_robust_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS)
# With the real console, on lib/uart_record.c's UART.
unit_smmu_locks_test_srcs := $(SMMUV3_SRCS) $(SMMU_TEST_LIBS) hyp/console.c hyp/printf.c \
	tests/unit/lib/uart_record.c
