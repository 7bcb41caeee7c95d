// What an expert is shown of an item, by two project settings (both on by default): model names
// left out of every response list, and each response list shown in the item's own random order.
// The order is the same for every expert of the item (so their "A"/"B" stay comparable), is
// sent with the lease as `response_order` (the web app shows the responses in that order and
// still answers in the data's order) and is recorded by the export.
//
//   work::Display d{.hide_models = true, .shuffle = true, .response_paths = {"responses"}};
//   std::string data = work::ExpertData(item_data_json, d);          // no "model" keys
//   std::string order = work::ResponseOrderJson(item_id, item_data_json, d);  // {"responses":[1,0]}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace work {

struct Display {
  bool hide_models = true;
  bool shuffle = true;
  std::vector<std::string> response_paths;  // dotted paths of the template's response lists
};

// A permutation of 0..n-1, the same for this item and path every time (seeded by their sha256).
std::vector<size_t> ResponseOrder(std::string_view item_id, std::string_view path, size_t n);

// The item's data as an expert sees it: with hide_models, no "model" key in the responses of
// response_paths. The data text itself when there is nothing to take out.
std::string ExpertData(std::string_view data_json, const Display& display);

// {"<path>": [original index shown first, …], …} for each response list of two or more, or
// "null" when the project does not shuffle (or the item has no list).
std::string ResponseOrderJson(std::string_view item_id, std::string_view data_json, const Display& display);

}  // namespace work
