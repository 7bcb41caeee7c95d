#include "workplace/chat.h"

#include <algorithm>

#include "workplace/app_util.h"
#include "workplace/people.h"

namespace workplace {
namespace {

const std::string kApp(kChatApp);

std::vector<std::string> Everyone() {
  std::vector<std::string> ids;
  for (const Person& p : People()) ids.emplace_back(p.id);
  return ids;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

Value Channel(std::string_view name, std::string_view kind, bool is_private, std::string_view topic,
              std::vector<std::string> members) {
  return Value::Object({{"name", Value::String(std::string(name))},
                        {"kind", Value::String(std::string(kind))},
                        {"private", Value::Bool(is_private)},
                        {"topic", Value::String(std::string(topic))},
                        {"members", StringArray(Sorted(std::move(members)))}});
}

Value Message(std::string_view channel, std::string_view user, std::string_view ts,
              std::string text, std::string_view thread) {
  return Value::Object({{"channel", Value::String(std::string(channel))},
                        {"user", Value::String(std::string(user))},
                        {"ts", Value::String(std::string(ts))},
                        {"text", Value::String(std::move(text))},
                        {"thread", Value::String(std::string(thread))},
                        {"reactions", Value::EmptyObject()}});
}

std::string DmId(std::string_view person_id) { return "dm-" + std::string(person_id); }

}  // namespace

Value ChatSeed() {
  const std::string me(kMeId);
  const std::vector<std::string> finance = {"u-praman", "u-dwhitfield", "u-lmartins", "u-achen",
                                            "u-ohaddad"};
  Value channels = Value::Object({
      {"c-general", Channel("general", "channel", false, "Company-wide announcements", Everyone())},
      {"c-random", Channel("random", "channel", false, "Lunch, pets, everything else", Everyone())},
      {"c-finance", Channel("finance", "channel", false, "Finance team", finance)},
      {"c-month-end-close",
       Channel("month-end-close", "channel", false, "Month-end close coordination", finance)},
      {"c-data-platform",
       Channel("data-platform", "channel", false, "Data platform engineering",
               {"u-salvarez", "u-jpark", "u-rpatel", "u-enovak", "u-tokafor", "u-lromano"})},
      {"c-leadership", Channel("leadership", "channel", true, "Leadership team",
                               {"u-mbell", "u-praman", "u-salvarez", "u-gkim", "u-bcarter",
                                "u-kmorgan", "u-hlee", "u-ewright"})},
      {DmId("u-dwhitfield"), Channel("Dana Whitfield", "dm", true, "", {me, "u-dwhitfield"})},
      {DmId("u-achen"), Channel("Amy Chen", "dm", true, "", {me, "u-achen"})},
  });
  Value messages = Value::Object({
      {"cm-001",
       Message("c-month-end-close", "u-dwhitfield", "2025-12-30T09:05:00Z",
               "Kicking off the October close catch-up before the auditors arrive (Jan 19). "
               "@Leo Martins please put together the October month-end close report: bank rec "
               "against the First Harbor statement, open AP, anything unusual. Due Jan 7. "
               "Questions in this thread please.",
               "")},
      {"cm-002", Message("c-month-end-close", "u-achen", "2025-12-30T09:20:00Z",
                         "AP aging as of Oct 31 will be ready Monday.", "cm-001")},
      {"cm-003",
       Message("c-month-end-close", "u-ohaddad", "2025-12-30T10:02:00Z",
               "The hosting accrual depends on the CloudNine invoice. Has it arrived? Where will "
               "it be filed?",
               "cm-001")},
      {"cm-004", Message("c-finance", "u-praman", "2025-12-29T08:00:00Z",
                         "Reminder: Q4 audit fieldwork with Brightline LLP starts Jan 19.", "")},
      {"cm-005", Message("c-finance", "u-achen", "2025-12-31T09:32:00Z",
                         "Payment run is Friday Jan 2. Send me anything that needs paying.", "")},
      {"cm-006", Message("c-general", "u-obrooks", "2025-12-31T12:00:00Z",
                         "The office is closed on Jan 1. Happy new year, everyone!", "")},
      {"cm-007", Message("c-general", "u-hlee", "2025-12-18T13:10:00Z",
                         "Company offsite is on Jan 22. The agenda draft is in Files under "
                         "Operations; comments welcome.",
                         "")},
      {"cm-008", Message("c-random", "u-tokafor", "2025-12-31T11:45:00Z",
                         "Ramen place on 5th reopened. Lunch next Tuesday?", "")},
      {"cm-009", Message("c-leadership", "u-mbell", "2025-12-30T18:00:00Z",
                         "Board deck due Jan 12. Priya, finance section by Jan 9 please.", "")},
      {"cm-010", Message("c-data-platform", "u-rpatel", "2025-12-30T16:30:00Z",
                         "Storage on CloudNine is at 18 TB; we can drop about 4 TB of old "
                         "snapshots.",
                         "")},
      {"cm-011",
       Message(DmId("u-dwhitfield"), "u-dwhitfield", "2025-12-31T17:00:00Z",
               "When you get a chance, look at the Halcyon late-fee thread Kate e-mailed about "
               "and DM me a short summary: what happened and what they want.",
               "")},
      {"cm-012", Message(DmId("u-achen"), "u-achen", "2025-12-31T09:40:00Z",
                         "Did the CloudNine invoice go to you or to ap@? I don't see it.", "")},
  });
  return Value::Object({{"me", Value::String(me)},
                        {"channels", std::move(channels)},
                        {"messages", std::move(messages)}});
}

namespace {

// A conversation by id ("c-finance", "dm-u-achen") or channel name ("finance", "#finance").
// Returns the id or "".
std::string ResolveChannel(const Value& state, std::string_view ref) {
  const Value& channels = *state.Find("channels");
  if (channels.Find(ref) != nullptr) return std::string(ref);
  if (!ref.empty() && ref.front() == '#') ref.remove_prefix(1);
  for (const auto& [id, c] : channels.members()) {
    if (HasString(c, "kind", "channel") && Field(c, "name") == ref) return id;
  }
  return "";
}

bool IsMember(const Value& channel) { return ListHas(channel, "members", kMeId); }

// The channel to read or write, or an error an agent can act on.
base::Result<std::string> Conversation(const Value& state, std::string_view ref) {
  const std::string id = ResolveChannel(state, ref);
  if (id.empty())
    return base::Error::NotFound("no channel '" + std::string(ref) +
                                 "'; see chat_list_channels (DMs: chat_send_dm)");
  if (!IsMember(*state.Find("channels")->Find(id)))
    return base::Error::Forbidden("you are not a member of #" +
                                  Field(*state.Find("channels")->Find(id), "name") +
                                  "; ask a member to post it");
  return id;
}

std::string UserName(std::string_view id) {
  const Person* p = FindPerson(id);
  return p != nullptr ? std::string(p->name) : std::string(id);
}

nlohmann::json Render(const Value& state, const std::string& id, const Value& m) {
  size_t replies = 0;
  for (const auto& [other_id, other] : state.Find("messages")->members()) {
    replies += Field(other, "thread") == id ? 1 : 0;
  }
  nlohmann::json out = {{"id", id},
                        {"channel", Field(m, "channel")},
                        {"user", Field(m, "user")},
                        {"user_name", UserName(Field(m, "user"))},
                        {"ts", Field(m, "ts")},
                        {"text", Field(m, "text")},
                        {"reactions", m.Find("reactions")->ToJson()}};
  if (!Field(m, "thread").empty()) out["thread"] = Field(m, "thread");
  if (replies > 0) out["reply_count"] = replies;
  return out;
}

// Messages matching `keep`, oldest first.
nlohmann::json Collect(const Value& state, const std::function<bool(const Value&)>& keep,
                       size_t limit) {
  std::vector<std::pair<std::string, const Value*>> found;
  for (const auto& [id, m] : state.Find("messages")->members()) {
    if (keep(m)) found.emplace_back(id, &m);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return Field(*a.second, "ts") < Field(*b.second, "ts");
  });
  const size_t skip = found.size() > limit ? found.size() - limit : 0;  // the latest `limit`
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = skip; i < found.size(); ++i)
    out.push_back(Render(state, found[i].first, *found[i].second));
  return out;
}

std::string Post(ToolContext& ctx, const std::string& channel, const std::string& text,
                 const std::string& thread) {
  const std::string id = ctx.NewId();
  ctx.SetState(kApp, Put(ctx.State(kApp), Ptr({"messages", id}),
                         Message(channel, kMeId, NowText(ctx), text, thread)));
  return id;
}

ToolResult ListChannels(ToolContext& ctx, const nlohmann::json&) {
  const Value& state = ctx.State(kApp);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, c] : state.Find("channels")->members()) {
    if (c.Find("private")->AsBool() && !IsMember(c)) continue;
    out.push_back({{"id", id},
                   {"name", Field(c, "name")},
                   {"kind", Field(c, "kind")},
                   {"topic", Field(c, "topic")},
                   {"member", IsMember(c)},
                   {"members", c.Find("members")->size()}});
  }
  return OkJson({{"channels", out}});
}

