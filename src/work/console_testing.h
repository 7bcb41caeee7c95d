// A fixture for the console's tests (browse, bulk, revisions) on both drivers: the work fixture
// with an ItemBrowser and BulkJobs that run only when told (no background threads), and
// helpers that label a project the way a test needs.
//
//   class BrowseTest : public work::testing::ConsoleFixture {};
//   ASSAY_INSTANTIATE_WORK_FIXTURE(BrowseTest);
//   std::string p = MakeGoldProject(10, 2, experts);
//   LabelAll(p, experts, [](size_t expert, int item) { return std::string("a"); });
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "work/browse.h"
#include "work/bulk.h"
#include "work/work_testing.h"

namespace work::testing {

class ConsoleFixture : public WorkFixture {
 protected:
  void SetUp() override {
    WorkFixture::SetUp();
    if (HasFatalFailure()) return;  // no database (PostgreSQL not configured)
    browser_ = std::make_unique<ItemBrowser>(*db_, clock_, ids_, *svc_, /*run_indexer=*/false);
    bulk_ = std::make_unique<BulkJobs>(*db_, clock_, ids_, *svc_, *browser_, /*run=*/false);
  }
  void TearDown() override {
    bulk_.reset();
    browser_.reset();
    WorkFixture::TearDown();
  }

  // n pairwise items ("ext-<i>", prompt "Question <i>"); the even ones have gold "a".
  std::string MakeGoldProject(int n, int64_t overlap, const std::vector<Caller>& experts) {
    ProjectFields f;
    f.name = "Gold preferences";
    f.template_json = kPairwiseTemplate;
    f.overlap = overlap;
    f.lease_seconds = 600;
    auto p = svc_->CreateProject(manager_, f);
    EXPECT_TRUE(p.has_value()) << p.error().ToString();
    std::string body;
    for (int i = 0; i < n; ++i) {
      json line = json::parse(ItemLine(i));
      if (i % 2 == 0) line["gold"] = {{"preference", {{"choice", "a"}}}};
      body += line.dump() + "\n";
    }
    auto r = svc_->ImportItems(manager_, p->id, body);
    EXPECT_TRUE(r.has_value() && r->imported == n);
    for (const Caller& e : experts) EXPECT_TRUE(svc_->AddMember(Caller::System(), p->id, e.user_id, "expert"));
    return p->id;
  }

  // 12 items, overlap 3, experts a, b, c: a always prefers "a"; b and c prefer "b" from item 6
  // on. Gold ("a") on the even items, so b and c miss it on items 6, 8 and 10.
  std::string LabelledGoldProject(std::vector<Caller>& experts) {
    experts = {MakeCaller("a@x.org", Role::kExpert), MakeCaller("b@x.org", Role::kExpert),
               MakeCaller("c@x.org", Role::kExpert)};
    std::string p = MakeGoldProject(12, 3, experts);
    LabelAll(p, experts, [](size_t e, int item) { return e == 0 || item < 6 ? "a" : "b"; });
    return p;
  }

  // Every expert in turn leases and submits until nothing is left for her; `choice(expert,
  // item number)` is her pairwise choice, `why(expert, item)` her rationale (none when empty).
  // Returns the submission ids by (expert, item number).
  std::map<std::pair<size_t, int>, std::string> LabelAll(
      const std::string& project_id, const std::vector<Caller>& experts,
      const std::function<std::string(size_t, int)>& choice,
      const std::function<std::string(size_t, int)>& why = {}) {
    std::map<std::pair<size_t, int>, std::string> out;
    for (size_t e = 0; e < experts.size(); ++e) {
      for (int n = 0;; ++n) {
        auto lease = svc_->AcquireLease(experts[e], project_id);
        EXPECT_TRUE(lease.has_value()) << lease.error().ToString();
        if (!lease || !lease->has_value()) break;
        const int item = ItemNumber((*lease)->item_data_json);
        json answer = {{"preference", {{"choice", choice(e, item)}}}};
        if (why && !why(e, item).empty()) answer["why"] = why(e, item);
        auto s = svc_->Submit(experts[e], {(*lease)->assignment_id, (*lease)->lease_token,
                                           "c" + std::to_string(e) + "-" + std::to_string(n), answer.dump(), 2000});
        EXPECT_TRUE(s.has_value()) << s.error().ToString();
        if (s) out[{e, item}] = s->submission.id;
      }
    }
    return out;
  }

  static int ItemNumber(const std::string& data_json) {
    return std::stoi(json::parse(data_json)["prompt"].get<std::string>().substr(9));
  }

  BrowsePage Page(const std::string& project_id, const std::string& query_string, const Caller* who = nullptr) {
    auto q = Query(query_string);
    EXPECT_TRUE(q.has_value()) << q.error().ToString();
    auto page = browser_->Browse(who ? *who : manager_, project_id, *q);
    EXPECT_TRUE(page.has_value()) << page.error().ToString();
    return page ? *page : BrowsePage{};
  }

  // "state=new&sort=labels" → a BrowseQuery (no URL decoding: tests write plain values).
  static base::Result<BrowseQuery> Query(const std::string& query_string) {
    std::map<std::string, std::string> params;
    size_t at = 0;
    while (at < query_string.size()) {
      size_t amp = query_string.find('&', at);
      std::string part = query_string.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
      size_t eq = part.find('=');
      if (eq != std::string::npos) params[part.substr(0, eq)] = part.substr(eq + 1);
      if (amp == std::string::npos) break;
      at = amp + 1;
    }
    return ParseBrowseQuery([&](std::string_view k) -> std::optional<std::string> {
      auto it = params.find(std::string(k));
      if (it == params.end()) return std::nullopt;
      return it->second;
    });
  }

  // The id of the item with this external id.
  std::string ItemOf(const std::string& project_id, const std::string& external_id) {
    for (const BrowseRow& r : Page(project_id, "limit=500").rows) {
      if (r.external_id == external_id) return r.item_id;
    }
    ADD_FAILURE() << "no item " << external_id;
    return "";
  }

  std::vector<std::string> ExternalIds(const BrowsePage& page) {
    std::vector<std::string> out;
    for (const BrowseRow& r : page.rows) out.push_back(r.external_id);
    return out;
  }

  std::unique_ptr<ItemBrowser> browser_;
  std::unique_ptr<BulkJobs> bulk_;
};

}  // namespace work::testing
