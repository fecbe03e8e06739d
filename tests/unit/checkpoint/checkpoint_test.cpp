// Checkpoint and restart: a run stopped at any quarter and resumed (with any
// thread count) writes the same datasets as the uninterrupted run; the
// graph comes back with every adjacency list in order; checkpoints from
// another build or of another kind are refused clearly.
#include <gtest/gtest.h>

#include <atomic>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/h5_archive.hpp"
#include "core/errors.hpp"
#include "engine/run.hpp"
#include "engine/verify.hpp"
#include "network/graph.hpp"
#include "output/h5.hpp"
#include "output/run_reader.hpp"
#include "scenario/loader.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

namespace h5 = output::h5;
using testing::describe;
using testing::ScratchDir;

// Every instrument on from quarter 3, after a burn-in of 2: instruments'
// own state (loans, secondments, insurer reserve) must survive a restart.
Scenario all_instruments() {
  std::vector<std::string> set = {"simulation.burn_in=2",          "simulation.quarters=10",
                                  "firms.initial_count=700",       "researchers.count=1500",
                                  "simulation.record_events=true", "simulation.record_agents=true"};
  for (const char* p :
       {"tech_transfer_insurance", "incubator_support", "guidance_fund", "index_loans",
        "science_vp", "project_grants", "talent_programme", "rd_incentives"})
    set.push_back(std::string("policy.") + p + ".start_quarter=3");
  return load_scenario(
      std::filesystem::path(INCUBSIM_SOURCE_DIR) / "scenarios/ouhai/all_instruments.toml", set);
}

RunRequest request_for(const Scenario& sc, const std::filesystem::path& out, int threads) {
  RunRequest r;
  r.scenario = sc;
  r.scenario_name = "checkpoint test";
  r.threads = threads;
  r.output = out;
  r.checkpoint_on_stop = true;
  return r;
}

// Sets the stop flag once `quarter` has run, as a signal handler would.
class StopAfter final : public RunObserver {
 public:
  StopAfter(std::atomic<bool>& flag, int quarter) : flag_(flag), quarter_(quarter) {}
  void on_quarter(int done, int) override {
    if (done == quarter_ + 1) flag_ = true;
  }

 private:
  std::atomic<bool>& flag_;
  int quarter_;
};

// Sets the stop flag after one phase of one quarter.
class StopAfterPhase final : public RunObserver {
 public:
  StopAfterPhase(std::atomic<bool>& flag, Quarter quarter, Phase phase)
      : flag_(flag), quarter_(quarter), phase_(phase) {}
  void on_quarter(int, int) override {}
  void on_phase(Quarter q, Phase phase) override {
    if (q == quarter_ && phase == phase_) flag_ = true;
  }

 private:
  std::atomic<bool>& flag_;
  Quarter quarter_;
  Phase phase_;
};

class CheckpointResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    sc_ = new Scenario(all_instruments());
    reference_ = new std::filesystem::path(*dir_ / "uninterrupted.h5");
    run_to_file(request_for(*sc_, *reference_, 1));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete sc_;
    delete dir_;
  }
  static ScratchDir* dir_;
  static Scenario* sc_;
  static std::filesystem::path* reference_;
};
ScratchDir* CheckpointResume::dir_ = nullptr;
Scenario* CheckpointResume::sc_ = nullptr;
std::filesystem::path* CheckpointResume::reference_ = nullptr;

TEST_F(CheckpointResume, StoppedRunsResumeBitIdenticalAtSeveralQuarters) {
  // Quarter 0 (first of burn-in), 1 (last of burn-in), 3 (instruments just
  // started), 7 (mid-run), 10 (one before the last).
  for (const int stop_after : {0, 1, 3, 7, 10}) {
    for (const int threads : {1, 2}) {
      SCOPED_TRACE("stopped after quarter " + std::to_string(stop_after) + ", resumed with " +
                   std::to_string(threads) + " thread(s)");
      ScratchDir dir;
      const auto out = dir / "run.h5";
      std::atomic<bool> stop{false};
      StopAfter observer(stop, stop_after);
      RunRequest r = request_for(*sc_, out, 3 - threads);  // stop with the other count
      r.stop = &stop;
      EXPECT_THROW(run_to_file(r, &observer), Interrupted);
      const auto ckpt = checkpoint::default_path(out);
      ASSERT_TRUE(std::filesystem::exists(ckpt));
      EXPECT_FALSE(std::filesystem::exists(out)) << "an interrupted run left its output";
      EXPECT_EQ(checkpoint::read_header(ckpt).next_quarter, stop_after + 1);

      ResumeRequest resume;
      resume.checkpoint = ckpt;
      resume.threads = threads;
      const RunSummary summary = resume_from_checkpoint(resume);
      EXPECT_EQ(summary.output, std::filesystem::absolute(out));
      EXPECT_FALSE(std::filesystem::exists(ckpt)) << "the checkpoint outlived the finished run";
      const auto diffs = output::compare_runs(*reference_, out, verify_ignored_attributes());
      EXPECT_TRUE(diffs.empty()) << describe(diffs);
      EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
    }
  }
}

