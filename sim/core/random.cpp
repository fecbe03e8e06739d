#include "core/random.hpp"

#include <boost/random/beta_distribution.hpp>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/extreme_value_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>

namespace incubsim {

double Stream::normal(double mean, double sd) {
  if (sd <= 0.0) return mean;
  return boost::random::normal_distribution<double>(mean, sd)(*this);
}

double Stream::lognormal(double mu, double sigma) {
  if (sigma <= 0.0) return std::exp(mu);
  return boost::random::lognormal_distribution<double>(mu, sigma)(*this);
}

double Stream::lognormal_with_mean(double mean, double sigma) {
  if (mean <= 0.0) return 0.0;
  return lognormal(std::log(mean) - 0.5 * sigma * sigma, sigma);
}

int Stream::poisson(double mean) {
  if (!(mean > 0.0)) return 0;
  return boost::random::poisson_distribution<int, double>(mean)(*this);
}

double Stream::exponential(double rate) {
  return boost::random::exponential_distribution<double>(rate)(*this);
}

double Stream::beta(double a, double b) {
  return boost::random::beta_distribution<double>(a, b)(*this);
}

double Stream::gumbel() {
  return boost::random::extreme_value_distribution<double>(0.0, 1.0)(*this);
}

std::uint64_t Stream::below(std::uint64_t n) {
  return boost::random::uniform_int_distribution<std::uint64_t>(0, n - 1)(*this);
}

}  // namespace incubsim
