// Our implementation of the tau2 retail tools. Each handler follows the reference's order of
// checks so it fails with the same message at the same point, and commits exactly the writes
// the reference has made before that point (the reference mutates in place and never rolls
// back). Error results carry the reference's text, "Error: <message>".
#include "workplace/tau2/retail.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "base/file.h"
#include "base/json.h"
#include "env/session.h"

namespace workplace::tau2 {
namespace {

const std::string kApp(kRetailApp);

ToolResult Fail(std::string message) { return ToolResult::Error("Error: " + message); }

std::string Ptr(std::initializer_list<std::string_view> tokens) {
  std::string out;
  for (std::string_view t : tokens) out = AppendPointer(out, t);
  return out;
}

// Sets a value at a path that is known to exist (or whose parent exists).
Value Put(const Value& db, const std::string& pointer, Value v) {
  auto updated = db.SetAt(pointer, std::move(v));
  assert(updated.has_value());
  return updated ? std::move(*updated) : db;
}

const std::string& Str(const nlohmann::json& args, const char* key) {
  return args[key].get_ref<const std::string&>();
}

std::vector<std::string> StrList(const nlohmann::json& args, const char* key) {
  std::vector<std::string> out;
  for (const auto& s : args[key]) out.push_back(s.get<std::string>());
  return out;
}

const std::string& Field(const Value& record, std::string_view key) {
  static const std::string kEmpty;
  const Value* v = record.Find(key);
  return v != nullptr && v->is_string() ? v->AsString() : kEmpty;
}

double Number(const Value& record, std::string_view key) {
  const Value* v = record.Find(key);
  return v != nullptr && v->is_number() ? v->AsDouble() : 0.0;
}

const Value* GetOrder(const Value& db, std::string_view order_id) {
  return db.Find("orders")->Find(order_id);
}
const Value* GetUser(const Value& db, std::string_view user_id) {
  return db.Find("users")->Find(user_id);
}
const Value* GetProduct(const Value& db, std::string_view product_id) {
  return db.Find("products")->Find(product_id);
}

// _get_payment_method: the user must exist, then the method.
const Value* GetPaymentMethod(const Value& db, std::string_view user_id, std::string_view pm_id,
                              std::string* error) {
  const Value* user = GetUser(db, user_id);
  if (user == nullptr) {
    *error = "User not found";
    return nullptr;
  }
  const Value* pm = user->Find("payment_methods")->Find(pm_id);
  if (pm == nullptr) *error = "Payment method not found";
  return pm;
}

bool IsGiftCard(const Value& pm) { return Field(pm, "source") == "gift_card"; }

Value SetBalance(const Value& db, std::string_view user_id, std::string_view pm_id,
                 double balance) {
  return Put(db, Ptr({"users", user_id, "payment_methods", pm_id, "balance"}),
             Value::Float(env::PythonRound(balance, 2)));
}

Value Payment(std::string_view type, Value amount, std::string_view pm_id) {
  return Value::Object({{"transaction_type", Value::String(std::string(type))},
                        {"amount", std::move(amount)},
                        {"payment_method_id", Value::String(std::string(pm_id))}});
}

Value Address(const nlohmann::json& args) {
  std::vector<Value::Member> members;
  for (const char* key : {"address1", "address2", "city", "state", "country", "zip"}) {
    members.emplace_back(key, Value::String(Str(args, key)));
  }
  return Value::Object(std::move(members));
}

Value StringArray(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());  // Python sorted(): code-point order = UTF-8 byte order
  std::vector<Value> out;
  out.reserve(items.size());
  for (auto& s : items) out.push_back(Value::String(std::move(s)));
  return Value::Array(std::move(out));
}

std::vector<std::string> OrderItemIds(const Value& order) {
  std::vector<std::string> ids;
  for (const Value& item : order.Find("items")->elements()) ids.push_back(Field(item, "item_id"));
  return ids;
}

// The reference's multiset check: every id must occur in the order at least as often as in
// the request. Returns the first id that fails, or nullptr.
const std::string* MissingItem(const std::vector<std::string>& requested,
                               const std::vector<std::string>& in_order) {
  for (const std::string& id : requested) {
    if (std::count(requested.begin(), requested.end(), id) >
        std::count(in_order.begin(), in_order.end(), id)) {
      return &id;
    }
  }
  return nullptr;
}

// Index of the first order item with this id, or -1.
int FirstItem(const Value& order, std::string_view item_id) {
  const auto& items = order.Find("items")->elements();
  for (size_t i = 0; i < items.size(); ++i) {
    if (Field(items[i], "item_id") == item_id) return static_cast<int>(i);
  }
  return -1;
}

// _get_variant(product_id, variant_id).
const Value* GetVariant(const Value& db, std::string_view product_id, std::string_view variant_id,
                        std::string* error) {
  const Value* product = GetProduct(db, product_id);
  if (product == nullptr) {
    *error = "Product not found";
    return nullptr;
  }
  const Value* variant = product->Find("variants")->Find(variant_id);
  if (variant == nullptr) *error = "Variant not found";
  return variant;
}

// Python's a.lower() == b.lower() for ASCII text, without allocating.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// --- read tools ------------------------------------------------------------------------------

ToolResult GetOrderDetails(ToolContext& ctx, const nlohmann::json& args) {
  const Value* order = GetOrder(ctx.State(kApp), Str(args, "order_id"));
  if (order == nullptr) return Fail("Order not found");
  return ToolResult::Ok(order->Canonical());
}

ToolResult GetUserDetails(ToolContext& ctx, const nlohmann::json& args) {
  const Value* user = GetUser(ctx.State(kApp), Str(args, "user_id"));
  if (user == nullptr) return Fail("User not found");
  return ToolResult::Ok(user->Canonical());
}

ToolResult GetProductDetails(ToolContext& ctx, const nlohmann::json& args) {
  const Value* product = GetProduct(ctx.State(kApp), Str(args, "product_id"));
  if (product == nullptr) return Fail("Product not found");
  return ToolResult::Ok(product->Canonical());
}

ToolResult GetItemDetails(ToolContext& ctx, const nlohmann::json& args) {
  const std::string& item_id = Str(args, "item_id");
  for (const auto& [id, product] : ctx.State(kApp).Find("products")->members()) {
    if (const Value* variant = product.Find("variants")->Find(item_id)) {
      return ToolResult::Ok(variant->Canonical());
    }
  }
  return Fail("Item not found");
}

ToolResult FindUserIdByNameZip(ToolContext& ctx, const nlohmann::json& args) {
  const std::string& first = Str(args, "first_name");
  const std::string& last = Str(args, "last_name");
  const std::string& zip = Str(args, "zip");
  for (const auto& [user_id, user] : ctx.State(kApp).Find("users")->members()) {
    const Value& name = *user.Find("name");
    if (EqualsIgnoreCase(Field(name, "first_name"), first) &&
        EqualsIgnoreCase(Field(name, "last_name"), last) &&
        Field(*user.Find("address"), "zip") == zip) {
      return ToolResult::Ok(user_id);
    }
  }
  return Fail("User not found");
}

ToolResult FindUserIdByEmail(ToolContext& ctx, const nlohmann::json& args) {
  const std::string& email = Str(args, "email");
  for (const auto& [user_id, user] : ctx.State(kApp).Find("users")->members()) {
    if (EqualsIgnoreCase(Field(user, "email"), email)) return ToolResult::Ok(user_id);
  }
  return Fail("User not found");
}

ToolResult ListAllProductTypes(ToolContext& ctx, const nlohmann::json&) {
  std::vector<Value::Member> by_name;
  for (const auto& [id, product] : ctx.State(kApp).Find("products")->members()) {
    by_name.emplace_back(Field(product, "name"), Value::String(Field(product, "product_id")));
  }
  return ToolResult::Ok(Value::Object(std::move(by_name)).Canonical());
}

ToolResult CalculateTool(ToolContext&, const nlohmann::json& args) {
  auto result = Calculate(Str(args, "expression"));
  if (!result) return Fail(result.error().message());
  return ToolResult::Ok(std::move(*result));
}

ToolResult TransferToHumanAgents(ToolContext&, const nlohmann::json&) {
  return ToolResult::Ok("Transfer successful");
}

// --- write tools -----------------------------------------------------------------------------

ToolResult CancelPendingOrder(ToolContext& ctx, const nlohmann::json& args) {
  Value db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  Value order = *found;
  if (Field(order, "status") != "pending") return Fail("Non-pending order cannot be cancelled");
  const std::string& reason = Str(args, "reason");
  if (reason != "no longer needed" && reason != "ordered by mistake") return Fail("Invalid reason");

  const auto paid_history = order.Find("payment_history")->elements();
  std::vector<Value> history(paid_history.begin(), paid_history.end());
  const std::string user_id = Field(order, "user_id");
  const size_t paid = history.size();
  for (size_t i = 0; i < paid; ++i) {
    const Value payment = history[i];
    const std::string pm_id = Field(payment, "payment_method_id");
    history.push_back(Payment("refund", *payment.Find("amount"), pm_id));
    std::string error;
    const Value* pm = GetPaymentMethod(db, user_id, pm_id, &error);
    if (pm == nullptr) {
      ctx.SetState(kApp, db);  // gift-card refunds made so far stay
      return Fail(error);
    }
    if (IsGiftCard(*pm)) {
      db = SetBalance(db, user_id, pm_id, Number(*pm, "balance") + Number(payment, "amount"));
    }
  }
  order = order.With("status", Value::String("cancelled"))
              .With("cancel_reason", Value::String(reason))
              .With("payment_history", Value::Array(std::move(history)));
  db = Put(db, Ptr({"orders", order_id}), order);
  ctx.SetState(kApp, db);
  return ToolResult::Ok(order.Canonical());
}

ToolResult ExchangeDeliveredOrderItems(ToolContext& ctx, const nlohmann::json& args) {
  const Value& db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  Value order = *found;
  if (Field(order, "status") != "delivered") return Fail("Non-delivered order cannot be exchanged");
  const std::vector<std::string> item_ids = StrList(args, "item_ids");
  const std::vector<std::string> new_item_ids = StrList(args, "new_item_ids");
  if (const std::string* missing = MissingItem(item_ids, OrderItemIds(order))) {
    return Fail("Number of " + *missing + " not found.");
  }
  if (item_ids.size() != new_item_ids.size()) {
    return Fail("The number of items to be exchanged should match.");
  }
  double diff_price = 0;
  for (size_t i = 0; i < item_ids.size(); ++i) {
    const int index = FirstItem(order, item_ids[i]);
    if (index < 0) return Fail("Item " + item_ids[i] + " not found");
    const Value& item = order.Find("items")->elements()[static_cast<size_t>(index)];
    std::string error;
    const Value* variant = GetVariant(db, Field(item, "product_id"), new_item_ids[i], &error);
    if (variant == nullptr) return Fail(error);
    if (!variant->Find("available")->AsBool()) {
      return Fail("New item " + new_item_ids[i] + " not found or available");
    }
    diff_price += Number(*variant, "price") - Number(item, "price");
  }
  // round(0, 2) of the int 0 the reference starts from stays an int when nothing was exchanged.
  const Value difference =
      item_ids.empty() ? Value::Int(0) : Value::Float(env::PythonRound(diff_price, 2));
  const std::string& pm_id = Str(args, "payment_method_id");
  std::string error;
  const Value* pm = GetPaymentMethod(db, Field(order, "user_id"), pm_id, &error);
  if (pm == nullptr) return Fail(error);
  if (IsGiftCard(*pm) && Number(*pm, "balance") < difference.AsDouble()) {
    return Fail("Insufficient gift card balance to pay for the price difference");
  }
  order = order.With("status", Value::String("exchange requested"))
              .With("exchange_items", StringArray(item_ids))
              .With("exchange_new_items", StringArray(new_item_ids))
              .With("exchange_payment_method_id", Value::String(pm_id))
              .With("exchange_price_difference", difference);
  ctx.SetState(kApp, Put(db, Ptr({"orders", order_id}), order));
  return ToolResult::Ok(order.Canonical());
}

ToolResult ModifyPendingOrderAddress(ToolContext& ctx, const nlohmann::json& args) {
  const Value& db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  if (Field(*found, "status").find("pending") == std::string::npos) {
    return Fail("Non-pending order cannot be modified");
  }
  Value order = found->With("address", Address(args));
  ctx.SetState(kApp, Put(db, Ptr({"orders", order_id}), order));
  return ToolResult::Ok(order.Canonical());
}

ToolResult ModifyPendingOrderItems(ToolContext& ctx, const nlohmann::json& args) {
  Value db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  Value order = *found;
  if (Field(order, "status") != "pending") return Fail("Non-pending order cannot be modified");
  const std::vector<std::string> item_ids = StrList(args, "item_ids");
  const std::vector<std::string> new_item_ids = StrList(args, "new_item_ids");
  if (const std::string* missing = MissingItem(item_ids, OrderItemIds(order))) {
    return Fail(*missing + " not found");
  }
  if (item_ids.size() != new_item_ids.size()) {
    return Fail("The number of items to be exchanged should match");
  }
  double diff_price = 0;
  Value last_variant;  // the reference reuses the loop's last variant for every item below
  for (size_t i = 0; i < item_ids.size(); ++i) {
    if (item_ids[i] == new_item_ids[i]) {
      return Fail("The new item id should be different from the old item id");
    }
    const int index = FirstItem(order, item_ids[i]);
    if (index < 0) return Fail("Item " + item_ids[i] + " not found");
    const Value& item = order.Find("items")->elements()[static_cast<size_t>(index)];
    std::string error;
    const Value* variant = GetVariant(db, Field(item, "product_id"), new_item_ids[i], &error);
    if (variant == nullptr) return Fail(error);
    if (!variant->Find("available")->AsBool()) {
      return Fail("New item " + new_item_ids[i] + " not found or available");
    }
    diff_price += Number(*variant, "price") - Number(item, "price");
    last_variant = *variant;
  }
  const std::string& pm_id = Str(args, "payment_method_id");
  const std::string user_id = Field(order, "user_id");
  std::string error;
  const Value* pm = GetPaymentMethod(db, user_id, pm_id, &error);
  if (pm == nullptr) return Fail(error);
  if (IsGiftCard(*pm) && Number(*pm, "balance") < diff_price) {
    return Fail("Insufficient gift card balance to pay for the new item");
  }
  order = order.With("payment_history",
                     order.Find("payment_history")
                         ->Appended(Payment(diff_price > 0 ? "payment" : "refund",
                                            Value::Float(std::fabs(diff_price)), pm_id)));
  if (IsGiftCard(*pm)) db = SetBalance(db, user_id, pm_id, Number(*pm, "balance") - diff_price);
  for (size_t i = 0; i < item_ids.size(); ++i) {
    const int index = FirstItem(order, item_ids[i]);
    if (index < 0) {
      ctx.SetState(kApp, Put(db, Ptr({"orders", order_id}), order));  // payment already recorded
      return Fail("Item " + item_ids[i] + " not found");
    }
    const auto& items = *order.Find("items");
    const Value& item = items.elements()[static_cast<size_t>(index)];
    Value modified = item.With("item_id", Value::String(new_item_ids[i]))
                         .With("price", *last_variant.Find("price"))
                         .With("options", *last_variant.Find("options"));
    order = order.With("items", items.WithElement(static_cast<size_t>(index), std::move(modified)));
  }
  order = order.With("status", Value::String("pending (item modified)"));
  ctx.SetState(kApp, Put(db, Ptr({"orders", order_id}), order));
  return ToolResult::Ok(order.Canonical());
}

ToolResult ModifyPendingOrderPayment(ToolContext& ctx, const nlohmann::json& args) {
  Value db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  Value order = *found;
  if (Field(order, "status").find("pending") == std::string::npos) {
    return Fail("Non-pending order cannot be modified");
  }
  const std::string& pm_id = Str(args, "payment_method_id");
  const std::string user_id = Field(order, "user_id");
  std::string error;
  const Value* pm = GetPaymentMethod(db, user_id, pm_id, &error);
  if (pm == nullptr) return Fail(error);
  const auto& history = order.Find("payment_history")->elements();
  if (history.size() != 1 || Field(history[0], "transaction_type") != "payment") {
    return Fail("There should be exactly one payment for a pending order");
  }
  const std::string old_pm_id = Field(history[0], "payment_method_id");
  if (old_pm_id == pm_id) {
    return Fail("The new payment method should be different from the current one");
  }
  const Value amount = *history[0].Find("amount");
  if (IsGiftCard(*pm) && Number(*pm, "balance") < amount.AsDouble()) {
    return Fail("Insufficient gift card balance to pay for the order");
  }
  order = order.With("payment_history", order.Find("payment_history")
                                            ->Appended(Payment("payment", amount, pm_id))
                                            .Appended(Payment("refund", amount, old_pm_id)));
  db = Put(db, Ptr({"orders", order_id}), order);
  if (IsGiftCard(*pm)) {
    db = SetBalance(db, user_id, pm_id, Number(*pm, "balance") - amount.AsDouble());
  }
  const Value* old_pm = GetPaymentMethod(db, user_id, old_pm_id, &error);
  if (old_pm == nullptr) {
    ctx.SetState(kApp, db);  // the new payment is already recorded
    return Fail(error);
  }
  if (IsGiftCard(*old_pm)) {
    db = SetBalance(db, user_id, old_pm_id, Number(*old_pm, "balance") + amount.AsDouble());
  }
  ctx.SetState(kApp, db);
  return ToolResult::Ok(order.Canonical());
}

ToolResult ModifyUserAddress(ToolContext& ctx, const nlohmann::json& args) {
  const Value& db = ctx.State(kApp);
  const std::string& user_id = Str(args, "user_id");
  const Value* found = GetUser(db, user_id);
  if (found == nullptr) return Fail("User not found");
  Value user = found->With("address", Address(args));
  ctx.SetState(kApp, Put(db, Ptr({"users", user_id}), user));
  return ToolResult::Ok(user.Canonical());
}

ToolResult ReturnDeliveredOrderItems(ToolContext& ctx, const nlohmann::json& args) {
  const Value& db = ctx.State(kApp);
  const std::string& order_id = Str(args, "order_id");
  const Value* found = GetOrder(db, order_id);
  if (found == nullptr) return Fail("Order not found");
  Value order = *found;
  if (Field(order, "status") != "delivered") return Fail("Non-delivered order cannot be returned");
  const std::string& pm_id = Str(args, "payment_method_id");
  std::string error;
  const Value* pm = GetPaymentMethod(db, Field(order, "user_id"), pm_id, &error);
  if (pm == nullptr) return Fail(error);
  if (!IsGiftCard(*pm)) {
    const auto& history = order.Find("payment_history")->elements();
    if (history.empty()) return Fail("list index out of range");  // payment_history[0]
    if (pm_id != Field(history[0], "payment_method_id")) {
      return Fail("Payment method should be the original payment method");
    }
  }
  const std::vector<std::string> item_ids = StrList(args, "item_ids");
  if (MissingItem(item_ids, OrderItemIds(order)) != nullptr) return Fail("Some item not found");
  order = order.With("status", Value::String("return requested"))
              .With("return_items", StringArray(item_ids))
              .With("return_payment_method_id", Value::String(pm_id));
  ctx.SetState(kApp, Put(db, Ptr({"orders", order_id}), order));
  return ToolResult::Ok(order.Canonical());
}

// --- schemas ---------------------------------------------------------------------------------

std::string ObjectSchema(std::initializer_list<std::pair<const char*, const char*>> props) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& [name, type] : props) {
    if (std::string_view(type) == "string[]") {
      properties[name] = {{"type", "array"}, {"items", {{"type", "string"}}}};
    } else {
      properties[name] = {{"type", type}};
    }
    required.push_back(name);
  }
  return base::Dump(nlohmann::json{{"type", "object"},
                                   {"properties", properties},
                                   {"required", required},
                                   {"additionalProperties", false}});
}

