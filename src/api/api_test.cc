// The API over a real server on an ephemeral port and a real SQLite file.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "api/router.h"
#include "env/apps/apps.h"
#include "env/session_store.h"
#include "env/suite.h"
#include "http/client.h"
#include "storage/migrations.h"
#include "work/service.h"

namespace api {
namespace {

using nlohmann::json;

const char* kTemplate = R"([{"type":"markdown","name":"prompt","source":"prompt"},
  {"type":"responses","name":"responses","source":"responses"},
  {"type":"pairwise","name":"preference","strength":true}])";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("assay_api_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::DbOptions db_options;
    db_options.metrics = &metrics_;  // as `assay serve` wires it: db latency in /metrics
    auto db = storage::OpenAndMigrate("sqlite:" + (dir_ / "t.db").string(), clock_, db_options);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    work::ServiceOptions so;
    so.fast_password_hashing_for_tests = true;
    service_ = std::make_unique<work::Service>(*db_, clock_, ids_, so);
    env::SessionStoreOptions env_options;
    env_options.max_per_owner = kEnvSessionsPerUser;
    env_options.data_dirs["tau2-retail"] = kTau2Dir;
    env_sessions_ = std::make_unique<env::SessionStore>(clock_, env_options);
    api_ = std::make_unique<Api>(Deps{service_.get(), &clock_, &metrics_, base::Logger::Null(), "",
                                      {true, "tau2-retail", "", false, true},
                                      env_sessions_.get()});
    http::ServerOptions opt;
    opt.port = 0;
    opt.access_log = false;
    server_ = std::make_unique<http::Server>(opt, *api_, base::Logger::Null());
    auto port = server_->Start();
    ASSERT_TRUE(port);
    port_ = *port;
  }
  void TearDown() override {
    server_.reset();
    env_sessions_.reset();
    service_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Token(const std::string& email, work::Role role) {
    auto u = service_->EnsureUser(email, role);
    EXPECT_TRUE(u);
    auto t = service_->CreateApiToken(work::Caller{u->id, role});
    EXPECT_TRUE(t);
    return *t;
  }

  http::ClientResponse Call(const std::string& token, const std::string& method,
                            const std::string& target, const std::string& body = "",
                            const std::string& content_type = "application/json") {
    http::Client c("127.0.0.1", port_);
    std::vector<http::Header> headers;
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    if (!body.empty()) headers.push_back({"Content-Type", content_type});
    auto r = c.Send(method, target, body, headers);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : http::ClientResponse{};
  }

  json Body(const http::ClientResponse& r) { return json::parse(r.body, nullptr, false); }

  std::string CreateProject(const std::string& manager, int overlap = 2) {
    json p = {{"name", "Pairs"}, {"instructions", "Pick the better answer."},
              {"template", json::parse(kTemplate)}, {"overlap", overlap}, {"lease_seconds", 600}};
    auto r = Call(manager, "POST", "/api/v1/projects", p.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r).value("id", "");
  }

  void AddMember(const std::string& manager, const std::string& project, const std::string& email,
                 const std::string& role) {
    auto r = Call(manager, "POST", "/api/v1/projects/" + project + "/members",
                  json({{"email", email}, {"role", role}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }

  std::filesystem::path dir_;
  base::FakeClock clock_;
  base::Uuid7Generator ids_{clock_, 1};
  base::Metrics metrics_;
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<work::Service> service_;
  static constexpr size_t kEnvSessionsPerUser = 4;
  static constexpr const char* kTau2Dir = ASSAY_SHARED_DATA_DIR "/tau2-retail";
  std::unique_ptr<env::SessionStore> env_sessions_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<http::Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ApiTest, WholeWorkLoop) {
  std::string manager = Token("m@x.org", work::Role::kManager);
  std::string expert = Token("e@x.org", work::Role::kExpert);
  std::string project = CreateProject(manager);
  AddMember(manager, project, "e@x.org", "expert");

  std::string items =
      R"({"id":"q1","data":{"prompt":"2+2?","responses":[{"id":"a","content":"4"},{"id":"b","content":"5"}]}})" "\n"
      "not json\n"
      R"({"id":"q1","data":{"prompt":"dup","responses":[{"id":"a","content":"1"},{"id":"b","content":"2"}]}})" "\n";
  auto imp = Call(manager, "POST", "/api/v1/projects/" + project + "/items", items,
                  "application/x-ndjson");
  ASSERT_EQ(imp.status, 200) << imp.body;
  EXPECT_EQ(Body(imp)["imported"], 1);
  EXPECT_EQ(Body(imp)["skipped"], 1);
  ASSERT_EQ(Body(imp)["errors"].size(), 1u);
  EXPECT_EQ(Body(imp)["errors"][0]["line"], 2);

  auto lease = Call(expert, "POST", "/api/v1/projects/" + project + "/leases");
  ASSERT_EQ(lease.status, 200) << lease.body;
  json l = Body(lease);
  EXPECT_EQ(l["item"]["data"]["prompt"], "2+2?");
  const std::string aid = l["assignment_id"];
  const std::string answer = R"({"preference":{"choice":"a","strength":2}})";
  json submit = {{"lease_token", l["lease_token"]}, {"client_submission_id", "c1"},
                 {"answer", json::parse(answer)}, {"active_ms", 4200}};
  auto s1 = Call(expert, "POST", "/api/v1/assignments/" + aid + "/submit", submit.dump());
  ASSERT_EQ(s1.status, 201) << s1.body;
  auto s2 = Call(expert, "POST", "/api/v1/assignments/" + aid + "/submit", submit.dump());
  EXPECT_EQ(s2.status, 200) << s2.body;
  EXPECT_EQ(Body(s1)["submission"]["id"], Body(s2)["submission"]["id"]);
  submit["answer"] = json::parse(R"({"preference":{"choice":"b","strength":2}})");
  EXPECT_EQ(Call(expert, "POST", "/api/v1/assignments/" + aid + "/submit", submit.dump()).status, 409);

  // Nothing left for this expert.
  EXPECT_EQ(Call(expert, "POST", "/api/v1/projects/" + project + "/leases").status, 204);

  const std::string sid = Body(s1)["submission"]["id"];
  auto short_reject = Call(manager, "POST", "/api/v1/submissions/" + sid + "/review",
                           R"({"verdict":"reject","reason":"too short"})");
  EXPECT_EQ(short_reject.status, 400) << short_reject.body;
  auto reject = Call(manager, "POST", "/api/v1/submissions/" + sid + "/review",
                     R"({"verdict":"reject","reason":"Response b is correct; 2+2 is not 5, read again."})");
  ASSERT_EQ(reject.status, 200) << reject.body;
  auto mine = Call(expert, "GET", "/api/v1/me/submissions");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(Body(mine)["submissions"][0]["review"]["reason"],
            "Response b is correct; 2+2 is not 5, read again.");

  auto exp = Call(manager, "GET", "/api/v1/projects/" + project + "/export?format=jsonl");
  ASSERT_EQ(exp.status, 200);
  EXPECT_EQ(std::count(exp.body.begin(), exp.body.end(), '\n'), 1);
  // The answer is stored exactly as sent.
  EXPECT_NE(exp.body.find(R"({"preference":{"choice":"a","strength":2}})"), std::string::npos) << exp.body;
}

// Prefetch: {"after": <the assignment in hand>} leases a second task (the same one on a retry);
// a bare request still answers the task in hand; 204 when nothing else is left.
TEST_F(ApiTest, LeaseAfterPrefetchesTheNextTask) {
  std::string manager = Token("m@x.org", work::Role::kManager);
  std::string expert = Token("e@x.org", work::Role::kExpert);
  std::string other = Token("o@x.org", work::Role::kExpert);
  std::string project = CreateProject(manager, 1);
  AddMember(manager, project, "e@x.org", "expert");
  AddMember(manager, project, "o@x.org", "expert");
  std::string items;
  for (int i = 0; i < 2; ++i) {
    items += R"({"id":"q)" + std::to_string(i) + R"(","data":{"prompt":"p)" + std::to_string(i) +
             R"(","responses":[{"id":"a","content":"x"},{"id":"b","content":"y"}]}})" "\n";
  }
  ASSERT_EQ(Call(manager, "POST", "/api/v1/projects/" + project + "/items", items, "application/x-ndjson").status, 200);
  const std::string leases = "/api/v1/projects/" + project + "/leases";

  json cur = Body(Call(expert, "POST", leases));
  const std::string after = json({{"after", cur["assignment_id"]}}).dump();
  auto next = Call(expert, "POST", leases, after);
  ASSERT_EQ(next.status, 200) << next.body;
  json n = Body(next);
  EXPECT_NE(n["assignment_id"], cur["assignment_id"]);
  EXPECT_NE(n["item"]["data"]["prompt"], cur["item"]["data"]["prompt"]);
  for (const char* key : {"assignment_id", "lease_token", "expires_at"}) EXPECT_TRUE(n[key].is_string()) << key;
  EXPECT_EQ(Body(Call(expert, "POST", leases, after)), n);                            // retry: the same lease
  EXPECT_EQ(Body(Call(expert, "POST", leases))["assignment_id"], cur["assignment_id"]);  // bare: the one in hand
  EXPECT_EQ(Call(other, "POST", leases).status, 204);  // overlap 1: both items are out

  // Submitting the current one: the prefetched one is now what a bare request answers, and
  // prefetching after it finds nothing left.
  json submit = {{"lease_token", cur["lease_token"]}, {"client_submission_id", "c1"},
                 {"answer", {{"preference", {{"choice", "a"}, {"strength", 2}}}}}, {"active_ms", 10}};
  ASSERT_EQ(Call(expert, "POST", "/api/v1/assignments/" + cur["assignment_id"].get<std::string>() + "/submit",
                 submit.dump()).status, 201);
  EXPECT_EQ(Body(Call(expert, "POST", leases))["assignment_id"], n["assignment_id"]);
  EXPECT_EQ(Call(expert, "POST", leases, json({{"after", n["assignment_id"]}}).dump()).status, 204);

  // `after` must be one of the caller's assignments, and a string.
  auto foreign = Call(other, "POST", leases, after);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(Body(foreign)["error"]["details"]["field"], "after");
  auto bad = Call(expert, "POST", leases, R"({"after":7})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Body(bad)["error"]["details"]["field"], "after");
}