TEST_F(CheckpointResume, StoppedBetweenAnyTwoPhasesResumesBitIdentical) {
  // Quarter 4: every instrument is active, so each phase and each policy
  // hook has state half-way through the quarter.
  for (std::size_t k = 0; k + 1 < kQuarterSchedule.size(); ++k) {
    const Phase phase = kQuarterSchedule[k];
    SCOPED_TRACE(std::string("stopped after the ") + std::string(to_string(phase)) + " phase");
    ScratchDir dir;
    std::atomic<bool> stop{false};
    StopAfterPhase observer(stop, 4, phase);
    RunRequest r = request_for(*sc_, dir / "run.h5", 2);
    r.stop = &stop;
    EXPECT_THROW(run_to_file(r, &observer), Interrupted);
    const auto ckpt = checkpoint::default_path(r.output);
    const auto header = checkpoint::read_header(ckpt);
    EXPECT_EQ(header.next_quarter, 4);
    EXPECT_EQ(header.next_phase, to_string(kQuarterSchedule[k + 1]));
    ResumeRequest resume;
    resume.checkpoint = ckpt;
    resume.threads = 1;
    resume_from_checkpoint(resume);
    const auto diffs = output::compare_runs(*reference_, r.output, verify_ignored_attributes());
    EXPECT_TRUE(diffs.empty()) << describe(diffs);
  }
}

TEST_F(CheckpointResume, ResumedSummaryEqualsTheUninterruptedOne) {
  ScratchDir dir;
  const RunSummary whole = run_to_file(request_for(*sc_, dir / "whole.h5", 2));
  std::atomic<bool> stop{false};
  StopAfter observer(stop, 6);
  RunRequest r = request_for(*sc_, dir / "part.h5", 2);
  r.stop = &stop;
  EXPECT_THROW(run_to_file(r, &observer), Interrupted);
  ResumeRequest resume;
  resume.checkpoint = checkpoint::default_path(dir / "part.h5");
  resume.threads = 2;
  const RunSummary parts = resume_from_checkpoint(resume);
  EXPECT_EQ(parts.events, whole.events);
  EXPECT_EQ(parts.totals, whole.totals);
  ASSERT_EQ(parts.snapshots.size(), whole.snapshots.size());
  for (std::size_t k = 0; k < parts.snapshots.size(); ++k) {
    EXPECT_EQ(parts.snapshots[k].first, whole.snapshots[k].first);
    EXPECT_EQ(parts.snapshots[k].second, whole.snapshots[k].second);
  }
}

TEST_F(CheckpointResume, PeriodicCheckpointsChangeNothingAndAreRemovedAtTheEnd) {
  ScratchDir dir;
  RunRequest r = request_for(*sc_, dir / "run.h5", 2);
  r.checkpoint_every = 3;
  run_to_file(r);
  const auto diffs = output::compare_runs(*reference_, r.output, verify_ignored_attributes());
  EXPECT_TRUE(diffs.empty()) << describe(diffs);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"run.h5"});
}