std::string AddressSchema(const char* id_field) {
  return ObjectSchema({{id_field, "string"},
                       {"address1", "string"},
                       {"address2", "string"},
                       {"city", "string"},
                       {"state", "string"},
                       {"country", "string"},
                       {"zip", "string"}});
}

}  // namespace

base::Status RegisterRetailTools(ToolRegistry& r) {
  const std::vector<Tool> tools = {
      {"calculate",
       "Evaluate an arithmetic expression (numbers, + - * /, parentheses); the result is rounded "
       "to 2 decimals.",
       ObjectSchema({{"expression", "string"}}), true, kApp, CalculateTool},
      {"cancel_pending_order",
       "Cancel a pending order (reason: 'no longer needed' or 'ordered by mistake'); payments are "
       "refunded, to gift cards immediately. Ask the user to confirm first.",
       ObjectSchema({{"order_id", "string"}, {"reason", "string"}}), false, kApp,
       CancelPendingOrder},
      {"exchange_delivered_order_items",
       "Request an exchange of items of a delivered order for other variants of the same products; "
       "the price difference is paid or refunded with the given payment method. Once per order; "
       "confirm first.",
       ObjectSchema({{"order_id", "string"},
                     {"item_ids", "string[]"},
                     {"new_item_ids", "string[]"},
                     {"payment_method_id", "string"}}),
       false, kApp, ExchangeDeliveredOrderItems},
      {"find_user_id_by_name_zip", "Find a user id by first name, last name and zip code.",
       ObjectSchema({{"first_name", "string"}, {"last_name", "string"}, {"zip", "string"}}), true,
       kApp, FindUserIdByNameZip},
      {"find_user_id_by_email", "Find a user id by e-mail address.",
       ObjectSchema({{"email", "string"}}), true, kApp, FindUserIdByEmail},
      {"get_order_details", "Get the status and details of an order (ids look like '#W0000000').",
       ObjectSchema({{"order_id", "string"}}), true, kApp, GetOrderDetails},
      {"get_product_details", "Get a product and all its variants (item ids) by product id.",
       ObjectSchema({{"product_id", "string"}}), true, kApp, GetProductDetails},
      {"get_item_details", "Get one item (variant) by item id.",
       ObjectSchema({{"item_id", "string"}}), true, kApp, GetItemDetails},
      {"get_user_details", "Get a user's profile, payment methods and order ids.",
       ObjectSchema({{"user_id", "string"}}), true, kApp, GetUserDetails},
      {"list_all_product_types",
       "List every product name with its product id (JSON, sorted by name).", ObjectSchema({}),
       true, kApp, ListAllProductTypes},
      {"modify_pending_order_address",
       "Change the shipping address of a pending order. Confirm first.", AddressSchema("order_id"),
       false, kApp, ModifyPendingOrderAddress},
      {"modify_pending_order_items",
       "Swap items of a pending order for other variants of the same products; the price "
       "difference is paid or refunded with the given payment method. Once per order; confirm "
       "first.",
       ObjectSchema({{"order_id", "string"},
                     {"item_ids", "string[]"},
                     {"new_item_ids", "string[]"},
                     {"payment_method_id", "string"}}),
       false, kApp, ModifyPendingOrderItems},
      {"modify_pending_order_payment",
       "Pay a pending order with a different payment method of the same user. Confirm first.",
       ObjectSchema({{"order_id", "string"}, {"payment_method_id", "string"}}), false, kApp,
       ModifyPendingOrderPayment},
      {"modify_user_address", "Change a user's default address. Confirm first.",
       AddressSchema("user_id"), false, kApp, ModifyUserAddress},
      {"return_delivered_order_items",
       "Request a return of items of a delivered order; refund to the original payment method or a "
       "gift card. Confirm first.",
       ObjectSchema(
           {{"order_id", "string"}, {"item_ids", "string[]"}, {"payment_method_id", "string"}}),
       false, kApp, ReturnDeliveredOrderItems},
      {"transfer_to_human_agents",
       "Hand the conversation to a human agent with a summary of the issue.",
       ObjectSchema({{"summary", "string"}}), true, kApp, TransferToHumanAgents},
  };
  for (const Tool& tool : tools) ASSAY_TRY(r.Register(tool));
  return base::Ok();
}