TEST_F(ApiTest, QualityAfterTheLoop) {
  std::string manager = Token("m@x.org", work::Role::kManager);
  std::string reviewer = Token("r@x.org", work::Role::kReviewer);
  std::vector<std::string> experts;
  std::string project = CreateProject(manager, 2);
  AddMember(manager, project, "r@x.org", "reviewer");
  for (int e = 0; e < 3; ++e) {
    experts.push_back(Token("e" + std::to_string(e) + "@x.org", work::Role::kExpert));
    AddMember(manager, project, "e" + std::to_string(e) + "@x.org", "expert");
  }
  std::string items;
  for (int i = 0; i < 4; ++i) {
    items += json({{"id", "q" + std::to_string(i)},
                   {"data", {{"prompt", "p"}, {"responses", {{{"id", "a"}, {"content", "x"}}, {{"id", "b"}, {"content", "y"}}}}}}})
                 .dump() + "\n";
  }
  ASSERT_EQ(Call(manager, "POST", "/api/v1/projects/" + project + "/items", items, "application/x-ndjson").status, 200);
  int n = 0;
  for (const std::string& e : experts) {
    for (;;) {
      auto lease = Call(e, "POST", "/api/v1/projects/" + project + "/leases");
      if (lease.status == 204) break;
      ASSERT_EQ(lease.status, 200) << lease.body;
      json l = Body(lease);
      json submit = {{"lease_token", l["lease_token"]}, {"client_submission_id", "c" + std::to_string(n++)},
                     {"answer", {{"preference", {{"choice", "a"}}}}}, {"active_ms", 1}};
      ASSERT_EQ(Call(e, "POST", "/api/v1/assignments/" + std::string(l["assignment_id"]) + "/submit", submit.dump()).status, 201);
    }
  }
  auto r = Call(reviewer, "GET", "/api/v1/projects/" + project + "/quality");
  ASSERT_EQ(r.status, 200) << r.body;
  json q = Body(r);
  for (const char* key : {"project_id", "version", "computed_at", "stale", "items", "submissions", "overlap", "fields"}) {
    EXPECT_TRUE(q.contains(key)) << key;
  }
  EXPECT_EQ(q["project_id"], project);
  EXPECT_EQ(q["items"], 4);
  EXPECT_EQ(q["submissions"], 8);
  for (const char* key : {"overlap", "max_overlap", "target_confidence", "items_decided", "items_open"}) {
    EXPECT_TRUE(q["overlap"].contains(key)) << key;
  }
  ASSERT_EQ(q["fields"].size(), 1u);
  const json& f = q["fields"][0];
  EXPECT_EQ(f["field"], "preference");
  EXPECT_EQ(f["component"], "pairwise");
  EXPECT_EQ(f["level"], "nominal");
  EXPECT_EQ(f["method"], "ds");
  EXPECT_DOUBLE_EQ(f["agreement"]["percent"].get<double>(), 1.0);
  EXPECT_EQ(f["agreement"]["items_with_2plus"], 4);
  EXPECT_TRUE(f["agreement"].contains("krippendorff_alpha"));
  EXPECT_TRUE(f["agreement"].contains("fleiss_kappa"));
  ASSERT_FALSE(f["workers"].empty());
  for (const char* key : {"expert_id", "name", "email", "labels", "accuracy", "gold"}) {
    EXPECT_TRUE(f["workers"][0].contains(key)) << key;
  }
  EXPECT_EQ(f["labels_total"], 4);
  ASSERT_EQ(f["labels"].size(), 4u);
  for (const char* key : {"item_id", "external_id", "label", "confidence", "votes"}) {
    EXPECT_TRUE(f["labels"][0].contains(key)) << key;
  }
  EXPECT_EQ(f["labels"][0]["label"], "a");
  EXPECT_EQ(f["labels"][0]["votes"]["a"], 2);

  auto page = Body(Call(manager, "GET", "/api/v1/projects/" + project + "/quality?field=preference&method=mv&limit=1&offset=2"));
  ASSERT_EQ(page["fields"][0]["labels"].size(), 1u);
  EXPECT_EQ(page["fields"][0]["labels"][0]["external_id"], "q2");
  EXPECT_EQ(page["fields"][0]["method"], "mv");
  EXPECT_EQ(page["version"], q["version"]);
  auto bad = Call(manager, "GET", "/api/v1/projects/" + project + "/quality?field=nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad)["error"]["details"]["field"], "field");
  EXPECT_EQ(Call(manager, "GET", "/api/v1/projects/" + project + "/quality?method=glad").status, 400);
  // An expert of the project does not see the others' skills.
  EXPECT_EQ(Call(experts[0], "GET", "/api/v1/projects/" + project + "/quality").status, 404);
}

TEST_F(ApiTest, BadInputGetsTheErrorShapeAndWritesNothing) {
  std::string manager = Token("m@x.org", work::Role::kManager);
  auto malformed = Call(manager, "POST", "/api/v1/projects", "{\"name\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Body(malformed)["error"]["code"], "invalid_argument");
  auto wrong_type = Call(manager, "POST", "/api/v1/projects", "{}", "text/csv");
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(Body(wrong_type)["error"]["code"], "unsupported_media_type");
  auto oversize = Call(manager, "POST", "/api/v1/projects", std::string(2 << 20, ' '));
  EXPECT_EQ(oversize.status, 413);
  json bad_template = {{"name", "x"}, {"template", json::parse(R"([{"type":"hologram","name":"h"}])")},
                       {"overlap", 1}, {"lease_seconds", 60}};
  auto bt = Call(manager, "POST", "/api/v1/projects", bad_template.dump());
  EXPECT_EQ(bt.status, 400) << bt.body;
  EXPECT_TRUE(Body(bt)["error"].contains("details"));
  auto list = Call(manager, "GET", "/api/v1/projects");
  EXPECT_EQ(Body(list)["projects"].size(), 0u) << list.body;
}

// Every route, called by someone who may not touch the object, answers 401/403/404 — driven by
// the route table, so a new route is covered without a new test.
TEST_F(ApiTest, EveryRouteRefusesTheWrongCaller) {
  std::string owner = Token("owner@x.org", work::Role::kManager);
  std::string expert = Token("e@x.org", work::Role::kExpert);
  std::string project = CreateProject(owner, 1);
  AddMember(owner, project, "e@x.org", "expert");
  Call(owner, "POST", "/api/v1/projects/" + project + "/items",
       R"([{"id":"i1","data":{"prompt":"p","responses":[{"id":"a","content":"x"},{"id":"b","content":"y"}]}}])");
  json l = Body(Call(expert, "POST", "/api/v1/projects/" + project + "/leases"));
  std::string aid = l["assignment_id"];
  json submit = {{"lease_token", l["lease_token"]}, {"client_submission_id", "c"},
                 {"answer", {{"preference", {{"choice", "tie"}}}}}, {"active_ms", 1}};
  json submitted = Body(Call(expert, "POST", "/api/v1/assignments/" + aid + "/submit", submit.dump()));
  std::string sid = submitted["submission"]["id"];
  std::string item = submitted["submission"]["item_id"];
  ASSERT_FALSE(sid.empty());
  auto env_session = Call(owner, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"0"})");
  ASSERT_EQ(env_session.status, 201) << env_session.body;
  const std::string session_id = Body(env_session)["id"];

  std::string stranger_manager = Token("other@x.org", work::Role::kManager);
  std::string stranger_expert = Token("e2@x.org", work::Role::kExpert);
  int checked = 0;
  for (const Route& r : Routes()) {
    if (r.gate == Gate::kPublic) continue;
    std::string path(r.path);
    auto fill = [&](const std::string& name, const std::string& value) {
      size_t at = path.find("{" + name + "}");
      if (at != std::string::npos) path.replace(at, name.size() + 2, value);
    };
    fill("project_id", project);
    fill("assignment_id", aid);
    fill("submission_id", sid);
    fill("item_id", item);
    fill("session_id", session_id);
    fill("suite", "tau2-retail");  // suites are shared: not an object anyone owns
    ASSERT_EQ(path.find('{'), std::string::npos) << "no fixture for a parameter of " << r.path;
    // A well-formed body, so only the caller's right to the object can make the call fail.
    const std::string body =
        r.method == "GET" || r.method == "DELETE" ? ""
        : r.method == "PATCH" ? R"({"name":"taken over"})"
        : r.path.find("/submit") != std::string_view::npos
            ? json({{"lease_token", l["lease_token"]}, {"client_submission_id", "c9"},
                    {"answer", {{"preference", {{"choice", "a"}}}}}, {"active_ms", 1}})
                  .dump()
            : json({{"email", "e2@x.org"}, {"role", "expert"}, {"lease_token", l["lease_token"]},
                    {"client_submission_id", "c9"}, {"answer", {{"preference", {{"choice", "a"}}}}},
                    {"active_ms", 1}, {"verdict", "approve"}, {"reason", "fine"}})
                  .dump();
    auto anon = Call("", std::string(r.method), path, body);
    EXPECT_EQ(anon.status, 401) << r.method << " " << r.path;
    bool object_route = false;
    for (const char* owned : {"{project_id}", "{assignment_id}", "{submission_id}", "{session_id}"}) {
      object_route = object_route || r.path.find(owned) != std::string_view::npos;
    }
    if (!object_route) continue;  // routes on the caller's own data have no one else's object
    for (const std::string& stranger : {stranger_manager, stranger_expert}) {
      auto res = Call(stranger, std::string(r.method), path, body);
      EXPECT_TRUE(res.status == 404 || res.status == 403)
          << r.method << " " << r.path << " answered " << res.status << " " << res.body;
      EXPECT_TRUE(Body(res)["error"].is_object()) << res.body;
    }
    ++checked;
  }
  EXPECT_GE(checked, 24);
  // The strangers' calls (DELETE included) left the owner's session as it was.
  auto still = Call(owner, "GET", "/api/v1/env/sessions/" + session_id);
  ASSERT_EQ(still.status, 200) << still.body;
  EXPECT_EQ(Body(still)["steps"], 0);
}

TEST_F(ApiTest, ReviewQueueOldestFirstWithItemsAndManagersSeeWhoSubmitted) {
  std::string manager = Token("m@x.org", work::Role::kManager);
  std::string reviewer = Token("r@x.org", work::Role::kReviewer);
  std::string expert = Token("e@x.org", work::Role::kExpert);
  std::string project = CreateProject(manager, 1);
  AddMember(manager, project, "r@x.org", "reviewer");
  AddMember(manager, project, "e@x.org", "expert");
  std::string items;
  for (int i = 1; i <= 3; ++i) {
    items += R"({"id":"q)" + std::to_string(i) + R"(","data":{"prompt":"p)" + std::to_string(i) +
             R"(","responses":[{"id":"a","content":"x"},{"id":"b","content":"y"}]}})" "\n";
  }
  ASSERT_EQ(Call(manager, "POST", "/api/v1/projects/" + project + "/items", items, "application/x-ndjson").status, 200);
  std::vector<std::string> order;  // submission ids in the order the expert submitted
  for (int i = 0; i < 3; ++i) {
    json l = Body(Call(expert, "POST", "/api/v1/projects/" + project + "/leases"));
    json submit = {{"lease_token", l["lease_token"]}, {"client_submission_id", "c" + std::to_string(i)},
                   {"answer", {{"preference", {{"choice", "a"}}}}}, {"active_ms", 1}};
    clock_.Advance(1000000);
    order.push_back(Body(Call(expert, "POST", "/api/v1/assignments/" + std::string(l["assignment_id"]) + "/submit",
                              submit.dump()))["submission"]["id"]);
  }
  const std::string list = "/api/v1/projects/" + project + "/submissions?state=pending";
  // Oldest first, paged with the cursor, for the review queue.
  json first = Body(Call(reviewer, "GET", list + "&order=asc&limit=2"));
  ASSERT_EQ(first["submissions"].size(), 2u) << first.dump();
  EXPECT_EQ(first["submissions"][0]["id"], order[0]);
  EXPECT_EQ(first["submissions"][1]["id"], order[1]);
  json rest = Body(Call(reviewer, "GET", list + "&order=asc&limit=2&cursor=" + std::string(first["next_cursor"])));
  ASSERT_EQ(rest["submissions"].size(), 1u);
  EXPECT_EQ(rest["submissions"][0]["id"], order[2]);
  EXPECT_EQ(Body(Call(reviewer, "GET", list))["submissions"][0]["id"], order[2]);  // default: newest first
  EXPECT_EQ(Call(reviewer, "GET", list + "&order=sideways").status, 400);
  // Reviewers judge blind; managers see who submitted which item.
  EXPECT_FALSE(first["submissions"][0].contains("expert")) << first.dump();
  json m = Body(Call(manager, "GET", list + "&order=asc"))["submissions"][0];
  EXPECT_EQ(m["expert"]["email"], "e@x.org") << m.dump();
  EXPECT_EQ(m["item_external_id"], "q1") << m.dump();
  // The item behind a submission, for what was judged.
  const std::string item_path = "/api/v1/items/" + std::string(m["item_id"]);
  for (const std::string& who : {manager, reviewer}) {
    json it = Body(Call(who, "GET", item_path));
    EXPECT_EQ(it["data"]["prompt"], "p1") << it.dump();
    EXPECT_EQ(it["external_id"], "q1");
  }
  EXPECT_EQ(Call(expert, "GET", item_path).status, 404);
  EXPECT_EQ(Call(manager, "GET", "/api/v1/items/nope").status, 404);
  json of_item = Body(Call(manager, "GET", list + "&item_id=" + std::string(m["item_id"])))["submissions"];
  ASSERT_EQ(of_item.size(), 1u);
  EXPECT_EQ(of_item[0]["id"], order[0]);
  // Members, for the project's managers.
  json members = Body(Call(manager, "GET", "/api/v1/projects/" + project + "/members"))["members"];
  std::map<std::string, std::string> role_of;
  for (const json& mem : members) role_of[mem["email"]] = mem["role"];
  EXPECT_EQ(role_of, (std::map<std::string, std::string>{
                         {"m@x.org", "manager"}, {"r@x.org", "reviewer"}, {"e@x.org", "expert"}}));
  EXPECT_EQ(Call(expert, "GET", "/api/v1/projects/" + project + "/members").status, 403);
}

