#include "people/taxonomy.h"

namespace people {

// taxonomy_embedded.cc (generated from taxonomy.txt by CMakeLists.txt).
std::string_view EmbeddedTaxonomyText();

const std::vector<TaxonomyPath>& DefaultTaxonomy() {
  static const std::vector<TaxonomyPath> kPaths = [] {
    std::vector<TaxonomyPath> out;
    std::string_view text = EmbeddedTaxonomyText();
    while (!text.empty()) {
      const size_t eol = text.find('\n');
      std::string_view line = text.substr(0, eol);
      text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
      if (line.empty() || line[0] == '#') continue;
      const size_t gap = line.find("  ");
      if (gap == std::string_view::npos) continue;
      out.push_back({std::string(line.substr(0, gap)), std::string(line.substr(gap + 2)), true});
    }
    return out;
  }();
  return kPaths;
}

bool ValidTaxonomyPath(std::string_view path) {
  if (path.empty() || path.size() > 120) return false;
  int depth = 1;
  bool segment_empty = true;
  for (char c : path) {
    if (c == '/') {
      if (segment_empty || ++depth > 4) return false;
      segment_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

bool PathIsUnder(std::string_view path, std::string_view ancestor) {
  return path == ancestor ||
         (path.size() > ancestor.size() && path.substr(0, ancestor.size()) == ancestor && path[ancestor.size()] == '/');
}

}  // namespace people
