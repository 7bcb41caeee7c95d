// Accounts on both drivers: sign-in and its limits (issue 11: counted before the hash, delays
// per account and address, nobody locked out by a stranger), sessions, tokens with expiry,
// list and revoke, password change and deactivation ending everything at once.
#include "accounts/service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/hash.h"
#include "base/uuid7.h"
#include "storage/migrations.h"
#include "storage/test_db.h"

namespace accounts {
namespace {

constexpr int64_t kSecond = base::kMicrosPerSecond;

class AccountsTest : public ::testing::TestWithParam<storage::Dialect> {
 protected:
  void SetUp() override {
    test_db_ = std::make_unique<storage::TestDb>(GetParam());
    auto db = test_db_->Open();
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(storage::Migrate(*db_, clock_).has_value());
    Options o;
    o.fast_password_hashing_for_tests = true;
    o.max_concurrent_password_hashes = 8;
    accounts_ = std::make_unique<Service>(*db_, clock_, ids_, o);
    auto m = accounts_->EnsureUser("manager@example.com", Role::kManager);
    ASSERT_TRUE(m);
    manager_ = {m->id, Role::kManager};
  }

  Caller MakeCaller(const std::string& email, Role role) {
    auto u = accounts_->EnsureUser(email, role);
    EXPECT_TRUE(u.has_value());
    return Caller{u->id, role};
  }
  User MakeUser(const std::string& email, const std::string& password) {
    auto u = accounts_->CreateUser(Caller::System(), email, password, Role::kExpert);
    EXPECT_TRUE(u.has_value()) << u.error().ToString();
    return *u;
  }
  base::Result<SignIn> Login(const std::string& email, const std::string& password, const std::string& address,
                             const std::string& device = "") {
    return accounts_->Login({email, password, address, device});
  }
  int64_t Count(const std::string& sql, const storage::Params& params = {}) {
    auto rows = db_->Query(sql, params);
    EXPECT_TRUE(rows.has_value());
    return rows->at(0).Int(0);
  }
  // The retry_after_s detail of a refusal.
  static int64_t RetryAfter(const base::Error& e) {
    for (const base::ErrorDetail& d : e.details()) {
      if (d.key == "retry_after_s") return std::stoll(d.json_value);
    }
    return -1;
  }

  std::unique_ptr<storage::TestDb> test_db_;
  base::FakeClock clock_;
  base::Uuid7Generator ids_{clock_, 42};
  std::unique_ptr<storage::Db> db_;
  std::unique_ptr<Service> accounts_;
  Caller manager_;
};

INSTANTIATE_TEST_SUITE_P(Drivers, AccountsTest, ASSAY_BOTH_DIALECTS,
                         storage::DialectTestName<::testing::TestParamInfo<storage::Dialect>>);

TEST_P(AccountsTest, LoginCreatesASessionThatLogoutEnds) {
  auto user = accounts_->CreateUser(Caller::System(), "Ada@Example.com", "correct horse", Role::kExpert, "Ada");
  ASSERT_TRUE(user.has_value()) << user.error().ToString();
  EXPECT_EQ(user->email, "ada@example.com");
  auto s = Login("ada@example.com", "correct horse", "10.0.0.1");
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_GE(s->session.token.size(), 43u);  // 256 bits, base64url
  ASSERT_TRUE(s->new_device_token.has_value());  // this browser is trusted from now on
  auto caller = accounts_->AuthenticateSession(s->session.token);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user_id, user->id);
  EXPECT_EQ(Count("SELECT count(*) FROM sessions WHERE token_hash = ?", {s->session.token}), 0);  // stored hashed
  clock_.Advance(15LL * 24 * 3600 * kSecond);
  EXPECT_FALSE(accounts_->AuthenticateSession(s->session.token).has_value());  // expired
  auto s2 = Login("ada@example.com", "correct horse", "10.0.0.1", *s->new_device_token);
  ASSERT_TRUE(s2.has_value());
  EXPECT_FALSE(s2->new_device_token.has_value());  // already trusted
  ASSERT_TRUE(accounts_->Logout(s2->session.token));
  EXPECT_FALSE(accounts_->AuthenticateSession(s2->session.token).has_value());
}

TEST_P(AccountsTest, UnknownEmailWrongPasswordAndDeactivatedAnswerAlike) {
  User bob = MakeUser("bob@example.com", "right password");
  auto unknown = Login("nobody@example.com", "whatever1", "1.1.1.1");
  auto wrong = Login("bob@example.com", "wrong password", "1.1.1.2");
  ASSERT_FALSE(unknown.has_value());
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(unknown.error().code(), base::ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().ToString(), wrong.error().ToString());
  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  ASSERT_TRUE(accounts_->SetActive(admin, bob.id, false));
  auto deactivated = Login("bob@example.com", "right password", "1.1.1.3");
  ASSERT_FALSE(deactivated.has_value());
  EXPECT_EQ(deactivated.error().ToString(), wrong.error().ToString());
}

// Issue 11, defect 3: 200 concurrent guesses against one account from one address. Each is
// counted before its hash runs, so only the pair's free failures are ever checked, however
// concurrent; every other one is refused unchecked.
TEST_P(AccountsTest, ConcurrentGuessesAreCountedBeforeAnyPasswordIsChecked) {
  MakeUser("target@example.com", "the right one");
  constexpr int kGuesses = 200;
  std::atomic<int> checked{0}, refused{0}, signed_in{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login("target@example.com", i == 150 ? "the right one" : "guess " + std::to_string(i), "7.7.7.7");
      if (r) ++signed_in;
      else if (r.error().code() == base::ErrorCode::kUnauthenticated) ++checked;
      else if (r.error().code() == base::ErrorCode::kResourceExhausted) ++refused;
      else ++other;
    });
  }
  for (auto& t : threads) t.join();
  const int limit = accounts_->options().login.free_failures_per_pair;
  EXPECT_EQ(other, 0);
  EXPECT_LE(checked + signed_in, limit) << "passwords checked: " << checked + signed_in;
  EXPECT_EQ(checked + signed_in + refused, kGuesses);
}

