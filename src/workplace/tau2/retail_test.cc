// tau2 retail: every tool's normal path and its errors, the reference's hashes and failure
// messages, and replay determinism. Expected values come from running the reference tools.
#include "workplace/tau2/retail.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "env/session.h"
#include "workplace/suites.h"

namespace workplace::tau2 {
namespace {

const std::string kDir = std::string(ASSAY_SHARED_DATA_DIR) + "/tau2-retail";

// Loaded once: the suite is immutable and every test works on its own session.
const Suite& RetailSuite() {
  static const std::unique_ptr<Suite> suite = [] {
    auto s = LoadSuite("tau2-retail", kDir);
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return std::move(*s);
  }();
  return *suite;
}

class RetailTest : public ::testing::Test {
 protected:
  RetailTest() : session_(RetailSuite().tools, RetailSuite().tasks.front().initial, clock_, 1) {}

  ToolResult Call(std::string_view name, std::string_view args) {
    return session_.CallJson(name, args);
  }
  std::string Hash() const { return session_.world().AppHash(kRetailApp); }
  const Value& Db() const { return session_.world().Get(kRetailApp); }
  const Value& At(const std::string& pointer) const {
    const Value* v = Db().At(pointer);
    EXPECT_NE(v, nullptr) << pointer;
    static const Value kNull;
    return v ? *v : kNull;
  }
  // A failing call returns the reference's message and changes nothing.
  void ExpectFails(std::string_view name, std::string_view args, std::string_view message) {
    const std::string before = Hash();
    ToolResult r = Call(name, args);
    EXPECT_TRUE(r.is_error) << name << " " << args;
    EXPECT_EQ(r.content, "Error: " + std::string(message)) << name << " " << args;
    EXPECT_EQ(Hash(), before) << name << " changed state while failing";
  }

