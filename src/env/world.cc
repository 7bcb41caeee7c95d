#include "env/world.h"

#include <nlohmann/json.hpp>

namespace env {

bool World::Has(std::string_view app) const { return apps_.find(app) != apps_.end(); }

const Value& World::Get(std::string_view app) const {
  static const Value kNull;
  auto it = apps_.find(app);
  return it == apps_.end() ? kNull : it->second;
}

void World::Set(std::string app, Value state) { apps_[std::move(app)] = std::move(state); }

void World::Remove(std::string_view app) {
  auto it = apps_.find(app);
  if (it != apps_.end()) apps_.erase(it);
}

std::vector<std::string> World::Apps() const {
  std::vector<std::string> names;
  names.reserve(apps_.size());
  for (const auto& [name, state] : apps_) names.push_back(name);
  return names;
}

Value World::AsValue() const {
  std::vector<Value::Member> members;
  members.reserve(apps_.size());
  for (const auto& [name, state] : apps_) members.emplace_back(name, state);
  return Value::Object(std::move(members));
}

base::Result<World> World::FromValue(const Value& v) {
  if (!v.is_object()) return base::Error::Invalid("a world is an object of app states");
  World world;
  for (const auto& [name, state] : v.members()) world.Set(name, state);
  return world;
}

size_t World::TextBytes() const {
  size_t bytes = 0;
  for (const auto& [name, state] : apps_) bytes += state.TextBytes();
  return bytes;
}

std::string World::Hash() const { return AsValue().Sha256(); }

std::string World::AppHash(std::string_view app) const { return Get(app).Sha256(); }

}  // namespace env
