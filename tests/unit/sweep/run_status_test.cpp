// Where each run of a sweep stands, read from the directory alone: shards,
// pending / failed / done, what a shard still has to do, and clearing the
// temporaries a killed worker left.
#include "sweep/run_status.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "sweep/manifest.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::ScratchDir;

/// A manifest of `n` runs (only the run table matters here).
Manifest manifest_of(int n) {
  Manifest m;
  for (int i = 0; i < n; ++i) m.runs.push_back({i, i / 2, i % 2, 1000 + i});
  return m;
}

/// Creates an empty file at the result path: the run counts as done.
void mark_done(const std::filesystem::path& dir, std::int64_t run_id) {
  const auto p = run_result_path(dir, run_id);
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).flush();
}

void touch(const std::filesystem::path& p) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << "x";
}

TEST(SweepRunStatus, ParseShardAcceptsKOverN) {
  const Shard a = parse_shard("0/1");
  EXPECT_EQ(a.index, 0);
  EXPECT_EQ(a.count, 1);
  const Shard b = parse_shard("3/4");
  EXPECT_EQ(b.index, 3);
  EXPECT_EQ(b.count, 4);
  const Shard c = parse_shard("17/100");
  EXPECT_EQ(c.index, 17);
  EXPECT_EQ(c.count, 100);
}

TEST(SweepRunStatus, ParseShardRejectsOtherForms) {
  for (const char* text : {"4/4", "-1/2", "a/b", "1", "1/0", "", "/", "1/", "/2", "0/-1", "1/2/3",
                           "0 /2", "0/2x", "+0/2", "0/99999999999999999999"}) {
    EXPECT_THROW(parse_shard(text), UsageError) << "'" << text << "'";
    try {
      parse_shard(text);
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("is not K/N with 0 <= K < N"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("'" + std::string(text) + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST(SweepRunStatus, ShardContainsEveryNthRun) {
  const Shard s = parse_shard("1/3");
  std::vector<std::int64_t> ids;
  for (std::int64_t r = 0; r < 10; ++r)
    if (s.contains(r)) ids.push_back(r);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 4, 7}));
}

TEST(SweepRunStatus, PendingThenFailedThenDone) {
  ScratchDir dir;
  const std::int64_t run = 1234;  // in runs/0001, which does not exist yet
  EXPECT_EQ(run_state(dir.path(), run), RunState::pending);
  EXPECT_EQ(read_failure(dir.path(), run), std::nullopt);

  record_failure(dir.path(), run, "simulation diverged at quarter 7");
  EXPECT_TRUE(std::filesystem::is_regular_file(run_failure_path(dir.path(), run)));
  EXPECT_EQ(run_state(dir.path(), run), RunState::failed);
  EXPECT_EQ(read_failure(dir.path(), run), "simulation diverged at quarter 7");
  EXPECT_EQ(run_state(dir.path(), run + 1), RunState::pending);  // only that run
  // Nothing else left beside the record (it was written under a temporary name).
  std::vector<std::string> names;
  for (const auto& e :
       std::filesystem::directory_iterator(run_failure_path(dir.path(), run).parent_path()))
    names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"run-00001234.failed"});

  // A later failure replaces the record.
  record_failure(dir.path(), run, "second try: out of memory\n");
  EXPECT_EQ(read_failure(dir.path(), run), "second try: out of memory");

  mark_done(dir.path(), run);
  EXPECT_EQ(run_state(dir.path(), run), RunState::done);
}

TEST(SweepRunStatus, ToStringNamesStates) {
  EXPECT_EQ(to_string(RunState::pending), "pending");
  EXPECT_EQ(to_string(RunState::done), "done");
  EXPECT_EQ(to_string(RunState::failed), "failed");
}

TEST(SweepRunStatus, RecordFailureIntoUnwritableDirectoryIsIoError) {
  ScratchDir dir;
  const auto blocked = dir / "blocked";
  // A file where the runs directory should be: nothing can be created under it.
  std::ofstream(blocked) << "not a directory";
  EXPECT_THROW(record_failure(blocked, 0, "boom"), IoError);
}

TEST(SweepRunStatus, RunsToDoOfTheWholeSweep) {
  ScratchDir dir;
  const Manifest m = manifest_of(10);
  mark_done(dir.path(), 2);
  mark_done(dir.path(), 5);
  record_failure(dir.path(), 3, "failed");
  record_failure(dir.path(), 8, "failed");

  SweepTally t;
  EXPECT_EQ(runs_to_do(dir.path(), m, Shard{}, false, &t),
            (std::vector<std::int64_t>{0, 1, 4, 6, 7, 9}));
  EXPECT_EQ(t.total, 10);
  EXPECT_EQ(t.done, 2);
  EXPECT_EQ(t.failed, 2);
  EXPECT_EQ(t.pending, 6);

  EXPECT_EQ(runs_to_do(dir.path(), m, Shard{}, true, &t),
            (std::vector<std::int64_t>{0, 1, 3, 4, 6, 7, 8, 9}));
  EXPECT_EQ(t.total, 10);
  EXPECT_EQ(t.done, 2);
  EXPECT_EQ(t.failed, 0);
  EXPECT_EQ(t.pending, 8);

  // A failed run that later succeeded is done, whatever its old record says.
  mark_done(dir.path(), 3);
  EXPECT_EQ(runs_to_do(dir.path(), m, Shard{}, true, nullptr),
            (std::vector<std::int64_t>{0, 1, 4, 6, 7, 8, 9}));
}