TEST_F(CheckpointResume, ResumingTwiceAndToAnotherPathWorks) {
  ScratchDir dir;
  std::atomic<bool> stop{false};
  StopAfter first(stop, 2);
  RunRequest r = request_for(*sc_, dir / "run.h5", 1);
  r.stop = &stop;
  r.checkpoint = dir / "mine.ckpt";
  EXPECT_THROW(run_to_file(r, &first), Interrupted);

  stop = false;
  StopAfter second(stop, 8);
  ResumeRequest again;
  again.checkpoint = dir / "mine.ckpt";
  again.threads = 2;
  again.stop = &stop;
  EXPECT_THROW(resume_from_checkpoint(again, &second), Interrupted);
  const auto header = checkpoint::read_header(dir / "mine.ckpt");
  EXPECT_EQ(header.next_quarter, 9);
  EXPECT_NE(header.resumed.find("at quarter 3"), std::string::npos) << header.resumed;

  ResumeRequest last;
  last.checkpoint = dir / "mine.ckpt";
  last.output = dir / "elsewhere.h5";
  run_to_file(request_for(*sc_, dir / "unused.h5", 1));  // another run beside it changes nothing
  resume_from_checkpoint(last);
  const auto diffs =
      output::compare_runs(*reference_, dir / "elsewhere.h5", verify_ignored_attributes());
  EXPECT_TRUE(diffs.empty()) << describe(diffs);
  const h5::File file = h5::open_file_read_only((dir / "elsewhere.h5").string());
  const auto resumed = h5::read_string_attribute(file.get(), "resumed");
  ASSERT_TRUE(resumed.has_value());
  EXPECT_NE(resumed->find("at quarter 3"), std::string::npos) << *resumed;
  EXPECT_NE(resumed->find("at quarter 9"), std::string::npos) << *resumed;
  EXPECT_FALSE(std::filesystem::exists(dir / "mine.ckpt"));
}

