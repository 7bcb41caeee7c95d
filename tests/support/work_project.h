// A project ready for the work loop, made through the HTTP API as a manager and her experts would
// make it: a text + choice template ("c": "x" | "y"), `items` items, and every expert invited and
// accepted as a member. For the system tests that drive a real `assay serve`. Header-only.
//
//   http::Client c("127.0.0.1", port);
//   test::WorkProject p = test::CreateWorkProject(c, manager_token, {.overlap = 2, .items = 500}, experts);
//   ASSERT_TRUE(p.error.empty()) << p.error;   // else p.id is the project
//   // an expert's submit body: {"lease_token": …, "client_submission_id": …, "answer": {"c": "x"}}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/client.h"

namespace test {

struct Expert {
  std::string email;
  std::string token;
};

struct WorkProjectFields {
  int overlap = 1;
  int items = 100;
  int lease_seconds = 600;
};

struct WorkProject {
  std::string id;
  std::string error;  // empty when every step succeeded: the step that failed and its answer
};

inline std::vector<http::Header> BearerJson(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

inline WorkProject CreateWorkProject(http::Client& c, const std::string& manager,
                                     const WorkProjectFields& fields, const std::vector<Expert>& experts) {
  using nlohmann::json;
  WorkProject p;
  auto failed = [&p](const std::string& step, const base::Result<http::ClientResponse>& r) {
    p.error = step + ": " + (r ? std::to_string(r->status) + " " + r->body : r.error().ToString());
    return p;
  };
  json project = {{"name", "work loop"},
                  {"overlap", fields.overlap},
                  {"lease_seconds", fields.lease_seconds},
                  {"template", json::parse(R"([{"type":"text","name":"t","source":"t"},
                    {"type":"choice","name":"c","options":["x","y"]}])")}};
  auto created = c.Send("POST", "/api/v1/projects", project.dump(), BearerJson(manager));
  if (!created || created->status != 201) return failed("create the project", created);
  p.id = json::parse(created->body)["id"];
  std::string items;
  for (int i = 0; i < fields.items; ++i) items += "{\"id\":\"i" + std::to_string(i) + "\",\"data\":{\"t\":\"x\"}}\n";
  auto imported = c.Send("POST", "/api/v1/projects/" + p.id + "/items", items,
                         {{"Authorization", "Bearer " + manager}, {"Content-Type", "application/x-ndjson"}});
  if (!imported || imported->status != 200) return failed("import the items", imported);
  for (const Expert& e : experts) {
    auto invited = c.Send("POST", "/api/v1/projects/" + p.id + "/members",
                          json({{"email", e.email}, {"role", "expert"}}).dump(), BearerJson(manager));
    if (!invited || invited->status != 202) return failed("invite " + e.email, invited);  // she accepts it
    auto mine = c.Send("GET", "/api/v1/me/invitations", "", BearerJson(e.token));
    if (!mine || mine->status != 200) return failed("list " + e.email + "'s invitations", mine);
    const std::string invitation = json::parse(mine->body)["invitations"][0]["id"];
    auto accepted = c.Send("POST", "/api/v1/invitations/" + invitation + "/accept", "", BearerJson(e.token));
    if (!accepted || accepted->status != 200) return failed(e.email + " accepts", accepted);
  }
  return p;
}

}  // namespace test