ToolResult ReadChannel(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string id, Conversation(state, Arg(args, "channel")));
  nlohmann::json messages = Collect(
      state,
      [&](const Value& m) { return Field(m, "channel") == id && Field(m, "thread").empty(); },
      args.value("limit", 50));
  return OkJson({{"channel", id}, {"messages", messages}});
}

ToolResult ReadThread(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "message_id");
  const Value* parent = state.Find("messages")->Find(id);
  if (parent == nullptr)
    return ToolResult::Error("no message '" + id + "'; see chat_read_channel for ids");
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string channel, Conversation(state, Field(*parent, "channel")));
  (void)channel;
  const std::string root = Field(*parent, "thread").empty() ? id : Field(*parent, "thread");
  nlohmann::json replies = Collect(
      state, [&](const Value& m) { return Field(m, "thread") == root; }, 1000);
  return OkJson(
      {{"parent", Render(state, root, *state.Find("messages")->Find(root))}, {"replies", replies}});
}

ToolResult PostTool(ToolContext& ctx, const nlohmann::json& args) {
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string id, Conversation(ctx.State(kApp), Arg(args, "channel")));
  return OkJson({{"id", Post(ctx, id, Arg(args, "text"), "")}, {"channel", id}});
}

ToolResult ReplyThread(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "message_id");
  const Value* parent = state.Find("messages")->Find(id);
  if (parent == nullptr)
    return ToolResult::Error("no message '" + id + "'; see chat_read_channel for ids");
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string channel, Conversation(state, Field(*parent, "channel")));
  // Replies to a reply go to the thread's root, as in Slack.
  const std::string root = Field(*parent, "thread").empty() ? id : Field(*parent, "thread");
  return OkJson({{"id", Post(ctx, channel, Arg(args, "text"), root)}, {"thread", root}});
}

