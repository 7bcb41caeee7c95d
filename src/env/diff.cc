#include "env/diff.h"

#include <nlohmann/json.hpp>

namespace env {
namespace {

void DiffInto(const Value& before, const Value& after, const std::string& path,
              std::vector<Change>& out) {
  if (before.SameNode(after)) return;
  if (before.is_object() && after.is_object()) {
    Value::ZipChangedMembers(
        before, after, [&](const std::string& key, const Value* a, const Value* b) {
          if (a == nullptr) {
            out.push_back({Change::Kind::kAdded, AppendPointer(path, key), {}, *b});
          } else if (b == nullptr) {
            out.push_back({Change::Kind::kRemoved, AppendPointer(path, key), *a, {}});
          } else {
            DiffInto(*a, *b, AppendPointer(path, key), out);
          }
        });
    return;
  }
  if (before.is_array() && after.is_array()) {
    const auto& a = before.elements();
    const auto& b = after.elements();
    const size_t common = std::min(a.size(), b.size());
    for (size_t k = 0; k < common; ++k) {
      if (!a[k].SameNode(b[k])) DiffInto(a[k], b[k], AppendPointer(path, std::to_string(k)), out);
    }
    for (size_t k = common; k < a.size(); ++k) {
      out.push_back({Change::Kind::kRemoved, AppendPointer(path, std::to_string(k)), a[k], {}});
    }
    for (size_t k = common; k < b.size(); ++k) {
      out.push_back({Change::Kind::kAdded, AppendPointer(path, std::to_string(k)), {}, b[k]});
    }
    return;
  }
  if (before == after) return;
  out.push_back({Change::Kind::kChanged, path, before, after});
}

std::string Abbreviate(const Value& v, size_t max_chars) {
  std::string text = v.Canonical();
  if (text.size() > max_chars) {
    text.resize(max_chars);
    text += "…";
  }
  return text;
}

}  // namespace

std::string_view ChangeKindName(Change::Kind kind) {
  switch (kind) {
    case Change::Kind::kAdded:
      return "added";
    case Change::Kind::kRemoved:
      return "removed";
    case Change::Kind::kChanged:
      return "changed";
  }
  return "?";
}

std::vector<Change> Diff(const Value& before, const Value& after) {
  std::vector<Change> out;
  DiffInto(before, after, "", out);
  return out;
}

std::string FormatChange(const Change& c, size_t max_chars) {
  switch (c.kind) {
    case Change::Kind::kAdded:
      return "+ " + c.path + ": " + Abbreviate(c.after, max_chars);
    case Change::Kind::kRemoved:
      return "- " + c.path + ": " + Abbreviate(c.before, max_chars);
    case Change::Kind::kChanged:
      return "~ " + c.path + ": " + Abbreviate(c.before, max_chars) + " -> " +
             Abbreviate(c.after, max_chars);
  }
  return "";
}

nlohmann::json ChangesToJson(const std::vector<Change>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const Change& c : changes) {
    nlohmann::json j = {{"op", ChangeKindName(c.kind)}, {"path", c.path}};
    if (c.kind != Change::Kind::kAdded) j["before"] = c.before.ToJson();
    if (c.kind != Change::Kind::kRemoved) j["after"] = c.after.ToJson();
    out.push_back(std::move(j));
  }
  return out;
}

bool PathWithin(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace env
