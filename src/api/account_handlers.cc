// Account routes: sign-in and out, me, API tokens, password change, users. Adapt
// accounts::Service; no rules here.
#include <nlohmann/json.hpp>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/json.h"

namespace api {
namespace {

using base::Result;
using http::Response;
using nlohmann::json;

std::string CookieHeader(const Call& call, std::string_view name, std::string_view value, int64_t max_age_s) {
  std::string c = std::string(name) + "=" + std::string(value) +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_s);
  if (call.http.secure) c += "; Secure";
  return c;
}

json UserJson(const accounts::User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"role", accounts::RoleName(u.role)},
          {"created_at", base::FormatRfc3339(u.created_at_us)}};
}

json TokenJson(const accounts::ApiToken& t, int64_t now_us) {
  const bool expired = t.expires_at_us && *t.expires_at_us <= now_us;
  return {{"id", t.id},
          {"name", t.name},
          {"created_at", base::FormatRfc3339(t.created_at_us)},
          {"expires_at", t.expires_at_us ? json(base::FormatRfc3339(*t.expires_at_us)) : json(nullptr)},
          {"revoked_at", t.revoked_at_us ? json(base::FormatRfc3339(*t.revoked_at_us)) : json(nullptr)},
          {"state", t.revoked_at_us ? "revoked" : expired ? "expired" : "live"},
          {"scopes", accounts::ScopeNames(t.scopes)}};
}

json UserInfoJson(const accounts::UserInfo& u) {
  json out = UserJson(u.user);
  out["active"] = !u.deactivated_at_us.has_value();
  out["deactivated_at"] = u.deactivated_at_us ? json(base::FormatRfc3339(*u.deactivated_at_us)) : json(nullptr);
  out["has_password"] = u.has_password;
  return out;
}

// The body's "scopes": a list of names (docs/api.md, "Tokens"); absent: every scope.
Result<uint8_t> ScopesField(const json& j) {
  auto it = j.find("scopes");
  if (it == j.end() || it->is_null()) return uint8_t{accounts::kAllScopes};
  if (!it->is_array()) return base::Error::Invalid("scopes must be a list: read, work, manage").Detail("field", "scopes");
  std::vector<std::string> names;
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) {
      const std::string field = "scopes[" + std::to_string(i) + "]";
      return base::Error::Invalid(field + " must be a string").Detail("field", field);
    }
    names.push_back((*it)[i].get<std::string>());
  }
  return accounts::ParseScopes(names);
}

}  // namespace

Result<std::optional<int64_t>> TimeField(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_string()) {
    return base::Error::Invalid(std::string(key) + " must be an RFC 3339 time string").Detail("field", key);
  }
  Result<int64_t> t = base::ParseRfc3339(it->get<std::string>());
  if (!t) return base::Error::Invalid(std::string(key) + ": " + t.error().message()).Detail("field", key);
  return std::optional<int64_t>(*t);
}

Result<Response> Login(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string email, StringField(j, "email"));
  ASSAY_ASSIGN_OR_RETURN(std::string password, StringField(j, "password"));
  ASSAY_ASSIGN_OR_RETURN(accounts::SignIn s, d.accounts->Login({email, password, call.http.remote_address,
                                                                 CookieValue(call.http, kDeviceCookie)}));
  Response r = Response::Json(200, base::Dump(json{{"user", UserJson(s.session.user)}}));
  const int64_t max_age_s = (s.session.expires_at_us - d.clock->NowMicros()) / base::kMicrosPerSecond;
  r.headers.push_back({"Set-Cookie", CookieHeader(call, kSessionCookie, s.session.token, max_age_s)});
  if (s.new_device_token) {
    r.headers.push_back({"Set-Cookie", CookieHeader(call, kDeviceCookie, *s.new_device_token,
                                                    d.accounts->options().device_ttl_us / base::kMicrosPerSecond)});
  }
  return r;
}

Result<Response> Logout(Deps& d, const Call& call) {
  std::string_view token = SessionCookieValue(call.http);
  if (!token.empty()) ASSAY_TRY(d.accounts->Logout(token));
  Response r = Response::Empty(204);
  r.SetHeader("Set-Cookie", CookieHeader(call, kSessionCookie, "", 0));
  return r;
}

Result<Response> Me(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(accounts::User u, d.accounts->GetMe(*call.caller));
  return Response::Json(200, base::Dump(UserJson(u)));
}

Result<Response> CreateToken(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  accounts::TokenRequest req;
  ASSAY_ASSIGN_OR_RETURN(req.name, StringField(j, "name", false));
  ASSAY_ASSIGN_OR_RETURN(req.expires_at_us, TimeField(j, "expires_at"));
  ASSAY_ASSIGN_OR_RETURN(req.scopes, ScopesField(j));
  ASSAY_ASSIGN_OR_RETURN(accounts::NewToken t, d.accounts->CreateApiToken(*call.caller, req));
  json out = TokenJson(t.token, d.clock->NowMicros());
  out["token"] = t.secret;
  return Response::Json(201, base::Dump(out));
}