  base::FakeClock clock_;
  Session session_;
};

TEST(Tau2Retail, InitialHashMatchesReference) {
  auto db = LoadRetailDb(kDir + "/db.json");
  ASSERT_TRUE(db.has_value()) << db.error().ToString();
  EXPECT_EQ(db->Sha256(), kRetailInitialHash);
  EXPECT_EQ(RetailSuite().tasks.size(), 114u);
  EXPECT_EQ(RetailSuite().tools.size(), 16u);
}

TEST_F(RetailTest, ReadToolsFindRecordsAndFailLikeTheReference) {
  const std::string before = Hash();
  ToolResult order = Call("get_order_details", R"({"order_id":"#W2378156"})");
  ASSERT_FALSE(order.is_error) << order.content;
  EXPECT_EQ(nlohmann::json::parse(order.content)["status"], "delivered");
  ExpectFails("get_order_details", R"({"order_id":"W2378156"})", "Order not found");

  EXPECT_EQ(nlohmann::json::parse(
                Call("get_user_details", R"({"user_id":"yusuf_rossi_9620"})").content)["email"],
            "yusuf.rossi7301@example.com");
  ExpectFails("get_user_details", R"({"user_id":"nobody"})", "User not found");

  EXPECT_EQ(nlohmann::json::parse(
                Call("get_product_details", R"({"product_id":"9783735446"})").content)["variants"]
                .size(),
            5u);
  ExpectFails("get_product_details", R"({"product_id":"2143041831"})", "Product not found");

  EXPECT_EQ(nlohmann::json::parse(
                Call("get_item_details", R"({"item_id":"2143041831"})").content)["item_id"],
            "2143041831");
  ExpectFails("get_item_details", R"({"item_id":"9783735446"})", "Item not found");

  EXPECT_EQ(Call("find_user_id_by_name_zip",
                 R"({"first_name":"yusuf","last_name":"ROSSI","zip":"19122"})")
                .content,
            "yusuf_rossi_9620");
  ExpectFails("find_user_id_by_name_zip",
              R"({"first_name":"Yusuf","last_name":"Rossi","zip":"19123"})", "User not found");
  EXPECT_EQ(Call("find_user_id_by_email", R"({"email":"YUSUF.Rossi7301@example.com"})").content,
            "yusuf_rossi_9620");
  ExpectFails("find_user_id_by_email", R"({"email":"yusuf@example.com"})", "User not found");

  EXPECT_EQ(nlohmann::json::parse(Call("list_all_product_types", "{}").content).size(), 50u);
  EXPECT_EQ(Call("transfer_to_human_agents", R"({"summary":"x"})").content, "Transfer successful");
  EXPECT_EQ(Hash(), before);
}

TEST_F(RetailTest, CalculateFollowsPythonArithmetic) {
  EXPECT_EQ(Call("calculate", R"({"expression":"3131.1 + 4777.75 + 367.38"})").content, "8276.23");
  EXPECT_EQ(Call("calculate", R"({"expression":"2 + 2"})").content, "4.0");
  EXPECT_EQ(Call("calculate", R"({"expression":"10 / 3"})").content, "3.33");
  EXPECT_EQ(Call("calculate", R"({"expression":"2**10 - 0.005"})").content, "1024.0");
  EXPECT_EQ(Call("calculate", R"({"expression":"-(1.5)*2//1"})").content, "-3.0");
  ExpectFails("calculate", R"({"expression":"2 ^ 3"})", "Invalid characters in expression");
  ExpectFails("calculate", R"({"expression":"1 / 0"})", "division by zero");
  EXPECT_TRUE(Call("calculate", R"({"expression":"(1 + "})").is_error);
}

TEST_F(RetailTest, CancelPendingOrderRefundsGiftCardAtOnce) {
  ExpectFails("cancel_pending_order", R"({"order_id":"#W2611340","reason":"no longer needed"})",
              "Non-pending order cannot be cancelled");
  ExpectFails("cancel_pending_order", R"({"order_id":"#W6779827","reason":"too slow"})",
              "Invalid reason");
  ExpectFails("cancel_pending_order", R"({"order_id":"#W0","reason":"no longer needed"})",
              "Order not found");
  ToolResult r =
      Call("cancel_pending_order", R"({"order_id":"#W6779827","reason":"no longer needed"})");
  ASSERT_FALSE(r.is_error) << r.content;
  EXPECT_EQ(At("/orders/#W6779827/status").AsString(), "cancelled");
  EXPECT_EQ(At("/orders/#W6779827/cancel_reason").AsString(), "no longer needed");
  EXPECT_EQ(
      At("/orders/#W6779827/payment_history").Canonical(),
      R"([{"amount": 4079.45, "payment_method_id": "gift_card_7219486", "transaction_type": "payment"}, )"
      R"({"amount": 4079.45, "payment_method_id": "gift_card_7219486", "transaction_type": "refund"}])");
  EXPECT_EQ(At("/users/ethan_lopez_6291/payment_methods/gift_card_7219486/balance").Canonical(),
            "4128.45");
}

TEST_F(RetailTest, ExchangeDeliveredOrderItems) {
  ExpectFails(
      "exchange_delivered_order_items",
      R"({"order_id":"#W6779827","item_ids":[],"new_item_ids":[],"payment_method_id":"gift_card_7219486"})",
      "Non-delivered order cannot be exchanged");
  ExpectFails(
      "exchange_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["1151293680","1151293680"],"new_item_ids":["7706410293","7706410293"],"payment_method_id":"credit_card_9513926"})",
      "Number of 1151293680 not found.");
  ExpectFails(
      "exchange_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["1151293680"],"new_item_ids":[],"payment_method_id":"credit_card_9513926"})",
      "The number of items to be exchanged should match.");
  ExpectFails(
      "exchange_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["1151293680"],"new_item_ids":["2143041831"],"payment_method_id":"credit_card_9513926"})",
      "Variant not found");
  ExpectFails(
      "exchange_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["1151293680"],"new_item_ids":["7706410293"],"payment_method_id":"gift_card_0"})",
      "Payment method not found");
  ToolResult r = Call(
      "exchange_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["4983901480","1151293680"],"new_item_ids":["7747408585","7706410293"],"payment_method_id":"credit_card_9513926"})");
  ASSERT_FALSE(r.is_error) << r.content;
  EXPECT_EQ(At("/orders/#W2378156/status").AsString(), "exchange requested");
  EXPECT_EQ(At("/orders/#W2378156/exchange_items").Canonical(), R"(["1151293680", "4983901480"])");
  EXPECT_EQ(At("/orders/#W2378156/exchange_new_items").Canonical(),
            R"(["7706410293", "7747408585"])");
  EXPECT_EQ(At("/orders/#W2378156/exchange_price_difference").Canonical(), "-16.63");
  ExpectFails(
      "exchange_delivered_order_items",  // once per order: no longer delivered
      R"({"order_id":"#W2378156","item_ids":["1151293680"],"new_item_ids":["7706410293"],"payment_method_id":"credit_card_9513926"})",
      "Non-delivered order cannot be exchanged");
}

TEST_F(RetailTest, ModifyPendingOrderItemsKeepsReferenceArithmetic) {
  ExpectFails(
      "modify_pending_order_items",
      R"({"order_id":"#W4776164","item_ids":["8349118980"],"new_item_ids":["8349118980"],"payment_method_id":"credit_card_9513926"})",
      "The new item id should be different from the old item id");
  ExpectFails(
      "modify_pending_order_items",
      R"({"order_id":"#W4776164","item_ids":["1"],"new_item_ids":["2"],"payment_method_id":"credit_card_9513926"})",
      "1 not found");
  ExpectFails(
      "modify_pending_order_items",
      R"({"order_id":"#W9318778","item_ids":["2143041831"],"new_item_ids":["9647292434"],"payment_method_id":"gift_card_7728021"})",
      "Variant not found");
  ExpectFails(
      "modify_pending_order_items",
      R"({"order_id":"#W9318778","item_ids":["2143041831"],"new_item_ids":["3624655057"],"payment_method_id":"gift_card_7728021"})",
      "Insufficient gift card balance to pay for the new item");
  ExpectFails(
      "modify_pending_order_items",
      R"({"order_id":"#W9318778","item_ids":["2143041831"],"new_item_ids":["6170152315"],"payment_method_id":"gift_card_7728021"})",
      "New item 6170152315 not found or available");
  ToolResult r = Call(
      "modify_pending_order_items",
      R"({"order_id":"#W4776164","item_ids":["8349118980"],"new_item_ids":["9647292434"],"payment_method_id":"credit_card_9513926"})");
  ASSERT_FALSE(r.is_error) << r.content;
  EXPECT_EQ(At("/orders/#W4776164/status").AsString(), "pending (item modified)");
  EXPECT_EQ(At("/orders/#W4776164/items/0/item_id").AsString(), "9647292434");
  EXPECT_EQ(At("/orders/#W4776164/items/0/price").Canonical(), "53.48");
  // The reference does not round this difference.
  EXPECT_EQ(
      At("/orders/#W4776164/payment_history/1").Canonical(),
      R"({"amount": 0.04999999999999716, "payment_method_id": "credit_card_9513926", "transaction_type": "payment"})");
  ExpectFails(
      "modify_pending_order_items",  // only once: status is no longer exactly "pending"
      R"({"order_id":"#W4776164","item_ids":["9647292434"],"new_item_ids":["8349118980"],"payment_method_id":"credit_card_9513926"})",
      "Non-pending order cannot be modified");
}

TEST_F(RetailTest, ModifyPendingOrderPaymentMovesGiftCardMoney) {
  ExpectFails("modify_pending_order_payment",
              R"({"order_id":"#W6779827","payment_method_id":"gift_card_7219486"})",
              "The new payment method should be different from the current one");
  ExpectFails("modify_pending_order_payment",
              R"({"order_id":"#W6779827","payment_method_id":"paypal_1"})",
              "Payment method not found");
  ExpectFails("modify_pending_order_payment",
              R"({"order_id":"#W2611340","payment_method_id":"credit_card_9789590"})",
              "Non-pending order cannot be modified");
  ToolResult r = Call("modify_pending_order_payment",
                      R"({"order_id":"#W6779827","payment_method_id":"credit_card_9789590"})");
  ASSERT_FALSE(r.is_error) << r.content;
  EXPECT_EQ(At("/orders/#W6779827/payment_history").size(), 3u);
  EXPECT_EQ(At("/orders/#W6779827/payment_history/2/transaction_type").AsString(), "refund");
  EXPECT_EQ(At("/users/ethan_lopez_6291/payment_methods/gift_card_7219486/balance").Canonical(),
            "4128.45");
  ExpectFails("modify_pending_order_payment",
              R"({"order_id":"#W6779827","payment_method_id":"gift_card_7219486"})",
              "There should be exactly one payment for a pending order");
}

TEST_F(RetailTest, AddressToolsReplaceTheWholeAddress) {
  const char* kAddress =
      R"("address1":"1 Main St","address2":"","city":"Austin","state":"TX","country":"USA","zip":"78701")";
  ExpectFails("modify_user_address", std::string(R"({"user_id":"nobody",)") + kAddress + "}",
              "User not found");
  ExpectFails("modify_pending_order_address",
              std::string(R"({"order_id":"#W2611340",)") + kAddress + "}",
              "Non-pending order cannot be modified");
  ASSERT_FALSE(
      Call("modify_user_address", std::string(R"({"user_id":"yusuf_rossi_9620",)") + kAddress + "}")
          .is_error);
  EXPECT_EQ(
      At("/users/yusuf_rossi_9620/address").Canonical(),
      R"({"address1": "1 Main St", "address2": "", "city": "Austin", "country": "USA", "state": "TX", "zip": "78701"})");
  ASSERT_FALSE(Call("modify_pending_order_address",
                    std::string(R"({"order_id":"#W6779827",)") + kAddress + "}")
                   .is_error);
  EXPECT_EQ(At("/orders/#W6779827/address/city").AsString(), "Austin");
}

TEST_F(RetailTest, ReturnDeliveredOrderItems) {
  ExpectFails(
      "return_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["4602305039"],"payment_method_id":"paypal_0"})",
      "Payment method not found");
  ExpectFails(
      "return_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["1"],"payment_method_id":"credit_card_9513926"})",
      "Some item not found");
  ExpectFails("return_delivered_order_items",
              R"({"order_id":"#W6779827","item_ids":[],"payment_method_id":"gift_card_7219486"})",
              "Non-delivered order cannot be returned");
  ToolResult r = Call(
      "return_delivered_order_items",
      R"({"order_id":"#W2378156","item_ids":["9408160950","4602305039"],"payment_method_id":"credit_card_9513926"})");
  ASSERT_FALSE(r.is_error) << r.content;
  EXPECT_EQ(At("/orders/#W2378156/status").AsString(), "return requested");
  EXPECT_EQ(At("/orders/#W2378156/return_items").Canonical(), R"(["4602305039", "9408160950"])");
  EXPECT_EQ(At("/orders/#W2378156/return_payment_method_id").AsString(), "credit_card_9513926");
}

TEST_F(RetailTest, SchemaRefusesMalformedArgumentsWithoutTouchingState) {
  const std::string before = Hash();
  EXPECT_EQ(Call("cancel_pending_order", R"({"order_id":"#W6779827"})").content,
            "missing required argument 'reason'");
  EXPECT_EQ(
      Call(
          "return_delivered_order_items",
          R"({"order_id":"#W2378156","item_ids":"4602305039","payment_method_id":"credit_card_9513926"})")
          .content,
      "argument 'item_ids': expected array, got string \"4602305039\"");
  EXPECT_EQ(Hash(), before);
}

// Every failing reference action fails with the reference's message (from a run of the
// reference tools on all 114 tasks), and leaves the db unchanged.
TEST(Tau2Retail, ReferenceActionsFailWhereTheReferenceFails) {
  const std::map<std::string, std::vector<std::string>> kExpected = {
      {"2", {"Product not found"}},
      {"3", {"Product not found"}},
      {"4", {"Product not found"}},
      {"35", {"User not found"}},
      {"37", {"User not found"}},
      {"38", {"User not found"}},
      {"39", {"User not found"}},
      {"46", {"Order not found", "Order not found"}},
      {"47", {"Order not found", "Order not found"}},
      {"54", {"User not found"}},
      {"55", {"User not found"}},
      {"64", {"Non-delivered order cannot be exchanged"}},
      {"67", {"User not found", "User not found"}},
      {"68", {"User not found"}},
      {"105", {"Insufficient gift card balance to pay for the price difference"}}};
  const Suite& suite = RetailSuite();
  base::FakeClock clock;
  std::map<std::string, std::vector<std::string>> actual;
  for (const Task& task : suite.tasks) {
    Session s(suite.tools, task.initial, clock, 1);
    for (const Action& action : task.reference_actions) {
      const std::string before = s.world().AppHash(kRetailApp);
      ToolResult r = s.Run(action);
      if (!r.is_error) continue;
      ASSERT_EQ(r.content.rfind("Error: ", 0), 0u) << r.content;
      actual[task.id].push_back(r.content.substr(7));
      EXPECT_EQ(s.world().AppHash(kRetailApp), before) << "task " << task.id << " " << action.name;
    }
  }
  EXPECT_EQ(actual, kExpected);
}

TEST(Tau2Retail, SuiteReplayIsDeterministicAndMatchesReferenceHashes) {
  const Suite& suite = RetailSuite();
  const Value& db = suite.tasks.front().initial.Get(kRetailApp);
  auto one = ReplayRetailSuite(db, suite.tasks, suite.tools, 1);
  auto two = ReplayRetailSuite(db, suite.tasks, suite.tools, 3);
  ASSERT_TRUE(one.has_value() && two.has_value());
  EXPECT_EQ(one->initial_db_hash, kRetailInitialHash);
  EXPECT_EQ(one->tasks, two->tasks);
  // From the reference implementation's replay of the same actions.
  const std::map<std::string, std::string> kReference = {
      {"0", "a109be174767fde0ebb50fe3be37cdb2f1ce017fefd7bd29ea3e4d38bd3ac25a"},
      {"3", "efb8b638945f19291aab0ccbc4cfd2c653e74bf7fbe3b11174379800a331979c"},
      {"16", "76488acd2c5a18ade7bd3a32bc2fc5f6fdc5039223f86bc79f9754f3b5472a50"},
      {"40", "09f9be39b93d78b44f54e7e3a0806a6227c420fb4a2e5e4b97861c7a8ff5a24d"},
      {"64", "2e9d92ee0d0cdd9e1eb41bd72d3390e1bc442a9f8c1c878c7b542668ebf7da96"},
      {"105", "b25c9cb211f5efcaee5dd646054a73c4a9f43f4f5acc32c10713cd9f9ac20e9c"},
  };
  for (const auto& [id, hash] : one->tasks) {
    if (auto it = kReference.find(id); it != kReference.end()) EXPECT_EQ(hash, it->second) << id;
  }
}

TEST(Tau2Retail, ForkThenReplayGivesTheSameHash) {
  const Suite& suite = RetailSuite();
  const Task& task = *suite.FindTask("0");
  base::FakeClock clock;
  Session straight = Replay(suite.tools, task.initial, task.reference_actions, clock, 1);
  Session half(suite.tools, task.initial, clock, 1);
  const size_t mid = task.reference_actions.size() / 2;
  for (size_t i = 0; i < mid; ++i) half.Run(task.reference_actions[i]);
  Session fork = half.Fork();
  for (size_t i = mid; i < task.reference_actions.size(); ++i) fork.Run(task.reference_actions[i]);
  EXPECT_EQ(fork.world().AppHash(kRetailApp), straight.world().AppHash(kRetailApp));
  EXPECT_NE(half.world().AppHash(kRetailApp), straight.world().AppHash(kRetailApp));
  EXPECT_EQ(half.world().AppHash(kRetailApp),
            Replay(suite.tools, task.initial,
                   std::vector<Action>(task.reference_actions.begin(),
                                       task.reference_actions.begin() + mid),
                   clock, 7)
                .world()
                .AppHash(kRetailApp));
  // The checker derived from the reference passes the straight run and flags the fork's parent.
  Task checked = task;
  DeriveCheckerFromReference(checked, suite.tools, clock, 1);
  EXPECT_TRUE(Check(checked, straight.world()).passed);
  EXPECT_FALSE(Check(checked, half.world()).passed);
}

}  // namespace
}  // namespace workplace::tau2