// A checkpoint with one root attribute rewritten.
std::filesystem::path tampered_checkpoint(const ScratchDir& dir, const Scenario& sc,
                                          const std::string& attribute, const std::string& value) {
  std::atomic<bool> stop{true};  // stops after the first quarter
  RunRequest r = request_for(sc, dir / "run.h5", 1);
  r.stop = &stop;
  EXPECT_THROW(run_to_file(r), Interrupted);
  const auto ckpt = checkpoint::default_path(r.output);
  if (!attribute.empty()) {
    const h5::ErrorSilencer quiet;
    const h5::File file(H5Fopen(ckpt.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    h5::write_attribute(file.get(), attribute, std::string_view(value));
  }
  return ckpt;
}

TEST_F(CheckpointResume, CheckpointsOfAnotherBuildAreRefused) {
  ScratchDir dir;
  const auto ckpt = tampered_checkpoint(dir, *sc_, "written_by_git_sha", "0123456789ab");
  try {
    checkpoint::read_header(ckpt);
    FAIL() << "accepted a checkpoint of another build";
  } catch (const FormatError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("0123456789ab"), std::string::npos) << what;
    EXPECT_NE(what.find("resume it with that build"), std::string::npos) << what;
  }
  ResumeRequest resume;
  resume.checkpoint = ckpt;
  EXPECT_THROW(resume_from_checkpoint(resume), FormatError);
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5"));
}

TEST_F(CheckpointResume, NewerCheckpointFormatAndOtherFilesAreRefused) {
  ScratchDir dir;
  const auto ckpt = tampered_checkpoint(dir, *sc_, "format_version", "2.0");
  EXPECT_THROW(checkpoint::read_header(ckpt), FormatError);
  // A result file is not a checkpoint.
  EXPECT_THROW(checkpoint::read_header(*reference_), FormatError);
  EXPECT_THROW(checkpoint::read_header(dir / "missing.h5"), IoError);
}

TEST_F(CheckpointResume, AFieldLaidOutDifferentlyIsRefusedNotMisread) {
  ScratchDir dir;
  const auto ckpt = tampered_checkpoint(dir, *sc_, "", "");
  {
    const h5::ErrorSilencer quiet;
    const h5::File file(H5Fopen(ckpt.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    const h5::Dataset column = h5::open_dataset(file.get(), "/state/simulation/firms/10");
    h5::write_attribute(column.get(), "element_size", std::int64_t{4});
  }
  ResumeRequest resume;
  resume.checkpoint = ckpt;
  try {
    resume_from_checkpoint(resume);
    FAIL() << "restored a field stored with another element size";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("simulation/firms/10"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5"));
  EXPECT_TRUE(std::filesystem::exists(ckpt)) << "a failed resume must keep the checkpoint";
}

TEST(CheckpointFile, RunsThatRerunInsteadLeaveNothingWhenStopped) {
  // Sweep runs and verify's reruns: a stop leaves no checkpoint behind.
  ScratchDir dir;
  std::atomic<bool> stop{true};
  RunRequest r = request_for(testing::small_scenario(4), dir / "run.h5", 1);
  r.checkpoint_on_stop = false;
  r.stop = &stop;
  try {
    run_to_file(r);
    FAIL() << "no error";
  } catch (const Interrupted& e) {
    EXPECT_EQ(std::string(e.what()).find("checkpoint"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CheckpointFile, UnwritableCheckpointIsAnIoErrorNamingThePath) {
  ScratchDir dir;
  Scenario sc = testing::small_scenario(4);
  std::atomic<bool> stop{true};
  RunRequest r = request_for(sc, dir / "run.h5", 1);
  r.stop = &stop;
  r.checkpoint = dir / "no" / "such" / "dir" / "x.ckpt";
  try {
    run_to_file(r);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("x.ckpt"), std::string::npos) << e.what();
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

// --- the graph on its own -------------------------------------------------

// Every vertex's ties, in adjacency order, as comparable text.
std::vector<std::string> adjacency(const AgentGraph& g) {
  std::vector<std::string> out;
  for (AgentGraph::Vertex v = 0; v < g.vertex_count(); ++v) {
    std::string row;
    g.for_each_tie(v, [&](AgentGraph::Vertex n, const TieInfo& t, AgentGraph::Edge) {
      row += std::to_string(n) + ":" + std::to_string(static_cast<int>(t.type)) + ":" +
             std::to_string(t.since) + ":" + std::to_string(t.weight) + ":" +
             std::to_string(t.decay_slot) + " ";
    });
    out.push_back(row);
  }
  return out;
}

TEST(GraphArchive, RoundTripKeepsAdjacencyOrderAndDecayingTies) {
  AgentGraph g;
  for (int v = 0; v < 60; ++v)
    g.add_vertex(AgentRef{AgentKind::firm, v}, static_cast<LineageKey>(1000 + v));
  Stream s(42);
  std::vector<AgentGraph::Edge> edges;
  for (int k = 0; k < 400; ++k) {
    const auto a = static_cast<AgentGraph::Vertex>(s.below(60));
    const auto b = static_cast<AgentGraph::Vertex>(s.below(60));
    if (a == b) continue;
    TieInfo info;
    info.type = static_cast<TieType>(s.below(kTieTypeCount));
    info.since = k;
    edges.push_back(g.add_tie(a, b, info));
    if (k % 5 == 4) {  // removals reorder the decaying list
      const auto victim = s.below(edges.size());
      g.remove_tie(edges[victim]);
      edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(victim));
    }
  }
  g.clear_ties(7);

  ScratchDir dir;
  const auto path = (dir / "graph.h5").string();
  {
    const h5::ErrorSilencer quiet;
    h5::File file = h5::create_file(path);
    checkpoint::H5StateWriter ar(file.get());
    g.archive(ar);
    h5::close_file(file, path);
  }
  AgentGraph back;
  {
    const h5::ErrorSilencer quiet;
    const h5::File file = h5::open_file_read_only(path);
    checkpoint::H5StateReader ar(file.get(), path);
    back.archive(ar);
  }
  EXPECT_EQ(adjacency(back), adjacency(g));
  ASSERT_EQ(back.decaying_ties().size(), g.decaying_ties().size());
  ASSERT_GT(g.decaying_ties().size(), 10u);
  for (std::size_t k = 0; k < g.decaying_ties().size(); ++k) {
    const auto& a = g.decaying_ties()[k];
    const auto& b = back.decaying_ties()[k];
    EXPECT_EQ(a.pair_key, b.pair_key);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(g.endpoints(a.edge), back.endpoints(b.edge));
    EXPECT_EQ(back.tie(b.edge).decay_slot, static_cast<std::int32_t>(k));
  }
  for (int t = 0; t < kTieTypeCount; ++t)
    EXPECT_EQ(back.tie_count(static_cast<TieType>(t)), g.tie_count(static_cast<TieType>(t)));
}

}  // namespace
}  // namespace incubsim
