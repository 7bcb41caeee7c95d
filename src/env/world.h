// env::World — named app states ("mail", "sheet", "retail", …), each an immutable env::Value.
// A World is a value: copying it is a snapshot or a fork (O(number of apps)); the copies share
// every subtree until one of them writes, and a write path-copies only what it touches.
//
//   env::World world;
//   world.Set("mail", mail_seed);
//   env::World fork = world;                        // snapshot
//   fork.Set("mail", fork.Get("mail").With("unread", env::Value::Int(0)));
//   std::string h = world.Hash();                   // unchanged by the fork's write
//   std::vector<env::Change> d = env::Diff(world.AsValue(), fork.AsValue());
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "env/value.h"

namespace env {

class World {
 public:
  World() = default;

  bool Has(std::string_view app) const;
  // The app's state, or null if the app has none.
  const Value& Get(std::string_view app) const;
  void Set(std::string app, Value state);
  void Remove(std::string_view app);
  std::vector<std::string> Apps() const;

  // {"app": state, …}: the whole world as one object (for hashing, diffing, rendering).
  Value AsValue() const;
  static base::Result<World> FromValue(const Value& v);
  // Value::TextBytes of every app's state, summed (O(apps)).
  size_t TextBytes() const;
  // sha256 of AsValue().Canonical().
  std::string Hash() const;
  // sha256 of one app's canonical state (the tau2 "db hash" for the retail app).
  std::string AppHash(std::string_view app) const;

 private:
  std::map<std::string, Value, std::less<>> apps_;
};

}  // namespace env
