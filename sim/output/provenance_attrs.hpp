#pragma once
// Provenance as root attributes, shared by run files and checkpoints (which
// carry the provenance of the run they will finish). The caller writes the
// `format` and `format_version` attributes, which differ between the two.
#include <hdf5.h>

#include "output/provenance.hpp"

namespace incubsim::output {

/// Writes every Provenance field but format, format_version and end_time.
void write_provenance_attributes(hid_t root, const Provenance& p);

/// Reads them back; absent attributes (older minor versions) read as
/// defaults rather than failing.
Provenance read_provenance_attributes(hid_t root);

}  // namespace incubsim::output
