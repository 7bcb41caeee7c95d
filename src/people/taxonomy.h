// The domain taxonomy: the default one shipped with the binary (taxonomy.txt, embedded at build
// time) plus the paths admins added (table taxonomy_paths). A path is lowercase segments of
// [a-z0-9-] joined by "/", at most four deep; its parent must exist.
//
//   const std::vector<people::TaxonomyPath>& paths = people::DefaultTaxonomy();
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace people {

struct TaxonomyPath {
  std::string path;
  std::string label;
  bool builtin = true;
};

const std::vector<TaxonomyPath>& DefaultTaxonomy();
// Syntax only (see above).
bool ValidTaxonomyPath(std::string_view path);
// "medicine/cardiology" is under "medicine" (and under itself).
bool PathIsUnder(std::string_view path, std::string_view ancestor);

}  // namespace people
