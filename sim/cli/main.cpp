#include <iostream>

#include "core/version.hpp"

int main() {
  std::cout << "incubsim " << incubsim::version() << " (" << incubsim::git_sha() << ")\n";
  return 0;
}
