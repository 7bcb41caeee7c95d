#include "work/demo.h"
namespace work {
base::Result<DemoSeed> SeedDemo(Service& service) { return base::Error::Internal("todo"); }
std::string DemoItemsJsonl() { return ""; }
}  // namespace work