// Issue 11, defect 3, by address: 250 concurrent failures from one address over many accounts.
TEST_P(AccountsTest, ConcurrentFailuresFromOneAddressStopAtItsLimit) {
  constexpr int kAttempts = 250;
  std::atomic<int> checked{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login("user" + std::to_string(i) + "@example.com", "password!", "6.6.6.6");
      if (!r && r.error().code() == base::ErrorCode::kUnauthenticated) ++checked;
      if (!r && r.error().code() == base::ErrorCode::kResourceExhausted) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked, accounts_->options().login.failures_per_address);
  EXPECT_EQ(checked + refused, kAttempts);
  // Another address is not affected.
  EXPECT_EQ(Login("user1@example.com", "password!", "6.6.6.7").error().code(), base::ErrorCode::kUnauthenticated);
}

// Issue 11, defect 7: ten wrong passwords from a stranger's address never refuse the owner's
// right password from hers; the stranger's own address waits longer after each failure.
TEST_P(AccountsTest, AStrangerCannotLockTheOwnerOut) {
  MakeUser("owner@example.com", "owner's password");
  std::vector<int64_t> waits;
  for (int i = 0; i < 10; ++i) {
    auto r = Login("owner@example.com", "wrong", "66.6.6.6");
    ASSERT_FALSE(r.has_value());
    if (r.error().code() == base::ErrorCode::kResourceExhausted) {
      waits.push_back(RetryAfter(r.error()));
      clock_.Advance(RetryAfter(r.error()) * kSecond);  // the stranger waits as told, then tries again
      --i;
    }
  }
  // No wait for the first five failures, then 1, 2, 4, 8 s … (each refused attempt is not a guess).
  ASSERT_EQ(waits.size(), 5u);
  for (size_t k = 0; k < waits.size(); ++k) EXPECT_EQ(waits[k], int64_t{1} << k) << k;
  auto owner = Login("owner@example.com", "owner's password", "10.1.1.1");
  EXPECT_TRUE(owner.has_value()) << owner.error().ToString();
  // From the stranger's address even the right password waits (nothing is checked until then).
  auto from_there = Login("owner@example.com", "owner's password", "66.6.6.6");
  ASSERT_FALSE(from_there.has_value());
  EXPECT_EQ(from_there.error().code(), base::ErrorCode::kResourceExhausted);
  EXPECT_EQ(RetryAfter(from_there.error()), 32);  // ten failures: the next waits 2^5 s
  EXPECT_EQ(from_there.error().retry_after_s(), 32);  // and the API's Retry-After says so
  clock_.Advance(32 * kSecond);
  EXPECT_TRUE(Login("owner@example.com", "owner's password", "66.6.6.6").has_value());
  // A success starts the pair over: the next failure there costs no wait.
  auto next = Login("owner@example.com", "wrong", "66.6.6.6");
  EXPECT_EQ(next.error().code(), base::ErrorCode::kUnauthenticated);
}

