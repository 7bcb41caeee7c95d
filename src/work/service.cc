#include "work/service.h"

namespace work {

Service::Service(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids)
    : db_(db), clock_(clock), ids_(ids) {}

Service::~Service() = default;

}  // namespace work