Result<Response> ListTokens(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(std::vector<accounts::ApiToken> tokens, d.accounts->ListApiTokens(*call.caller));
  json list = json::array();
  const int64_t now = d.clock->NowMicros();
  for (const accounts::ApiToken& t : tokens) list.push_back(TokenJson(t, now));
  return Response::Json(200, base::Dump(json{{"tokens", list}}));
}

Result<Response> RevokeToken(Deps& d, const Call& call) {
  ASSAY_TRY(d.accounts->RevokeApiToken(*call.caller, call.params.Get("token_id")));
  return Response::Empty(204);
}

Result<Response> ChangePassword(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string current, StringField(j, "current_password", false));
  ASSAY_ASSIGN_OR_RETURN(std::string next, StringField(j, "new_password"));
  // The browser that changed it stays signed in; every other session and every token ends.
  ASSAY_TRY(d.accounts->ChangePassword(*call.caller, current, next,
                                       call.via_cookie ? SessionCookieValue(call.http) : ""));
  return Response::Empty(204);
}

Result<Response> CreateUser(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string email, StringField(j, "email"));
  ASSAY_ASSIGN_OR_RETURN(std::string password, StringField(j, "password", false));
  ASSAY_ASSIGN_OR_RETURN(std::string role_name, StringField(j, "role"));
  ASSAY_ASSIGN_OR_RETURN(std::string name, StringField(j, "name", false));
  ASSAY_ASSIGN_OR_RETURN(accounts::Role role, accounts::ParseRole(role_name));
  ASSAY_ASSIGN_OR_RETURN(accounts::User u, d.accounts->CreateUser(*call.caller, email, password, role, name));
  return Response::Json(201, base::Dump(json{{"user", UserJson(u)}}));
}

Result<Response> UpdateUser(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "active") {
      return base::Error::Invalid(it.key() + " is not a field a user update takes").Detail("field", it.key());
    }
  }
  auto active = j.find("active");
  if (active == j.end() || !active->is_boolean()) {
    return base::Error::Invalid("active must be true or false").Detail("field", "active");
  }
  const std::string_view user_id = call.params.Get("user_id");
  ASSAY_TRY(d.accounts->SetActive(*call.caller, user_id, active->get<bool>()));
  ASSAY_ASSIGN_OR_RETURN(accounts::User u, d.accounts->GetUser(user_id));
  json out = UserJson(u);
  out["active"] = active->get<bool>();
  return Response::Json(200, base::Dump(out));
}

Result<Response> ListUsers(Deps& d, const Call& call) {
  accounts::UserFilter filter;
  filter.query = call.http.QueryParam("q").value_or("");
  filter.cursor = call.http.QueryParam("cursor").value_or("");
  filter.limit = LimitParam(call);
  std::string next;
  ASSAY_ASSIGN_OR_RETURN(std::vector<accounts::UserInfo> users, d.accounts->ListUsers(*call.caller, filter, &next));
  json list = json::array();
  for (const accounts::UserInfo& u : users) list.push_back(UserInfoJson(u));
  return Response::Json(200, base::Dump(json{{"users", list}, {"next_cursor", next.empty() ? json(nullptr) : json(next)}}));
}

Result<Response> IssuePasswordReset(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(accounts::ResetLink link,
                         d.accounts->IssuePasswordReset(*call.caller, call.params.Get("user_id")));
  // The secret goes in the page's fragment, which browsers never send to a server (or a log).
  return Response::Json(201, base::Dump(json{{"user", UserJson(link.user)},
                                             {"token", link.token},
                                             {"path", "/#/reset/" + link.token},
                                             {"expires_at", base::FormatRfc3339(link.expires_at_us)}}));
}

Result<Response> InspectPasswordReset(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string token, StringField(j, "token"));
  ASSAY_ASSIGN_OR_RETURN(accounts::ResetLink link, d.accounts->InspectPasswordReset(token));
  return Response::Json(200, base::Dump(json{{"email", link.user.email},
                                             {"name", link.user.name},
                                             {"expires_at", base::FormatRfc3339(link.expires_at_us)}}));
}

Result<Response> ResetPassword(Deps& d, const Call& call) {
  ASSAY_ASSIGN_OR_RETURN(json j, BodyObject(call));
  ASSAY_ASSIGN_OR_RETURN(std::string token, StringField(j, "token"));
  ASSAY_ASSIGN_OR_RETURN(std::string next, StringField(j, "new_password"));
  ASSAY_TRY(d.accounts->ResetPassword(token, next));
  return Response::Empty(204);
}

}  // namespace api