TEST_F(ApiTest, OpenApiListsEveryRoute) {
  auto r = Call("", "GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = Body(r);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const Route& route : Routes()) {
    std::string m(route.method);
    for (char& c : m) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(doc["paths"][std::string(route.path)].contains(m)) << route.method << " " << route.path;
  }
}

TEST_F(ApiTest, CookieSessionsAndOriginCheck) {
  std::string admin = Token("admin@x.org", work::Role::kAdmin);
  auto created = Call(admin, "POST", "/api/v1/users",
                      R"({"email":"pat@x.org","password":"correct horse battery","role":"manager"})");
  ASSERT_EQ(created.status, 201) << created.body;
  http::Client c("127.0.0.1", port_);
  auto bad = c.Send("POST", "/api/v1/auth/login", R"({"email":"pat@x.org","password":"nope nope"})",
                    {{"Content-Type", "application/json"}});
  auto unknown = c.Send("POST", "/api/v1/auth/login", R"({"email":"who@x.org","password":"nope nope"})",
                        {{"Content-Type", "application/json"}});
  ASSERT_TRUE(bad && unknown);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(bad->body, unknown->body);
  auto ok = c.Send("POST", "/api/v1/auth/login",
                   R"({"email":"pat@x.org","password":"correct horse battery"})",
                   {{"Content-Type", "application/json"}});
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200) << ok->body;
  std::string set_cookie(ok->GetHeader("set-cookie"));
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto me = c.Send("GET", "/api/v1/me", "", {{"Cookie", cookie}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  json p = {{"name", "x"}, {"template", json::parse(kTemplate)}, {"overlap", 1}, {"lease_seconds", 60}};
  auto cross = c.Send("POST", "/api/v1/projects", p.dump(),
                      {{"Cookie", cookie}, {"Content-Type", "application/json"},
                       {"Origin", "http://evil.example"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  auto same = c.Send("POST", "/api/v1/projects", p.dump(),
                     {{"Cookie", cookie}, {"Content-Type", "application/json"},
                      {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 201) << same->body;
}

TEST_F(ApiTest, HealthAndMetrics) {
  EXPECT_EQ(Call("", "GET", "/healthz").body, R"({"status":"ok"})");
  auto m = Call("", "GET", "/metrics");
  EXPECT_NE(m.body.find("assay_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"),
            std::string::npos) << m.body;
  // SetUp's migration was one write transaction: its latency is in the histogram.
  EXPECT_NE(m.body.find("assay_db_seconds_bucket{driver=\"sqlite\",op=\"write\",le=\"+Inf\"} "), std::string::npos)
      << m.body;
  EXPECT_EQ(m.body.find("assay_db_seconds_count{driver=\"sqlite\",op=\"write\"} 0\n"), std::string::npos) << m.body;
}

// /mcp: the transport rules the SDK client does not exercise (tests/mcp drives the happy paths).
http::ClientResponse McpSend(uint16_t port, const std::string& method, const std::string& target,
                             const std::string& body, std::vector<http::Header> headers) {
  http::Client c("127.0.0.1", port);
  if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
  auto r = c.Send(method, target, body, headers);
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? *r : http::ClientResponse{};
}

const char* kInit = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})";
const char* kPing = R"({"jsonrpc":"2.0","id":2,"method":"ping"})";

TEST_F(ApiTest, McpSessionsNeedATokenAndBelongToIt) {
  const std::string alice = "Bearer " + Token("alice@x.org", work::Role::kExpert);
  const std::string bob = "Bearer " + Token("bob@x.org", work::Role::kExpert);
  auto anon = McpSend(port_, "POST", "/mcp?task=0", kInit, {});
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(anon.GetHeader("www-authenticate"), "Bearer");
  EXPECT_EQ(Body(anon)["error"]["code"], -32000);

  auto no_task = McpSend(port_, "POST", "/mcp", kInit, {{"Authorization", alice}});
  EXPECT_EQ(no_task.status, 400);
  EXPECT_NE(Body(no_task)["error"]["message"].get<std::string>().find("task="), std::string::npos);

  auto init = McpSend(port_, "POST", "/mcp?suite=tau2-retail&task=0", kInit, {{"Authorization", alice}});
  ASSERT_EQ(init.status, 200) << init.body;
  EXPECT_EQ(Body(init)["result"]["protocolVersion"], "2025-11-25");
  const std::string sid(init.GetHeader("mcp-session-id"));
  ASSERT_EQ(sid.size(), 24u);  // an env session id: 18 random bytes, base64url

  auto note = McpSend(port_, "POST", "/mcp", R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                      {{"Authorization", alice}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(note.status, 202);
  EXPECT_EQ(note.body, "");
  auto list = McpSend(port_, "POST", "/mcp", R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})",
                      {{"Authorization", alice}, {"Mcp-Session-Id", sid}, {"MCP-Protocol-Version", "2025-11-25"}});
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(Body(list)["result"]["tools"].size(), 16u);

  EXPECT_EQ(McpSend(port_, "POST", "/mcp", kPing, {{"Authorization", bob}, {"Mcp-Session-Id", sid}}).status, 404);
  EXPECT_EQ(McpSend(port_, "DELETE", "/mcp", "", {{"Authorization", bob}, {"Mcp-Session-Id", sid}}).status, 404);
  auto missing = McpSend(port_, "POST", "/mcp", kPing, {{"Authorization", alice}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(McpSend(port_, "DELETE", "/mcp", "", {{"Authorization", alice}, {"Mcp-Session-Id", sid}}).status, 200);
  EXPECT_EQ(McpSend(port_, "POST", "/mcp", kPing, {{"Authorization", alice}, {"Mcp-Session-Id", sid}}).status, 404);

  // MCP sessions count against the env store's per-user cap: alice's fifth waits for one to
  // end or expire (429); bob, under his own cap, is not held up by her.
  for (size_t i = 0; i < kEnvSessionsPerUser; ++i) {
    EXPECT_EQ(McpSend(port_, "POST", "/mcp?task=1", kInit, {{"Authorization", alice}}).status, 200);
  }
  auto capped = McpSend(port_, "POST", "/mcp?task=1", kInit, {{"Authorization", alice}});
  EXPECT_EQ(capped.status, 429);
  EXPECT_NE(Body(capped)["error"]["message"].get<std::string>().find("delete one"), std::string::npos);
  EXPECT_EQ(McpSend(port_, "POST", "/mcp?task=1", kInit, {{"Authorization", bob}}).status, 200);
  clock_.Advance(61 * 60 * base::kMicrosPerSecond);  // the store's idle expiry is an hour
  EXPECT_EQ(McpSend(port_, "POST", "/mcp?task=1", kInit, {{"Authorization", alice}}).status, 200);
}

TEST_F(ApiTest, McpRefusesForeignOriginsAndMalformedRequests) {
  const std::string alice = "Bearer " + Token("alice@x.org", work::Role::kExpert);
  auto rebound = McpSend(port_, "POST", "/mcp?task=0", kInit,
                         {{"Authorization", alice}, {"Host", "evil.example"}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(rebound.status, 403);
  auto foreign = McpSend(port_, "POST", "/mcp?task=0", kInit, {{"Authorization", alice}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  auto local = McpSend(port_, "POST", "/mcp?task=0", kInit, {{"Authorization", alice}, {"Origin", "http://localhost:5173"}});
  EXPECT_EQ(local.status, 200);

  auto get = McpSend(port_, "GET", "/mcp", "", {{"Authorization", alice}, {"Accept", "text/event-stream"}});
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.GetHeader("allow"), "POST, DELETE");
  EXPECT_EQ(McpSend(port_, "POST", "/mcp?task=0", kInit, {{"Authorization", alice}, {"Accept", "text/html"}}).status, 406);
  auto version = McpSend(port_, "POST", "/mcp?task=0", kInit, {{"Authorization", alice}, {"MCP-Protocol-Version", "1999-01-01"}});
  EXPECT_EQ(version.status, 400);
  auto parse = McpSend(port_, "POST", "/mcp?task=0", "{", {{"Authorization", alice}});
  EXPECT_EQ(parse.status, 400);
  EXPECT_EQ(Body(parse)["error"]["code"], -32700);
  const std::string sid(local.GetHeader("mcp-session-id"));
  auto batch = McpSend(port_, "POST", "/mcp", std::string("[") + kPing + "]", {{"Authorization", alice}, {"Mcp-Session-Id", sid}});
  EXPECT_EQ(batch.status, 400);
  EXPECT_EQ(Body(batch)["error"]["code"], -32600);
  // A failed initialize opens no session.
  auto bad_init = McpSend(port_, "POST", "/mcp?task=0", R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})",
                          {{"Authorization", alice}});
  EXPECT_EQ(bad_init.status, 200);
  EXPECT_EQ(Body(bad_init)["error"]["code"], -32602);
  EXPECT_EQ(bad_init.GetHeader("mcp-session-id"), "");
  auto listed = Call(alice.substr(7), "GET", "/api/v1/env/sessions");
  ASSERT_EQ(Body(listed)["sessions"].size(), 1u) << listed.body;
  EXPECT_EQ(Body(listed)["sessions"][0]["id"], sid);
}

// An MCP session is an env session of the token's user: the HTTP env API lists it and reads
// what the agent did over MCP; ending it there ends it for the MCP client too.
TEST_F(ApiTest, McpSessionIsTheUsersEnvSession) {
  const std::string alice_token = Token("alice@x.org", work::Role::kExpert);
  const std::string bob_token = Token("bob@x.org", work::Role::kExpert);
  const std::string alice = "Bearer " + alice_token;
  auto init = McpSend(port_, "POST", "/mcp?suite=tau2-retail&task=0", kInit, {{"Authorization", alice}});
  ASSERT_EQ(init.status, 200) << init.body;
  const std::string sid(init.GetHeader("mcp-session-id"));
  const json exchange = {
      {"jsonrpc", "2.0"}, {"id", 5}, {"method", "tools/call"},
      {"params", {{"name", "get_order_details"}, {"arguments", {{"order_id", "#W2378156"}}}}}};
  auto called = McpSend(port_, "POST", "/mcp", exchange.dump(), {{"Authorization", alice}, {"Mcp-Session-Id", sid}});
  ASSERT_EQ(called.status, 200) << called.body;
  EXPECT_EQ(Body(called)["result"]["isError"], false);

  auto listed = Call(alice_token, "GET", "/api/v1/env/sessions");
  ASSERT_EQ(Body(listed)["sessions"].size(), 1u) << listed.body;
  EXPECT_EQ(Body(listed)["sessions"][0]["id"], sid);
  EXPECT_EQ(Body(listed)["sessions"][0]["task"], "0");
  auto raw = Call(alice_token, "GET", "/api/v1/env/sessions/" + sid + "/trajectory?format=raw");
  ASSERT_EQ(raw.status, 200) << raw.body;
  ASSERT_EQ(Body(raw)["steps"].size(), 1u);
  EXPECT_EQ(Body(raw)["steps"][0]["name"], "get_order_details");
  EXPECT_EQ(Body(raw)["steps"][0]["actor"], "agent");
  auto check = Call(alice_token, "POST", "/api/v1/env/sessions/" + sid + "/check");
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(Body(check)["passed"], false);  // a read alone does not do the task
  EXPECT_EQ(Call(bob_token, "GET", "/api/v1/env/sessions/" + sid).status, 404);
  EXPECT_EQ(Body(Call(bob_token, "GET", "/api/v1/env/sessions"))["sessions"].size(), 0u);

  // A session opened over the env API has no MCP state: /mcp does not know it.
  auto plain = Call(alice_token, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"0"})");
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(McpSend(port_, "POST", "/mcp", kPing, {{"Authorization", alice}, {"Mcp-Session-Id", Body(plain)["id"]}}).status, 404);
  EXPECT_EQ(McpSend(port_, "DELETE", "/mcp", "", {{"Authorization", alice}, {"Mcp-Session-Id", Body(plain)["id"]}}).status, 404);
  EXPECT_EQ(Call(alice_token, "GET", "/api/v1/env/sessions/" + Body(plain)["id"].get<std::string>()).status, 200);

  EXPECT_EQ(Call(alice_token, "DELETE", "/api/v1/env/sessions/" + sid).status, 204);
  EXPECT_EQ(McpSend(port_, "POST", "/mcp", kPing, {{"Authorization", alice}, {"Mcp-Session-Id", sid}}).status, 404);
}

// Every suite is served, the workplace ones (no data dir) included.
TEST_F(ApiTest, McpServesWorkplaceSuites) {
  const std::string alice = "Bearer " + Token("alice@x.org", work::Role::kExpert);
  for (const char* url : {"/mcp?suite=mail&task=mail-star-invoice", "/mcp?suite=workplace&task=mail-star-invoice"}) {
    auto init = McpSend(port_, "POST", url, kInit, {{"Authorization", alice}});
    ASSERT_EQ(init.status, 200) << url << " " << init.body;
    EXPECT_NE(Body(init)["result"]["instructions"].get<std::string>().find("mail-star-invoice"), std::string::npos);
    auto list = McpSend(port_, "POST", "/mcp", R"({"jsonrpc":"2.0","id":3,"method":"tools/list"})",
                        {{"Authorization", alice}, {"Mcp-Session-Id", std::string(init.GetHeader("mcp-session-id"))}});
    ASSERT_EQ(list.status, 200) << list.body;
    env::ToolRegistry workplace;
    ASSERT_TRUE(env::apps::RegisterWorkplaceTools(workplace));
    EXPECT_EQ(Body(list)["result"]["tools"].size(), workplace.size());
  }
}

// --- environments ---------------------------------------------------------------------------------

class EnvApiTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    agent_ = Token("agent@x.org", work::Role::kExpert);
  }
  std::string Session(const std::string& token, const std::string& body) {
    auto r = Call(token, "POST", "/api/v1/env/sessions", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r).value("id", "");
  }
  std::string Path(const std::string& id, const std::string& rest = "") {
    return "/api/v1/env/sessions/" + id + rest;
  }
  static const env::Suite& Tau2() {
    static const std::unique_ptr<env::Suite> suite = [] {
      auto s = env::LoadSuite("tau2-retail", kTau2Dir);
      EXPECT_TRUE(s) << s.error().ToString();
      return std::move(*s);
    }();
    return *suite;
  }
  static const env::Task& Tau2Task0() { return *Tau2().FindTask("0"); }
  std::string agent_;
};

// The reference actions of tau2 retail task 0, sent one call at a time over HTTP, score 1.0;
// the diff, trajectory and state say what happened.
TEST_F(EnvApiTest, ReferenceActionsOverHttpPassTheCheck) {
  auto suites = Call(agent_, "GET", "/api/v1/env/suites");
  ASSERT_EQ(suites.status, 200) << suites.body;
  bool listed = false;
  const json suite_list = Body(suites)["suites"];
  for (const json& s : suite_list) {
    if (s["name"] == "tau2-retail") {
      listed = true;
      EXPECT_EQ(s["tasks"], 114);
      EXPECT_EQ(s["tools"], 16);
    }
  }
  EXPECT_TRUE(listed) << suites.body;
  auto tasks = Call(agent_, "GET", "/api/v1/env/suites/tau2-retail/tasks");
  ASSERT_EQ(tasks.status, 200);
  EXPECT_EQ(Body(tasks)["tasks"][0]["id"], "0");
  EXPECT_FALSE(Body(tasks)["tasks"][0]["instruction"].get<std::string>().empty());

  auto created = Call(agent_, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"0"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Body(created)["id"];
  EXPECT_GE(id.size(), 20u);  // unguessable: 18 random bytes
  EXPECT_EQ(Body(created)["tools"], 16);
  const std::string initial_hash = Body(created)["state_hash"];

  auto tools = Call(agent_, "GET", Path(id, "/tools"));
  ASSERT_EQ(tools.status, 200);
  ASSERT_EQ(Body(tools)["tools"].size(), 16u);
  EXPECT_EQ(Body(tools)["tools"][0]["type"], "function");
  auto mcp = Call(agent_, "GET", Path(id, "/tools?format=mcp"));
  EXPECT_TRUE(Body(mcp)["tools"][0].contains("inputSchema")) << mcp.body;

  // Before any call the check fails: the exchange has not been made.
  EXPECT_LT(Body(Call(agent_, "POST", Path(id, "/check")))["score"].get<double>(), 1.0);

  const env::Task& task = Tau2Task0();
  ASSERT_GE(task.reference_actions.size(), 3u);
  std::string last_hash;
  for (const env::Action& a : task.reference_actions) {
    json body = {{"name", a.name}, {"arguments", json::parse(a.arguments_json)}};
    auto r = Call(agent_, "POST", Path(id, "/call"), body.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(Body(r)["is_error"].get<bool>()) << a.name << ": " << r.body;
    EXPECT_EQ(Body(r)["actor"], "agent");  // bearer token: an agent
    last_hash = Body(r)["state_hash"];
  }
  EXPECT_NE(last_hash, initial_hash);
  // The hash each call reports is the one a replay of the same calls reaches.
  base::FakeClock replay_clock;
  EXPECT_EQ(last_hash, env::Replay(Tau2().tools, task.initial, task.reference_actions, replay_clock, 1)
                           .world()
                           .Hash());

  auto check = Call(agent_, "POST", Path(id, "/check"));
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(Body(check)["score"], 1.0) << check.body;
  EXPECT_TRUE(Body(check)["passed"].get<bool>());
  EXPECT_EQ(Body(check)["task"], "0");

  auto diff = Call(agent_, "GET", Path(id, "/diff"));
  ASSERT_EQ(diff.status, 200);
  ASSERT_GT(Body(diff)["count"].get<int>(), 0);
  const json changes = Body(diff)["changes"];
  for (const json& c : changes) {
    EXPECT_EQ(c["path"].get<std::string>().rfind("/retail/", 0), 0u) << c.dump();
  }
  EXPECT_NE(diff.body.find("#W2378156"), std::string::npos);  // the exchanged order

  auto traj = Call(agent_, "GET", Path(id, "/trajectory"));
  ASSERT_EQ(traj.status, 200);
  const json messages = Body(traj)["messages"];
  ASSERT_EQ(messages.size(), 2 * task.reference_actions.size());
  EXPECT_EQ(messages[0]["role"], "assistant");
  EXPECT_EQ(messages[0]["tool_calls"][0]["function"]["name"], task.reference_actions[0].name);
  EXPECT_EQ(messages[1]["role"], "tool");
  auto raw = Call(agent_, "GET", Path(id, "/trajectory?format=raw"));
  EXPECT_EQ(Body(raw)["steps"].size(), task.reference_actions.size());
  EXPECT_EQ(Body(raw)["steps"][0]["actor"], "agent");

  auto state = Call(agent_, "GET", Path(id, "/state?app=retail"));
  ASSERT_EQ(state.status, 200);
  EXPECT_TRUE(Body(state)["state"]["orders"].contains("#W2378156"));
  auto whole = Call(agent_, "GET", Path(id, "/state"));
  EXPECT_EQ(Body(whole)["state_hash"], last_hash);
  EXPECT_EQ(Call(agent_, "GET", Path(id, "/state?app=nope")).status, 404);

  auto mine = Call(agent_, "GET", "/api/v1/env/sessions");
  ASSERT_EQ(Body(mine)["sessions"].size(), 1u);
  EXPECT_EQ(Body(mine)["sessions"][0]["id"], id);
  EXPECT_EQ(Call(agent_, "DELETE", Path(id)).status, 204);
  EXPECT_EQ(Call(agent_, "GET", Path(id)).status, 404);
  EXPECT_EQ(Body(Call(agent_, "GET", "/api/v1/env/sessions"))["sessions"].size(), 0u);
}

TEST_F(EnvApiTest, ForkIsIndependentOfItsOrigin) {
  const std::string id = Session(agent_, R"({"suite":"tau2-retail","task":"0"})");
  const env::Task& task = Tau2Task0();
  auto first = json({{"name", task.reference_actions[0].name},
                     {"arguments", json::parse(task.reference_actions[0].arguments_json)}});
  ASSERT_EQ(Call(agent_, "POST", Path(id, "/call"), first.dump()).status, 200);
  auto forked = Call(agent_, "POST", Path(id, "/fork"));
  ASSERT_EQ(forked.status, 201) << forked.body;
  const std::string fork = Body(forked)["id"];
  EXPECT_NE(fork, id);
  EXPECT_EQ(Body(forked)["forked_from"], id);
  EXPECT_EQ(Body(forked)["steps"], 1);  // the trajectory so far comes along

  // The fork finishes the task; the origin stays where it was.
  for (size_t i = 1; i < task.reference_actions.size(); ++i) {
    json body = {{"name", task.reference_actions[i].name},
                 {"arguments", json::parse(task.reference_actions[i].arguments_json)}};
    ASSERT_EQ(Call(agent_, "POST", Path(fork, "/call"), body.dump()).status, 200);
  }
  EXPECT_EQ(Body(Call(agent_, "POST", Path(fork, "/check")))["score"], 1.0);
  auto origin_check = Body(Call(agent_, "POST", Path(id, "/check")));
  EXPECT_LT(origin_check["score"].get<double>(), 1.0) << origin_check.dump();
  EXPECT_EQ(Body(Call(agent_, "GET", Path(id, "/diff")))["count"], 0);  // the first call only read
  EXPECT_GT(Body(Call(agent_, "GET", Path(fork, "/diff")))["count"].get<int>(), 0);
  EXPECT_EQ(Body(Call(agent_, "GET", Path(id)))["steps"], 1);
  EXPECT_EQ(Body(Call(agent_, "GET", Path(fork)))["steps"], task.reference_actions.size());
  EXPECT_NE(Body(Call(agent_, "GET", Path(id)))["state_hash"],
            Body(Call(agent_, "GET", Path(fork)))["state_hash"]);
}

TEST_F(EnvApiTest, OthersSessionsAreInvisible) {
  const std::string id = Session(agent_, R"({"suite":"tau2-retail","task":"0"})");
  std::string other = Token("other@x.org", work::Role::kManager);
  for (const std::string rest : {"", "/state", "/diff", "/trajectory", "/tools"}) {
    auto r = Call(other, "GET", Path(id, rest));
    EXPECT_EQ(r.status, 404) << rest;
    EXPECT_EQ(Body(r)["error"]["code"], "not_found");
  }
  EXPECT_EQ(Call(other, "POST", Path(id, "/call"), R"({"name":"calculate","arguments":{"expression":"1+1"}})").status, 404);
  EXPECT_EQ(Call(other, "DELETE", Path(id)).status, 404);
  EXPECT_EQ(Body(Call(other, "GET", "/api/v1/env/sessions"))["sessions"].size(), 0u);
  EXPECT_EQ(Call("", "GET", Path(id)).status, 401);
  EXPECT_EQ(Call(agent_, "GET", Path(id)).status, 200);  // still there for its owner
}

TEST_F(EnvApiTest, BadRequestsGetClearErrors) {
  EXPECT_EQ(Call(agent_, "POST", "/api/v1/env/sessions", "{\"suite\": ").status, 400);
  auto no_suite = Call(agent_, "POST", "/api/v1/env/sessions", R"({"suite":"nope","task":"0"})");
  EXPECT_EQ(no_suite.status, 404);
  EXPECT_NE(Body(no_suite)["error"]["message"].get<std::string>().find("tau2-retail"), std::string::npos)
      << "names the known suites: " << no_suite.body;
  EXPECT_EQ(Call(agent_, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"no-such"})").status, 404);
  EXPECT_EQ(Call(agent_, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail"})").status, 400);
  EXPECT_EQ(Call(agent_, "GET", "/api/v1/env/suites/nope/tasks").status, 404);

  const std::string id = Session(agent_, R"({"suite":"tau2-retail","task":"0"})");
  auto unknown = Call(agent_, "POST", Path(id, "/call"), R"({"name":"launch_rockets","arguments":{}})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(Body(unknown)["error"]["details"]["tool"], "launch_rockets");
  EXPECT_EQ(Call(agent_, "POST", Path(id, "/call"), "{\"name\": ").status, 400);
  EXPECT_EQ(Call(agent_, "POST", Path(id, "/call"), R"({"arguments":{}})").status, 400);
  EXPECT_EQ(Call(agent_, "POST", Path(id, "/call"),
                 R"({"name":"calculate","arguments":{"expression":"1+1"},"actor":"robot"})").status, 400);
  // Schema violations and malformed argument text are results the model can read, and recorded.
  auto wrong_type = Call(agent_, "POST", Path(id, "/call"), R"({"name":"get_order_details","arguments":{"order_id":7}})");
  ASSERT_EQ(wrong_type.status, 200) << wrong_type.body;
  EXPECT_TRUE(Body(wrong_type)["is_error"].get<bool>());
  EXPECT_NE(Body(wrong_type)["content"].get<std::string>().find("order_id"), std::string::npos) << wrong_type.body;
  auto bad_text = Call(agent_, "POST", Path(id, "/call"), R"({"name":"calculate","arguments":"{\"expression\": "})");
  ASSERT_EQ(bad_text.status, 200);
  EXPECT_TRUE(Body(bad_text)["is_error"].get<bool>());
  auto ok_text = Call(agent_, "POST", Path(id, "/call"),
                      R"({"name":"calculate","arguments":"{\"expression\": \"2 * 21\"}","actor":"human"})");
  ASSERT_EQ(ok_text.status, 200);
  EXPECT_FALSE(Body(ok_text)["is_error"].get<bool>()) << ok_text.body;
  EXPECT_NE(Body(ok_text)["content"].get<std::string>().find("42"), std::string::npos) << ok_text.body;
  EXPECT_EQ(Body(ok_text)["actor"], "human");
  EXPECT_EQ(Body(Call(agent_, "GET", Path(id)))["steps"], 3);
  EXPECT_EQ(Call(agent_, "GET", Path(id, "/trajectory?format=xml")).status, 400);
  EXPECT_EQ(Call(agent_, "GET", "/api/v1/env/sessions/not-a-session").status, 404);
}

// In the browser (cookie) a call is a person's; the cookie's cross-origin rule holds here too.
TEST_F(EnvApiTest, CookieCallsAreRecordedAsHuman) {
  ASSERT_TRUE(service_->CreateUser(work::Caller::System(), "pat@x.org", "correct horse battery",
                                   work::Role::kExpert, "Pat"));
  auto login = service_->Login("pat@x.org", "correct horse battery", "127.0.0.1");
  ASSERT_TRUE(login) << login.error().ToString();
  const std::string cookie = std::string(kSessionCookie) + "=" + login->token;
  http::Client c("127.0.0.1", port_);
  const std::vector<http::Header> same_site = {{"Cookie", cookie},
                                               {"Content-Type", "application/json"},
                                               {"Sec-Fetch-Site", "same-origin"}};
  auto created = c.Send("POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"0"})", same_site);
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = Body(*created)["id"];
  const std::string call = R"({"name":"calculate","arguments":{"expression":"1 + 2"}})";
  auto by_hand = c.Send("POST", Path(id, "/call"), call, same_site);
  ASSERT_TRUE(by_hand);
  ASSERT_EQ(by_hand->status, 200) << by_hand->body;
  EXPECT_EQ(Body(*by_hand)["actor"], "human");
  auto cross = c.Send("POST", Path(id, "/call"), call,
                      {{"Cookie", cookie}, {"Content-Type", "application/json"}, {"Origin", "http://evil.example"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  auto raw = c.Send("GET", Path(id, "/trajectory?format=raw"), "", {{"Cookie", cookie}});
  ASSERT_TRUE(raw);
  ASSERT_EQ(Body(*raw)["steps"].size(), 1u);  // the refused call was not made
  EXPECT_EQ(Body(*raw)["steps"][0]["actor"], "human");
}

TEST_F(EnvApiTest, SessionOnAGivenWorld) {
  json world = {{"notes", {{"items", {{"n1", {{"text", "hello"}}}}}}}};
  auto created = Call(agent_, "POST", "/api/v1/env/sessions",
                      json({{"suite", "tau2-retail"}, {"world", world}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = Body(created)["id"];
  EXPECT_TRUE(Body(created)["task"].is_null());
  EXPECT_EQ(Body(created)["apps"], json::array({"notes"}));
  auto state = Call(agent_, "GET", Path(id, "/state?app=notes"));
  ASSERT_EQ(state.status, 200);
  EXPECT_EQ(Body(state)["state"], world["notes"]);
  auto check = Call(agent_, "POST", Path(id, "/check"));
  EXPECT_EQ(check.status, 422) << check.body;
  EXPECT_EQ(Call(agent_, "POST", "/api/v1/env/sessions",
                 R"({"suite":"tau2-retail","world":[1,2]})").status, 400);
  EXPECT_EQ(Call(agent_, "POST", "/api/v1/env/sessions",
                 R"({"suite":"tau2-retail","task":"0","world":{}})").status, 400);
}

TEST_F(EnvApiTest, SessionCapsAndIdleExpiry) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < kEnvSessionsPerUser; ++i) {
    ids.push_back(Session(agent_, R"({"suite":"tau2-retail","task":"1"})"));
  }
  auto over = Call(agent_, "POST", "/api/v1/env/sessions", R"({"suite":"tau2-retail","task":"1"})");
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_EQ(Body(over)["error"]["code"], "resource_exhausted");
  EXPECT_EQ(Call(agent_, "POST", Path(ids[0], "/fork")).status, 429);
  // Another user has their own allowance.
  std::string other = Token("other@x.org", work::Role::kExpert);
  Session(other, R"({"suite":"tau2-retail","task":"1"})");
  ASSERT_EQ(Call(agent_, "DELETE", Path(ids[0])).status, 204);
  Session(agent_, R"({"suite":"tau2-retail","task":"1"})");

  // Unused past the idle expiry (one hour by default), sessions are gone.
  clock_.Advance(2LL * 60 * 60 * base::kMicrosPerSecond);
  EXPECT_EQ(Call(agent_, "GET", Path(ids[1])).status, 404);
  EXPECT_EQ(Body(Call(agent_, "GET", "/api/v1/env/sessions"))["sessions"].size(), 0u);
}

}  // namespace
}  // namespace api