// Issue 11, defect 7, by address: fifty failures from a shared proxy address refuse strangers
// there, but not a browser that signed in to its account before (judged by its own failures).
TEST_P(AccountsTest, ATrustedBrowserIsNotLockedOutByItsAddress) {
  MakeUser("regular@example.com", "regular's password");
  auto first = Login("regular@example.com", "regular's password", "10.0.0.99");
  ASSERT_TRUE(first.has_value() && first->new_device_token);
  for (int i = 0; i < 50; ++i) (void)Login("victim" + std::to_string(i) + "@example.com", "nope", "10.0.0.99");
  auto stranger = Login("regular@example.com", "regular's password", "10.0.0.99");
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code(), base::ErrorCode::kResourceExhausted);
  auto trusted = Login("regular@example.com", "regular's password", "10.0.0.99", *first->new_device_token);
  EXPECT_TRUE(trusted.has_value()) << trusted.error().ToString();
  // The device token is bound to its account: it does not help on another.
  MakeUser("other@example.com", "other's password");
  auto borrowed = Login("other@example.com", "other's password", "10.0.0.99", *first->new_device_token);
  EXPECT_EQ(borrowed.error().code(), base::ErrorCode::kResourceExhausted);
  // The address window passes.
  clock_.Advance(16LL * 60 * kSecond);
  EXPECT_TRUE(Login("other@example.com", "other's password", "10.0.0.99").has_value());
}

TEST_P(AccountsTest, ApiTokensAreStoredHashedAndExpire) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  auto token = accounts_->CreateApiToken(expert, {"script"});
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM api_tokens WHERE token_hash = ?", {token->secret}), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM api_tokens WHERE token_hash = ?", {base::Sha256Hex(token->secret)}), 1);
  ASSERT_TRUE(token->token.expires_at_us.has_value());
  EXPECT_EQ(*token->token.expires_at_us - clock_.NowMicros(), accounts_->options().token_default_ttl_us);
  auto caller = accounts_->AuthenticateBearer(token->secret);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->user_id, expert.user_id);
  EXPECT_EQ(caller->role, Role::kExpert);
  EXPECT_FALSE(accounts_->AuthenticateBearer(token->secret + "x").has_value());
  // A token of its own lifetime; past it, 401.
  auto hour = accounts_->CreateApiToken(expert, {"short", clock_.NowMicros() + 3600 * kSecond});
  ASSERT_TRUE(hour.has_value());
  clock_.Advance(3600 * kSecond);
  EXPECT_FALSE(accounts_->AuthenticateBearer(hour->secret).has_value());
  EXPECT_TRUE(accounts_->AuthenticateBearer(token->secret).has_value());
  // Bad lifetimes are refused, naming the field.
  for (int64_t at : std::vector<int64_t>{clock_.NowMicros() - 1, clock_.NowMicros() + 400LL * 24 * 3600 * kSecond}) {
    auto bad = accounts_->CreateApiToken(expert, {"bad", at});
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code(), base::ErrorCode::kInvalidArgument);
    EXPECT_NE(bad.error().DetailsJson().find("expires_at"), std::string::npos);
  }
}

// Issue 11, defect 9: list and revoke; revoke is final for that token only, and only its owner
// (or an admin) may.
TEST_P(AccountsTest, TokensAreListedAndRevokedByTheirOwner) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  Caller other = MakeCaller("o@example.com", Role::kExpert);
  auto a = accounts_->CreateApiToken(expert, {"a"});
  auto b = accounts_->CreateApiToken(expert, {"b"});
  ASSERT_TRUE(a && b);
  auto list = accounts_->ListApiTokens(expert);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "b");  // newest first
  auto foreign = accounts_->RevokeApiToken(other, a->token.id);
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code(), base::ErrorCode::kNotFound);
  ASSERT_TRUE(accounts_->RevokeApiToken(expert, a->token.id));
  ASSERT_TRUE(accounts_->RevokeApiToken(expert, a->token.id));  // twice is fine
  EXPECT_FALSE(accounts_->AuthenticateBearer(a->secret).has_value());
  EXPECT_TRUE(accounts_->AuthenticateBearer(b->secret).has_value());
  EXPECT_TRUE(accounts_->ListApiTokens(expert)->at(1).revoked_at_us.has_value());
  EXPECT_TRUE(accounts_->ListApiTokens(other)->empty());
}

