#pragma once
// The upper halves of the AVX registers, which some libraries leave in use.
//
// ISA-L's deflate kernels (AVX2/AVX-512) return without VZEROUPPER. While
// the upper halves of the YMM registers stay "dirty", every later SSE
// instruction on that thread pays a state-transition penalty; on the VMs
// we run on, glibc's exp took about 46 ns instead of 3 ns, and an Ouhai run
// spent a third of its time there. Whoever calls such a library clears the
// state afterwards.
#include <optional>

namespace incubsim {

/// Zeroes the upper halves of YMM0-15 (VZEROUPPER) where the CPU has AVX;
/// nothing elsewhere. The lower 128 bits, all SSE code sees, are kept.
void clear_upper_vector_state() noexcept;

/// Whether the upper halves of YMM0-15 are in use on this thread (XGETBV
/// with ECX = 1, bit 2); nullopt where the CPU cannot tell.
std::optional<bool> upper_vector_state_in_use() noexcept;

}  // namespace incubsim