ToolResult SendDm(ToolContext& ctx, const nlohmann::json& args) {
  const std::string who = Arg(args, "user");
  const Person* p = FindPerson(who);
  if (p == nullptr) return ToolResult::Error("unknown user '" + who + "'; see chat_list_users");
  if (p->id == kMeId) return ToolResult::Error("you cannot send a DM to yourself");
  const std::string dm = DmId(p->id);
  if (ctx.State(kApp).Find("channels")->Find(dm) == nullptr) {
    ctx.SetState(kApp,
                 Put(ctx.State(kApp), Ptr({"channels", dm}),
                     Channel(p->name, "dm", true, "", {std::string(kMeId), std::string(p->id)})));
  }
  return OkJson({{"id", Post(ctx, dm, Arg(args, "text"), "")}, {"channel", dm}});
}

ToolResult Search(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string query = Arg(args, "query");
  const Value& channels = *state.Find("channels");
  nlohmann::json hits = Collect(
      state,
      [&](const Value& m) {
        const Value* c = channels.Find(Field(m, "channel"));
        return c != nullptr && IsMember(*c) &&
               MatchesQuery(query, {Field(m, "text")}, ctx.budget());
      },
      50);
  return OkJson({{"messages", hits}});
}

ToolResult React(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  const std::string id = Arg(args, "message_id"), emoji = Arg(args, "emoji");
  const Value* m = state.Find("messages")->Find(id);
  if (m == nullptr) return ToolResult::Error("no message '" + id + "'");
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string channel, Conversation(state, Field(*m, "channel")));
  (void)channel;
  std::vector<std::string> users = Strings(m->Find("reactions")->Find(emoji));
  if (std::find(users.begin(), users.end(), kMeId) != users.end())
    return ToolResult::Error("you already reacted with :" + emoji + ":");
  users.emplace_back(kMeId);
  std::sort(users.begin(), users.end());
  ctx.SetState(kApp, Put(state, Ptr({"messages", id, "reactions", emoji}), StringArray(users)));
  return OkJson({{"id", id}, {"emoji", emoji}, {"count", users.size()}});
}

