// work::ItemBrowser — the manager's data browser over a project's items: one page of rows with
// the columns a manager picks (item_stats.h: labels, consensus and its confidence, agreement,
// gold, state, flags, time, last activity; the experts; fields of the item's data), sorted on
// any column, filtered by AND-ed conditions and full-text search (search.h), with cursor paging
// and an exact total; saved views (a project's tabs); an item's page (data, every answer side by
// side, consensus, gold compared field by field, history) and a submission's review context
// (the other answers, consensus, gold, the expert's record).
//
// It also runs the background indexer: item text into the full-text index and scalar fields
// into item_fields as items are imported, and browser rows marked stale recomputed (a template
// change, items from before the browser). A page says how many items wait for it.
//
//   work::ItemBrowser browser(db, clock, ids, work);
//   ASSAY_ASSIGN_OR_RETURN(work::BrowseQuery q, work::ParseBrowseQuery(get_param));
//   ASSAY_ASSIGN_OR_RETURN(work::BrowsePage page, browser.Browse(manager, project_id, q));
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/uuid7.h"
#include "storage/db.h"
#include "work/item_stats.h"
#include "work/service.h"
#include "work/types.h"

namespace work {

inline constexpr int kMaxBrowseFields = 20;   // data fields per row
inline constexpr int kMaxSavedViews = 50;     // per project

// What the browser shows: a filter (every condition AND-ed), a sort, a page.
struct BrowseQuery {
  std::string q;  // full text: every word in the item's data or one of its answers
  std::string sort = "seq";  // seq (import order) | external_id | state | labels | consensus |
                             // confidence | agreement | gold | flags | active_ms | last_activity | risk
  bool descending = false;
  // new | labelling | labelled (by labels) or pending_review | approved | rejected (by review)
  std::optional<std::string> state;
  std::optional<std::string> expert_id;      // items she labelled
  std::optional<std::string> gold;           // match | mismatch | unscored | none | any (has gold)
  std::optional<double> confidence_lt;       // consensus confidence below (measured items only)
  std::optional<double> agreement_lt;        // agreement below (items with two labels or more)
  std::optional<std::string> label;          // the consensus label equals
  bool flagged = false;                      // an expert reported it broken (or "other")
  std::optional<std::string> field, value;   // the item's data at a dotted path equals value
  std::optional<int64_t> from_us, to_us;     // last activity in [from, to)
  std::vector<std::string> fields;           // data paths to send with each row
  int limit = 50;
  std::string cursor;
};

// Reads a query from named parameters (the URL's, or a bulk action's filter object); errors
// name the parameter.
base::Result<BrowseQuery> ParseBrowseQuery(const std::function<std::optional<std::string>(std::string_view)>& get);

struct BrowseRow {
  std::string item_id;
  int64_t seq = 0;
  std::string external_id;
  std::string state;
  int64_t labels = 0, pending = 0, approved = 0, rejected = 0;
  std::string consensus;
  int64_t confidence_ppm = -1, agreement_ppm = -1;
  std::string gold;  // none | unscored | match | mismatch (rendered as gold_state)
  int64_t flags = 0, skips = 0, active_ms = 0, last_activity_us = 0, risk = 0;
  // The item itself, as this route listed items before the browser: its data and gold answer
  // (JSON text; data empty outside a browse page, e.g. an item context's stats).
  std::string data_json;
  std::optional<std::string> gold_json;
  struct Expert {
    std::string id;  // a pseudonym for reviewers
    std::string name;  // managers only
  };
  std::vector<Expert> experts;
  std::string fields_json = "{}";  // {"<path>": value} of BrowseQuery::fields
};

struct BrowsePage {
  std::vector<BrowseRow> rows;
  int64_t total = 0;  // every item the filter matches, exactly
  std::optional<std::string> next_cursor;
  int64_t search_pending = 0;  // items the background indexer has not made searchable yet
  int64_t stale = 0;           // rows waiting to be recomputed (their numbers may be old)
};

struct SavedView {
  std::string id;
  std::string project_id;
  std::string name;
  std::string query;  // the browser's query string
  std::string created_by;
  int64_t created_at_us = 0;
};

// One input field of an answer beside gold's (gold.h).
struct GoldField {
  std::string field;
  std::string component;
  std::string expected, given;  // JSON text; "null" when absent
  bool match = false;
  bool scored = false;  // false: free text and the like, compared by reading
  std::string note;     // what else differs ("strength 3, gold says 2")
};

// An answer as the item page and the review screen show it.
struct AnswerView {
  Submission submission;
  std::string expert_name;  // managers only (reviewers see the pseudonym in submission.expert_id)
  std::vector<GoldField> gold;  // empty without gold
  struct Version {
    int64_t version = 0;
    std::string answer_json;
    int64_t submitted_at_us = 0, replaced_at_us = 0;
  };
  std::vector<Version> earlier;  // earlier versions, oldest first
};

struct HistoryEvent {
  int64_t at_us = 0;
  std::string kind;  // imported | leased | expired | returned | skipped | submitted | edited |
                     // reviewed | sent_back | gold_set | requeued | overlap_set
  std::string who;   // a name for managers, a pseudonym for reviewers; "" for the system
  std::string detail;
};

struct ItemContext {
  ItemView item;
  std::string project_id;
  std::string response_order_json = "null";  // as its experts were shown the responses
  std::optional<BrowseRow> stats;
  std::vector<FieldConsensus> consensus;
  std::vector<AnswerView> answers;  // oldest first
  std::vector<HistoryEvent> history;  // oldest first
};

// An expert's record in a project, for the reviewer judging one of her answers.
struct ExpertRecord {
  std::string expert_id;  // a pseudonym for reviewers
  std::string name;       // managers only
  int64_t submitted = 0, approved = 0, rejected = 0, pending = 0;
  int64_t gold_correct = 0, gold_total = 0;      // her labels on gold items, per label field
  int64_t agreed = 0, compared = 0;              // her labels equal to the item's consensus
  int64_t median_active_ms = 0;
};

struct SubmissionContext {
  AnswerView answer;  // this one, with gold compared
  ItemContext item;   // the item; its answers are the others
  ExpertRecord expert;
};

// The browser row's columns of item_stats (aliased st), and a row read from them.
extern const std::string_view kBrowseRowColumns;
BrowseRow BrowseRowFrom(const storage::Row& r);

class ItemBrowser {
 public:
  ItemBrowser(storage::Db& db, const base::Clock& clock, base::Uuid7Generator& ids, Service& work,
              bool run_indexer = true);
  ~ItemBrowser();  // stops the indexer
  ItemBrowser(const ItemBrowser&) = delete;
  ItemBrowser& operator=(const ItemBrowser&) = delete;

