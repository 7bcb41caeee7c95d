#include "base/file.h"

#include <fstream>
#include <sstream>

namespace base {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open " + path).Detail("path", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace base
