// Shared by the quality tests: the work fixture with quality wired in, and small helpers.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "quality/render.h"
#include "quality/service.h"
#include "work/work_testing.h"

namespace quality::testing {

using json = nlohmann::json;
using accounts::Caller;
using accounts::Role;
using work::Lease;
using work::ProjectFields;

// A work fixture with the quality service deciding dynamic overlap, as `assay serve` wires it.
class QualityFixture : public work::testing::WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    quality_ = std::make_unique<Service>(*db_, clock_);
    svc_->SetQualityObserver(quality_.get());
  }
  void TearDown() override {
    if (svc_) svc_->SetQualityObserver(nullptr);  // null when SetUp failed (no PostgreSQL)
    quality_.reset();
    WorkFixture::TearDown();
  }
  std::unique_ptr<Service> quality_;
};

inline std::string Choice(const std::string& c) { return R"({"preference":{"choice":")" + c + R"("}})"; }

// The expert leases the next item and answers `choice`; false when nothing was left.
inline bool LabelNext(work::Service& svc, const Caller& expert, const std::string& project, const std::string& choice,
               const std::string& client_id) {
  auto lease = svc.AcquireLease(expert, project);
  EXPECT_TRUE(lease.has_value()) << lease.error().ToString();
  if (!lease || !lease->has_value()) return false;
  auto s = svc.Submit(expert, {(*lease)->assignment_id, (*lease)->lease_token, client_id, choice, 1000});
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return true;
}

inline json QualityJson(Service& quality, const Caller& caller, const std::string& project, QualityQuery q = {}) {
  auto v = quality.Report(caller, project, q.method == "mv" ? "ds" : q.method);
  EXPECT_TRUE(v.has_value()) << v.error().ToString();
  if (!v) return json();
  q.identities = v->identities;
  auto body = RenderQuality(v->view, q);
  EXPECT_TRUE(body.has_value());
  return json::parse(*body);
}

}  // namespace quality::testing
