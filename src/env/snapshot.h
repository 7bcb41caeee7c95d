// Snapshots of a session, so a session kept as its log (initial world + trajectory) reopens
// without replaying every call: a snapshot is the world after `steps` calls and where the
// session's id generator stood, stored as the changes from the initial world (small: what the
// calls wrote, not the 1.5 MB tau2 db) and checked against the state hash it was taken with.
//
//   env::SessionSnapshot snap = session.Snapshot();
//   std::string text = env::SnapshotToJson(snap, session.initial());   // to keep
//   ASSAY_ASSIGN_OR_RETURN(env::SessionSnapshot back, env::SnapshotFromJson(text, initial));
//   env::Session resumed(tools, initial, clock, seed);
//   resumed.RestoreFrom(back, first_steps);     // then ApplyRecorded() the steps after it
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/uuid7.h"
#include "env/diff.h"
#include "env/world.h"

namespace env {

struct SessionSnapshot {
  size_t steps = 0;  // calls made before it
  World world;
  base::Uuid7Generator::State ids;
};

// `base` with `changes` (as Diff(base, x) gives them) applied: x again. Removals go last and
// from the highest index, as Diff reports an array's dropped tail in index order.
base::Result<Value> ApplyChanges(const Value& base, const std::vector<Change>& changes);

// {"steps", "state_hash", "ids": {...}, "changes": [...]} with the changes from `initial`.
std::string SnapshotToJson(const SessionSnapshot& snapshot, const World& initial);
// The snapshot again; an error when the text is malformed or the rebuilt world's hash is not the
// one it was taken with (the initial world changed: replay the calls instead).
base::Result<SessionSnapshot> SnapshotFromJson(std::string_view text, const World& initial);

}  // namespace env