// --- database --------------------------------------------------------------------------------

namespace {

Value AsFloat(const Value& v) {
  return v.kind() == Value::Kind::kInt ? Value::Float(v.AsDouble()) : v;
}

// Applies f to each member of an object, rebuilding it.
template <typename F>
Value MapMembers(const Value& object, F f) {
  std::vector<Value::Member> out;
  out.reserve(object.size());
  for (const auto& [key, v] : object.members()) out.emplace_back(key, f(v));
  return Value::Object(std::move(out));
}

template <typename F>
Value MapElements(const Value& array, F f) {
  std::vector<Value> out;
  out.reserve(array.size());
  for (const Value& v : array.elements()) out.push_back(f(v));
  return Value::Array(std::move(out));
}

Value WithFloat(const Value& record, std::string_view key) {
  const Value* v = record.Find(key);
  if (v == nullptr || v->kind() != Value::Kind::kInt) return record;
  return record.With(key, AsFloat(*v));
}

constexpr const char* kOptionalOrderFields[] = {"cancel_reason",
                                                "exchange_items",
                                                "exchange_new_items",
                                                "exchange_payment_method_id",
                                                "exchange_price_difference",
                                                "return_items",
                                                "return_payment_method_id"};

}  // namespace

Value NormalizeRetailDb(const Value& raw) {
  Value db = raw;
  if (const Value* orders = raw.Find("orders")) {
    db = db.With("orders", MapMembers(*orders, [](const Value& order) {
                   Value o = order;
                   for (const char* field : kOptionalOrderFields) {
                     if (o.Find(field) == nullptr) o = o.With(field, Value());
                   }
                   o = WithFloat(o, "exchange_price_difference");
                   if (const Value* items = o.Find("items")) {
                     o = o.With("items", MapElements(*items, [](const Value& i) {
                                  return WithFloat(i, "price");
                                }));
                   }
                   if (const Value* history = o.Find("payment_history")) {
                     o = o.With("payment_history", MapElements(*history, [](const Value& p) {
                                  return WithFloat(p, "amount");
                                }));
                   }
                   return o;
                 }));
  }
  if (const Value* products = raw.Find("products")) {
    db = db.With("products", MapMembers(*products, [](const Value& product) {
                   const Value* variants = product.Find("variants");
                   if (variants == nullptr) return product;
                   return product.With("variants", MapMembers(*variants, [](const Value& v) {
                                         return WithFloat(v, "price");
                                       }));
                 }));
  }
  if (const Value* users = raw.Find("users")) {
    db = db.With("users", MapMembers(*users, [](const Value& user) {
                   const Value* methods = user.Find("payment_methods");
                   if (methods == nullptr) return user;
                   return user.With("payment_methods", MapMembers(*methods, [](const Value& pm) {
                                      return WithFloat(pm, "balance");
                                    }));
                 }));
  }
  return db;
}