// Issue 11, defect 9: a password change ends every other session and revokes every token; a
// deactivation ends all of them at once and the user cannot sign in again.
TEST_P(AccountsTest, PasswordChangeAndDeactivationEndSessionsAndTokens) {
  User ada = MakeUser("ada@example.com", "first password");
  Caller caller{ada.id, Role::kExpert};
  auto here = Login("ada@example.com", "first password", "1.2.3.4");
  auto there = Login("ada@example.com", "first password", "5.6.7.8");
  auto token = accounts_->CreateApiToken(caller, {"cli"});
  ASSERT_TRUE(here && there && token);
  auto wrong = accounts_->ChangePassword(caller, "not it", "second password", here->session.token);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->AuthenticateSession(there->session.token).has_value());  // nothing ended on a wrong one
  ASSERT_TRUE(accounts_->ChangePassword(caller, "first password", "second password", here->session.token));
  EXPECT_TRUE(accounts_->AuthenticateSession(here->session.token).has_value());
  EXPECT_FALSE(accounts_->AuthenticateSession(there->session.token).has_value());
  EXPECT_FALSE(accounts_->AuthenticateBearer(token->secret).has_value());
  EXPECT_FALSE(Login("ada@example.com", "first password", "9.9.9.9").has_value());
  auto again = Login("ada@example.com", "second password", "9.9.9.9");
  ASSERT_TRUE(again.has_value());

  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  auto token2 = accounts_->CreateApiToken(caller, {"cli2"});
  ASSERT_TRUE(token2.has_value());
  EXPECT_EQ(accounts_->SetActive(manager_, ada.id, false).error().code(), base::ErrorCode::kPermissionDenied);
  ASSERT_TRUE(accounts_->SetActive(admin, ada.id, false));
  EXPECT_FALSE(accounts_->AuthenticateSession(here->session.token).has_value());
  EXPECT_FALSE(accounts_->AuthenticateSession(again->session.token).has_value());
  EXPECT_FALSE(accounts_->AuthenticateBearer(token2->secret).has_value());
  EXPECT_FALSE(Login("ada@example.com", "second password", "9.9.9.10").has_value());
  ASSERT_TRUE(accounts_->SetActive(admin, ada.id, true));
  EXPECT_FALSE(accounts_->AuthenticateBearer(token2->secret).has_value());  // revoked stays revoked
  EXPECT_TRUE(Login("ada@example.com", "second password", "9.9.9.11").has_value());
}

// Issue 18: a token carries scopes (read, work, manage); the caller it authenticates carries
// them, and a token cannot mint a token with wider ones.
TEST_P(AccountsTest, TokensCarryScopesAndCannotWidenThem) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  auto full = accounts_->CreateApiToken(expert, {"all"});
  auto reader = accounts_->CreateApiToken(expert, {.name = "dashboards", .scopes = kScopeRead});
  auto worker = accounts_->CreateApiToken(expert, {.name = "agent", .scopes = kScopeWork});
  ASSERT_TRUE(full && reader && worker);
  EXPECT_EQ(accounts_->AuthenticateBearer(full->secret)->scopes, kAllScopes);
  auto as_reader = accounts_->AuthenticateBearer(reader->secret);
  ASSERT_TRUE(as_reader.has_value());
  EXPECT_EQ(as_reader->scopes, kScopeRead);
  EXPECT_EQ(accounts_->AuthenticateBearer(worker->secret)->scopes, kScopeWork);
  EXPECT_TRUE(ScopesAllow(kScopeWork, kScopeRead));  // work and manage include read
  EXPECT_FALSE(ScopesAllow(kScopeRead, kScopeWork));
  EXPECT_FALSE(ScopesAllow(kScopeWork, kScopeManage));
  // Listed with their scopes, in the API's order.
  std::map<std::string, uint8_t> listed;
  auto tokens = accounts_->ListApiTokens(expert);  // kept: a range-for over *temporary would dangle
  ASSERT_TRUE(tokens);
  for (const ApiToken& t : *tokens) listed[t.name] = t.scopes;
  EXPECT_EQ(listed["dashboards"], kScopeRead);
  EXPECT_EQ(listed["all"], kAllScopes);
  EXPECT_EQ(ScopeNames(kScopeRead | kScopeManage), (std::vector<std::string>{"read", "manage"}));
  // A read-only token makes no broader one; a narrower one it may.
  auto wider = accounts_->CreateApiToken(*as_reader, {.name = "wider", .scopes = kScopeRead | kScopeWork});
  ASSERT_FALSE(wider.has_value());
  EXPECT_EQ(wider.error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->CreateApiToken(*as_reader, {.name = "same", .scopes = kScopeRead}).has_value());
  // Names are checked, each by its place in the list.
  auto unknown = ParseScopes({"read", "admin"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().DetailsJson().find("scopes[1]"), std::string::npos);
  EXPECT_FALSE(ParseScopes({}).has_value());
  EXPECT_FALSE(ParseScopes({"read", "read"}).has_value());
  EXPECT_EQ(*ParseScopes({"manage", "read"}), kScopeRead | kScopeManage);
  // A token from before scopes existed (stored 'all') may do everything.
  ASSERT_TRUE(db_->Write([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(c.Exec("UPDATE api_tokens SET scopes = 'all' WHERE id = ?", {reader->token.id}));
    return base::Ok();
  }));
  EXPECT_EQ(accounts_->AuthenticateBearer(reader->secret)->scopes, kAllScopes);
}

