# Pure decoders of ID-register values, from arch/arm64/include (the fakes
# still win for the headers they replace, being first on the include path).
unit_cpufeature_test_cflags := -Iarch/arm64/include
