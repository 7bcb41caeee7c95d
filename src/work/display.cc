#include "work/display.h"

#include <nlohmann/json.hpp>

#include <numeric>

#include "base/hash.h"
#include "base/json.h"
#include "base/rng.h"
#include "work/template.h"

namespace work {

std::vector<size_t> ResponseOrder(std::string_view item_id, std::string_view path, size_t n) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::string key(item_id);
  key += '\n';
  key += path;
  const std::string hex = base::Sha256Hex(key).substr(0, 16);
  base::Rng rng(std::stoull(hex, nullptr, 16));
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  return order;
}

std::string ExpertData(std::string_view data_json, const Display& display) {
  if (!display.hide_models || display.response_paths.empty() || data_json.find("\"model\"") == std::string_view::npos) {
    return std::string(data_json);
  }
  base::Result<nlohmann::json> data = base::ParseJson(data_json);
  if (!data) return std::string(data_json);
  bool changed = false;
  for (const std::string& path : display.response_paths) {
    nlohmann::json* list = const_cast<nlohmann::json*>(LookupPath(*data, path));
    if (!list || !list->is_array()) continue;
    for (nlohmann::json& r : *list) {
      if (r.is_object() && r.erase("model") > 0) changed = true;
    }
  }
  return changed ? base::Dump(*data) : std::string(data_json);
}

std::string ResponseOrderJson(std::string_view item_id, std::string_view data_json, const Display& display) {
  if (!display.shuffle || display.response_paths.empty()) return "null";
  base::Result<nlohmann::json> data = base::ParseJson(data_json);
  if (!data) return "null";
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& path : display.response_paths) {
    const nlohmann::json* list = LookupPath(*data, path);
    if (!list || !list->is_array() || list->size() < 2) continue;
    out[path] = ResponseOrder(item_id, path, list->size());
  }
  return out.empty() ? "null" : base::Dump(out);
}

}  // namespace work