  // One page (the project's managers and reviewers; reviewers see experts by pseudonym).
  base::Result<BrowsePage> Browse(const Caller& caller, std::string_view project_id, const BrowseQuery& q);

  base::Result<std::vector<SavedView>> ListViews(const Caller& caller, std::string_view project_id);
  base::Result<SavedView> SaveView(const Caller& caller, std::string_view project_id, std::string_view name,
                                   std::string_view query);
  // Its creator or a manager of the project.
  base::Status DeleteView(const Caller& caller, std::string_view view_id);

  base::Result<ItemContext> GetItemContext(const Caller& caller, std::string_view item_id);
  base::Result<SubmissionContext> GetSubmissionContext(const Caller& caller, std::string_view submission_id);

  // The selection a filter matches, in import order (bulk.h), up to `max` items: SQL for
  // `SELECT st.seq FROM item_stats st <where>` and its parameters.
  std::string SelectionWhere(storage::Dialect dialect, std::string_view project_id, const BrowseQuery& q,
                             storage::Params& params) const;

  // The indexer: wake it for a project (an import added items); run until nothing is left
  // (tests, benchmarks). IndexOnce does one batch of anything waiting; false when idle.
  void Wake(const std::string& project_id);
  base::Status IndexAll();
  base::Result<bool> IndexOnce();

 private:
  base::Status EnsureRows(std::string_view project_id);
  base::Result<bool> IndexSearchBatch(const std::string& project_id);
  base::Result<bool> RefreshStaleBatch(const std::string& project_id);
  void RunIndexer();

  storage::Db& db_;
  const base::Clock& clock_;
  base::Uuid7Generator& ids_;
  Service& work_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> woken_;  // guarded by mu_
  bool stop_ = false;            // guarded by mu_
  std::thread indexer_;
};

}  // namespace work
