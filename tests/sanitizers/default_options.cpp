// Default sanitizer options, linked into every binary of a sanitizer build,
// so that ctest, pytest's subprocesses and a manual run all behave alike:
// stop at the first finding with a non-zero status, and read the project's
// suppressions (TBB's own code is not instrumented; see tsan.supp).
#ifndef INCUBSIM_SANITIZER_DIR
#error "INCUBSIM_SANITIZER_DIR must name tests/sanitizers"
#endif

extern "C" {

const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=0:detect_leaks=1:check_initialization_order=1:"
         "strict_init_order=1";
}

const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}

const char* __lsan_default_options() {
  return "suppressions=" INCUBSIM_SANITIZER_DIR "/lsan.supp:print_suppressions=0";
}

const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1:print_suppressions=0:"
         "suppressions=" INCUBSIM_SANITIZER_DIR
         "/tsan.supp:"
         "external_symbolizer_path=" INCUBSIM_SANITIZER_DIR "/llvm-symbolizer";
}

}  // extern "C"