// Issue 18: an admin issues a one-time reset link; it sets the password once, ends every
// session and token, and stops working when used, superseded or expired.
TEST_P(AccountsTest, PasswordResetLinksWorkOnce) {
  User ada = MakeUser("ada@example.com", "first password");
  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  auto session = Login("ada@example.com", "first password", "1.2.3.4");
  auto token = accounts_->CreateApiToken({ada.id, Role::kExpert}, {"cli"});
  ASSERT_TRUE(session && token);
  EXPECT_EQ(accounts_->IssuePasswordReset(manager_, ada.id).error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_EQ(accounts_->IssuePasswordReset(admin, "nobody").error().code(), base::ErrorCode::kNotFound);
  auto old_link = accounts_->IssuePasswordReset(admin, ada.id);
  auto link = accounts_->IssuePasswordReset(admin, ada.id);
  ASSERT_TRUE(old_link && link);
  EXPECT_EQ(Count("SELECT count(*) FROM password_resets WHERE token_hash = ?", {link->token}), 0);  // hashed
  EXPECT_EQ(accounts_->InspectPasswordReset(old_link->token).error().code(), base::ErrorCode::kNotFound);
  auto inspected = accounts_->InspectPasswordReset(link->token);
  ASSERT_TRUE(inspected.has_value());
  EXPECT_EQ(inspected->user.email, "ada@example.com");
  EXPECT_EQ(inspected->expires_at_us, clock_.NowMicros() + accounts_->options().reset_link_ttl_us);
  EXPECT_EQ(accounts_->ResetPassword(link->token, "short").error().code(), base::ErrorCode::kInvalidArgument);
  EXPECT_TRUE(accounts_->InspectPasswordReset(link->token).has_value());  // a refused try does not use it
  ASSERT_TRUE(accounts_->ResetPassword(link->token, "a brand new one"));
  EXPECT_FALSE(accounts_->AuthenticateSession(session->session.token).has_value());
  EXPECT_FALSE(accounts_->AuthenticateBearer(token->secret).has_value());
  EXPECT_TRUE(Login("ada@example.com", "a brand new one", "1.2.3.5").has_value());
  auto twice = accounts_->ResetPassword(link->token, "yet another one");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code(), base::ErrorCode::kNotFound);
  // Past a day it has expired; a deactivated account gets none.
  auto late = accounts_->IssuePasswordReset(admin, ada.id);
  ASSERT_TRUE(late.has_value());
  clock_.Advance(accounts_->options().reset_link_ttl_us);
  EXPECT_FALSE(accounts_->ResetPassword(late->token, "too late now").has_value());
  ASSERT_TRUE(accounts_->SetActive(admin, ada.id, false));
  EXPECT_EQ(accounts_->IssuePasswordReset(admin, ada.id).error().code(), base::ErrorCode::kFailedPrecondition);
}