ToolResult SetTopic(ToolContext& ctx, const nlohmann::json& args) {
  const Value& state = ctx.State(kApp);
  ASSAY_ASSIGN_OR_RETURN_TOOL(std::string id, Conversation(state, Arg(args, "channel")));
  if (!HasString(*state.Find("channels")->Find(id), "kind", "channel"))
    return ToolResult::Error("a DM has no topic");
  ctx.SetState(kApp, Put(state, Ptr({"channels", id, "topic"}), Value::String(Arg(args, "topic"))));
  return OkJson({{"channel", id}, {"topic", Arg(args, "topic")}});
}

ToolResult ListUsers(ToolContext& ctx, const nlohmann::json& args) {
  const std::string query = Arg(args, "query");
  nlohmann::json out = nlohmann::json::array();
  for (const Person& p : People()) {
    if (!MatchesQuery(query, {p.name, p.email, p.title, p.department}, ctx.budget())) continue;
    out.push_back({{"id", p.id},
                   {"name", p.name},
                   {"email", p.email},
                   {"title", p.title},
                   {"department", p.department},
                   {"manager", p.manager_id}});
  }
  return OkJson({{"users", out}});
}

}  // namespace

base::Status RegisterChatTools(ToolRegistry& r) {
  auto add = [&](const char* name, const char* description, const std::string& props,
                 const std::string& required, bool read_only, ToolHandler handler) {
    return AddTool(r, kApp, name, description, props, required, read_only, std::move(handler));
  };
  const std::string kChannel =
      R"j("channel":{"type":"string","minLength":1,"description":"channel id or name (#finance), or a DM id (dm-u-achen)"})j";
  const std::string kMessage =
      R"("message_id":{"type":"string","minLength":1,"description":"message id, e.g. cm-001"})";
  const std::string kText = R"("text":{"type":"string","minLength":1,"maxLength":4000})";
  ASSAY_TRY(
      add("chat_list_channels", "List channels and DMs you can see.", "", "", true, ListChannels));
  ASSAY_TRY(add("chat_read_channel",
                "Read the latest top-level messages of a channel or DM (with thread reply counts).",
                kChannel + R"(,"limit":{"type":"integer","minimum":1,"maximum":200})",
                R"("channel")", true, ReadChannel));
  ASSAY_TRY(add("chat_read_thread", "Read a thread: its parent message and every reply.", kMessage,
                R"("message_id")", true, ReadThread));
  ASSAY_TRY(add("chat_post", "Post a message to a channel or DM.", kChannel + "," + kText,
                R"("channel","text")", false, PostTool));
  ASSAY_TRY(add("chat_reply_thread", "Reply in the thread of a message.", kMessage + "," + kText,
                R"("message_id","text")", false, ReplyThread));
  ASSAY_TRY(add("chat_send_dm", "Send a direct message to a colleague (name, e-mail or user id).",
                R"("user":{"type":"string","minLength":1},)" + kText, R"("user","text")", false,
                SendDm));
  ASSAY_TRY(add("chat_search", "Find messages containing every word of the query.",
                R"("query":{"type":"string","minLength":1})", R"("query")", true, Search));
  ASSAY_TRY(add(
      "chat_react", "Add an emoji reaction to a message.",
      kMessage +
          R"(,"emoji":{"type":"string","minLength":1,"maxLength":40,"description":"name without colons, e.g. white_check_mark"})",
      R"("message_id","emoji")", false, React));
  ASSAY_TRY(add("chat_set_topic", "Set a channel's topic.",
                kChannel + R"(,"topic":{"type":"string","maxLength":250})", R"("channel","topic")",
                false, SetTopic));
  ASSAY_TRY(
      add("chat_list_users",
          "The company directory: ids, names, e-mails, titles and managers (filter by query).",
          R"("query":{"type":"string"})", "", true, ListUsers));
  return base::Ok();
}

}  // namespace workplace