TEST(SweepRunStatus, RunsToDoOfAShard) {
  ScratchDir dir;
  const Manifest m = manifest_of(10);
  mark_done(dir.path(), 4);
  record_failure(dir.path(), 7, "failed");
  const Shard s = parse_shard("1/3");  // runs 1, 4, 7

  SweepTally t;
  EXPECT_EQ(runs_to_do(dir.path(), m, s, false, &t), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(t.total, 3);
  EXPECT_EQ(t.done, 1);
  EXPECT_EQ(t.failed, 1);
  EXPECT_EQ(t.pending, 1);

  EXPECT_EQ(runs_to_do(dir.path(), m, s, true, &t), (std::vector<std::int64_t>{1, 7}));
  EXPECT_EQ(t.failed, 0);
  EXPECT_EQ(t.pending, 2);

  // The shards together cover every run exactly once.
  std::vector<std::int64_t> all;
  std::int64_t total = 0;
  for (int k = 0; k < 3; ++k) {
    const auto todo = runs_to_do(dir.path(), m, Shard{k, 3}, true, &t);
    all.insert(all.end(), todo.begin(), todo.end());
    total += t.total;
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::int64_t>{0, 1, 2, 3, 5, 6, 7, 8, 9}));
  EXPECT_EQ(total, 10);
}

TEST(SweepRunStatus, RemoveStaleTemporariesOfItsShardOnly) {
  ScratchDir dir;
  const auto runs = dir / "runs";
  // Shard 0/2 owns even run ids, 1/2 odd ones.
  touch(runs / "0000" / "run-00000004.h5.tmp-123");    // shard 0: removed
  touch(runs / "0000" / "run-00000006.failed.tmp-9");  // shard 0: removed
  touch(runs / "0001" / "run-00001000.h5.tmp-77");     // shard 0: removed
  touch(runs / "0000" / "run-00000005.h5.tmp-123");    // shard 1: kept
  touch(runs / "0000" / "run-00000004.h5");            // a result: kept
  touch(runs / "0000" / "run-00000008.failed");        // a failure record: kept
  touch(runs / "0000" / "notes-00000002.tmp-1");       // not a run's name: kept
  touch(runs / "0000" / "run-abc.tmp-1");              // no run id: kept
  touch(runs / "0000" / "run-00000002.h5.partial");    // not a temporary: kept
  touch(dir / "run-00000010.h5.tmp-5");                // outside runs/: kept

  EXPECT_EQ(remove_stale_temporaries(dir.path(), parse_shard("0/2")), 3);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
    if (e.is_regular_file()) left.push_back(e.path().lexically_relative(dir.path()).string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{
                      "run-00000010.h5.tmp-5", "runs/0000/notes-00000002.tmp-1",
                      "runs/0000/run-00000002.h5.partial", "runs/0000/run-00000004.h5",
                      "runs/0000/run-00000005.h5.tmp-123", "runs/0000/run-00000008.failed",
                      "runs/0000/run-abc.tmp-1"}));

  EXPECT_EQ(remove_stale_temporaries(dir.path(), parse_shard("0/2")), 0);
  EXPECT_EQ(remove_stale_temporaries(dir.path(), parse_shard("1/2")), 1);
  EXPECT_FALSE(std::filesystem::exists(runs / "0000" / "run-00000005.h5.tmp-123"));
}

TEST(SweepRunStatus, RemoveStaleTemporariesWithoutRunsDirectory) {
  ScratchDir dir;
  EXPECT_EQ(remove_stale_temporaries(dir.path(), Shard{}), 0);
}

TEST(SweepRunStatus, TemporaryOfRecordFailureIsRecognised) {
  // The names record_failure and result writers use for temporaries are the
  // ones remove_stale_temporaries clears.
  ScratchDir dir;
  record_failure(dir.path(), 3, "boom");
  const auto record = run_failure_path(dir.path(), 3);
  const auto stale = record.parent_path() / (record.filename().string() + ".tmp-424242");
  std::filesystem::copy_file(record, stale);
  const auto result = run_result_path(dir.path(), 3);
  touch(result.parent_path() / (result.filename().string() + ".tmp-1"));
  EXPECT_EQ(remove_stale_temporaries(dir.path(), Shard{}), 2);
  EXPECT_EQ(run_state(dir.path(), 3), RunState::failed);
}

}  // namespace
}  // namespace incubsim