base::Result<Value> LoadRetailDb(const std::string& path) {
  ASSAY_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  ASSAY_ASSIGN_OR_RETURN(Value raw, Value::Parse(text));
  for (const char* table : {"orders", "products", "users"}) {
    const Value* t = raw.Find(table);
    if (t == nullptr || !t->is_object()) {
      return base::Error::Invalid(path + ": expected an object \"" + table + "\"");
    }
  }
  return NormalizeRetailDb(raw);
}

base::Result<std::vector<Task>> LoadRetailTasks(const std::string& path, const Value& db) {
  ASSAY_ASSIGN_OR_RETURN(std::string text, base::ReadFile(path));
  ASSAY_ASSIGN_OR_RETURN(nlohmann::json j, base::ParseJson(text));
  if (!j.is_array()) return base::Error::Invalid(path + ": expected an array of tasks");
  World initial;
  initial.Set(kApp, db);
  std::vector<Task> tasks;
  tasks.reserve(j.size());
  for (const auto& t : j) {
    Task task;
    task.id = t.value("id", "");
    task.initial = initial;
    if (auto s = t.find("user_scenario"); s != t.end() && s->is_object()) {
      if (auto ins = s->find("instructions"); ins != s->end() && ins->is_object()) {
        task.instruction = ins->value("reason_for_call", "");
      }
    }
    if (auto init = t.find("initial_state"); init != t.end() && !init->is_null()) {
      return base::Error::Invalid("task " + task.id + ": initial_state is not supported");
    }
    const auto criteria = t.find("evaluation_criteria");
    if (criteria != t.end() && criteria->is_object()) {
      if (auto actions = criteria->find("actions");
          actions != criteria->end() && actions->is_array()) {
        for (const auto& a : *actions) {
          if (a.value("requestor", "assistant") != "assistant") {
            return base::Error::Invalid("task " + task.id +
                                        ": user-side actions are not supported");
          }
          task.reference_actions.push_back(
              {a.value("name", ""), base::Dump(a.value("arguments", nlohmann::json::object()))});
        }
      }
    }
    task.checker.hash_app = kApp;
    tasks.push_back(std::move(task));
  }
  return tasks;
}

base::Result<SuiteHashes> ReplayRetailSuite(const Value& db, const std::vector<Task>& tasks,
                                            const ToolRegistry& tools, int threads) {
  SuiteHashes out;
  out.initial_db_hash = db.Sha256();
  out.tasks.resize(tasks.size());
  base::FakeClock clock;  // the retail tools do not read time; a fixed clock keeps runs equal
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < tasks.size(); i = next.fetch_add(1)) {
      Session s = Replay(tools, tasks[i].initial, tasks[i].reference_actions, clock, /*seed=*/i,
                         /*record=*/false);
      out.tasks[i] = {tasks[i].id, s.world().AppHash(kApp)};
    }
  };
  const int n = std::max(1, std::min<int>(threads, static_cast<int>(tasks.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return out;
}

}  // namespace workplace::tau2