namespace workplace {

std::function<bool(const Value&)> Posted(std::string channel, std::string thread,
                                         std::vector<std::string> words) {
  return [=](const Value& m) {
    return HasString(m, "user", kMeId) && HasString(m, "channel", channel) &&
           HasString(m, "thread", thread) &&
           std::all_of(words.begin(), words.end(), [&](const std::string& w) {
             return ContainsIgnoreCase(Field(m, "text"), w);
           });
  };
}

base::Result<std::vector<Task>> ChatTasks(const World& w, const ToolRegistry& tools) {
  std::vector<Task> tasks;
  tasks.push_back(
      TaskBuilder("chat-post-finance",
                  "Tell the #finance channel that CloudNine invoice INV-4471 for $2,899.00 has "
                  "arrived and is due on Jan 28.",
                  w)
          .Do("chat_post",
              {{"channel", "#finance"},
               {"text", "CloudNine invoice INV-4471 ($2,899.00) has arrived; due Jan 28."}})
          .ExpectNew("/chat/messages", "a #finance post naming INV-4471 and $2,899.00",
                     Posted("c-finance", "", {"INV-4471", "2,899"}))
          .Build());
  tasks.push_back(
      TaskBuilder("chat-answer-omar",
                  "In Dana's October close thread in #month-end-close, answer Omar's question: "
                  "yes, the CloudNine invoice INV-4471 arrived on Dec 29.",
                  w)
          .Do("chat_read_channel", {{"channel", "month-end-close"}})
          .Do("chat_read_thread", {{"message_id", "cm-001"}})
          .Do("chat_reply_thread",
              {{"message_id", "cm-003"},
               {"text", "@Omar Haddad yes, CloudNine INV-4471 arrived on Dec 29."}})
          .ExpectNew("/chat/messages", "a reply in the cm-001 thread about INV-4471",
                     Posted("c-month-end-close", "cm-001", {"INV-4471"}))
          .Build());
  tasks.push_back(
      TaskBuilder("chat-dm-amy",
                  "Amy asked you in a DM where the CloudNine invoice went. Answer her: it came "
                  "to you, and you will forward it to her today.",
                  w)
          .Do("chat_read_channel", {{"channel", "dm-u-achen"}})
          .Do("chat_send_dm",
              {{"user", "Amy Chen"},
               {"text", "It came to me. I'll forward the CloudNine invoice to you today."}})
          .ExpectNew("/chat/messages", "a DM to Amy saying it will be forwarded",
                     Posted("dm-u-achen", "", {"forward"}))
          .Build());
  tasks.push_back(TaskBuilder("chat-react-aging",
                              "Acknowledge Amy's AP aging update in the close thread with a "
                              ":white_check_mark: reaction.",
                              w)
                      .Do("chat_read_thread", {{"message_id", "cm-001"}})
                      .Do("chat_react", {{"message_id", "cm-002"}, {"emoji", "white_check_mark"}})
                      .Expect(PathEquals("/chat/messages/cm-002/reactions/white_check_mark",
                                         StringArray({std::string(kMeId)})))
                      .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("chat-set-topic",
                  "Set the topic of #month-end-close to 'October close: report due Jan 7'.", w)
          .Do("chat_set_topic",
              {{"channel", "month-end-close"}, {"topic", "October close: report due Jan 7"}})
          .Expect(PathEquals("/chat/channels/c-month-end-close/topic",
                             Value::String("October close: report due Jan 7")))
          .BuildExact(tools));
  tasks.push_back(
      TaskBuilder("chat-dm-it",
                  "Ask the IT administrator in a direct message to re-issue your VPN token.", w)
          .Do("chat_list_users", {{"query", "IT"}})
          .Do("chat_send_dm",
              {{"user", "u-ipetrov"}, {"text", "Hi Ivan, could you re-issue my VPN token please?"}})
          .Changes("/chat/channels/dm-u-ipetrov")
          .ExpectNew("/chat/messages", "a DM to Ivan Petrov about the VPN token",
                     Posted("dm-u-ipetrov", "", {"VPN"}))
          .Build());
  return tasks;
}

}  // namespace workplace