// Issue 18, limits at their bounds: a token lives at most token_max_ttl_us, a user holds at most
// max_tokens_per_user live tokens, a new password has 8 to 1024 characters.
TEST_P(AccountsTest, TokenAndPasswordLimitsAtTheirBounds) {
  Caller expert = MakeCaller("e@example.com", Role::kExpert);
  const int64_t max_ttl = accounts_->options().token_max_ttl_us;
  ASSERT_TRUE(accounts_->CreateApiToken(expert, {"longest", clock_.NowMicros() + max_ttl}).has_value());
  auto longer = accounts_->CreateApiToken(expert, {"too long", clock_.NowMicros() + max_ttl + 1});
  ASSERT_FALSE(longer.has_value());
  EXPECT_EQ(longer.error().code(), base::ErrorCode::kInvalidArgument);
  for (int i = 1; i < accounts_->options().max_tokens_per_user; ++i) {
    ASSERT_TRUE(accounts_->CreateApiToken(expert, {"t" + std::to_string(i)}).has_value()) << i;
  }
  auto one_more = accounts_->CreateApiToken(expert, {"one more"});
  ASSERT_FALSE(one_more.has_value());
  EXPECT_EQ(one_more.error().code(), base::ErrorCode::kResourceExhausted);

  User ada = MakeUser("ada@example.com", "first password");
  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  auto link = accounts_->IssuePasswordReset(admin, ada.id);
  ASSERT_TRUE(link.has_value());
  for (const std::string& bad : {std::string(7, 'p'), std::string(1025, 'p')}) {
    auto refused = accounts_->ResetPassword(link->token, bad);
    ASSERT_FALSE(refused.has_value()) << bad.size();
    EXPECT_EQ(refused.error().code(), base::ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(accounts_->ResetPassword(link->token, std::string(1024, 'p')).has_value());
  EXPECT_TRUE(Login("ada@example.com", std::string(1024, 'p'), "1.2.3.4").has_value());
  link = accounts_->IssuePasswordReset(admin, ada.id);
  ASSERT_TRUE(link.has_value());
  EXPECT_TRUE(accounts_->ResetPassword(link->token, std::string(8, 'q')).has_value());
}

// Issue 18: admins list the users (paged, searched by a piece of the email or name) with their state.
TEST_P(AccountsTest, AdminsListUsersWithTheirState) {
  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  User ada = MakeUser("ada@example.com", "first password");
  MakeCaller("bob_100%@example.com", Role::kExpert);
  ASSERT_TRUE(accounts_->SetActive(admin, ada.id, false));
  EXPECT_EQ(accounts_->ListUsers(manager_, {}).error().code(), base::ErrorCode::kPermissionDenied);
  auto all = accounts_->ListUsers(admin, {});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 4u);  // manager, admin, ada, bob
  std::string cursor;
  auto page = accounts_->ListUsers(admin, {.limit = 3}, &cursor);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_FALSE(cursor.empty());
  EXPECT_EQ(accounts_->ListUsers(admin, {.limit = 3, .cursor = cursor})->size(), 1u);
  auto found = accounts_->ListUsers(admin, {.query = "ADA"});
  ASSERT_EQ(found->size(), 1u);
  EXPECT_TRUE(found->at(0).deactivated_at_us.has_value());
  EXPECT_TRUE(found->at(0).has_password);
  // A wildcard in the query is a plain character.
  EXPECT_EQ(accounts_->ListUsers(admin, {.query = "_100%"})->size(), 1u);
  EXPECT_EQ(accounts_->ListUsers(admin, {.query = "%"})->size(), 1u);
  EXPECT_EQ(accounts_->ListUsers(admin, {.query = "a_a"})->size(), 0u);
}

TEST_P(AccountsTest, RolesLimitWhoCreatesWhom) {
  auto r = accounts_->CreateUser(manager_, "boss@example.com", "password1", Role::kAdmin);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->CreateUser(manager_, "rev@example.com", "password1", Role::kReviewer).has_value());
  auto dup = accounts_->CreateUser(manager_, "REV@example.com", "password1", Role::kReviewer);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), base::ErrorCode::kConflict);
  Caller expert = MakeCaller("x@example.com", Role::kExpert);
  EXPECT_FALSE(accounts_->CreateUser(expert, "y@example.com", "password1", Role::kExpert).has_value());
}

}  // namespace
}  // namespace accounts
