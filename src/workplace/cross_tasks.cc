// Tasks that span the workplace apps: a mail leads to a calendar booking, a file is filed and
// its link shared in chat, an unread thread is summarised to the manager.
#include "workplace/app_util.h"
#include "workplace/apps.h"
#include "workplace/calendar.h"
#include "workplace/chat.h"
#include "workplace/files.h"
#include "workplace/mail.h"
#include "workplace/people.h"

namespace workplace {
base::Result<std::vector<Task>> CrossAppTasks(const World& w, const ToolRegistry& tools) {
  std::vector<Task> tasks;
  tasks.push_back(
      TaskBuilder("cross-meeting-request",
                  "Jin Park e-mailed a meeting request. Book it as he asks (title, length, "
                  "people, the earliest slot when all are free) and reply to his e-mail with "
                  "the booked time.",
                  w)
          .Do("mail_search", {{"query", "meeting request"}, {"unread_only", true}})
          .Do("mail_read", {{"id", "m-004"}})
          .Do("calendar_free_busy", {{"people", {"u-lmartins", "Jin Park", "Ravi Patel"}},
                                     {"start", "2026-01-07T00:00:00Z"},
                                     {"end", "2026-01-08T00:00:00Z"},
                                     {"duration_minutes", 45}})
          .Do("calendar_create_event", {{"title", "Data platform cost review"},
                                        {"start", "2026-01-07T12:30:00Z"},
                                        {"end", "2026-01-07T13:15:00Z"},
                                        {"attendees", {"Jin Park", "Ravi Patel"}},
                                        {"avoid_conflicts", true}})
          .Do("mail_reply",
              {{"id", "m-004"},
               {"reply_all", true},
               {"body", "Booked: Data platform cost review, Wed Jan 7, 12:30-13:15 UTC. Leo"}})
          .ExpectNew("/calendar/events",
                     "Data platform cost review, Jan 7 12:30-13:15, Jin and Ravi",
                     Booked("cost review", "2026-01-07T12:30:00Z", "2026-01-07T13:15:00Z",
                            {"u-jpark", "u-rpatel"}))
          .ExpectNew("/mail/messages", "a reply to Jin with the time",
                     SentTo("jin.park@northwind.example", {"12:30"}, "t-004"))
          .Build());
  tasks.push_back(
      TaskBuilder("cross-file-and-share",
                  "File the CloudNine invoice INV-4471 (now in 'Mail attachments') in "
                  "Finance/Invoices, then answer Omar's question in the #month-end-close thread "
                  "with the file's link.",
                  w)
          .Do("files_search", {{"query", "INV-4471"}})
          .Do("files_move", {{"id", "f-inv-4471"}, {"folder", "Finance/Invoices"}})
          .Do("files_read", {{"id", "f-inv-4471"}})
          .Do("chat_read_thread", {{"message_id", "cm-001"}})
          .Do("chat_reply_thread",
              {{"message_id", "cm-003"},
               {"text", "It arrived; filed under Finance/Invoices: " + FileLink("f-inv-4471")}})
          .Expect(
              PathEquals("/files/files/f-inv-4471/folder", Value::String("fo-finance-invoices")))
          .Changes("/files/files/f-inv-4471/folder")
          .ExpectNew("/chat/messages", "a reply in the close thread with the invoice link",
                     Posted("c-month-end-close", "cm-001", {FileLink("f-inv-4471")}))
          .Build());
  TaskBuilder summarise(
      "cross-summarise-thread",
      "Dana asked you in a DM for a short summary of the unread Halcyon Health late-fee e-mail "
      "thread. Read it, check the bank statement, DM her the summary (what happened, the amount "
      "in dispute, what they want and by when) and mark the thread's messages read.",
      w);
  summarise.Do("mail_search", {{"query", "Halcyon"}, {"unread_only", true}})
      .Do("mail_read_thread", {{"thread", "t-009"}})
      .Do("mail_read", {{"id", "m-002"}})
      .Do("chat_send_dm",
          {{"user", "Dana Whitfield"},
           {"text",
            "Halcyon Health: we charged a $250.00 late fee on INV-2025-121, but their "
            "$24,750.00 wire arrived Oct 10 (on the First Harbor statement), before the "
            "Oct 15 due date. Kate asks for a $250.00 credit memo by Jan 9; they are "
            "mid-renewal."}});
  for (const char* id : {"m-009", "m-010", "m-011"}) {
    summarise.Do("mail_label", {{"id", id}, {"remove", {"unread"}}})
        .Expect(PathEquals(Ptr({"mail", "messages", id, "labels"}), StringArray({"inbox"})))
        .Changes(Ptr({"mail", "messages", id, "labels"}));
  }
  tasks.push_back(
      summarise
          .ExpectNew("/chat/messages", "a DM to Dana with Halcyon, $250, credit and Jan 9",
                     Posted("dm-u-dwhitfield", "", {"Halcyon", "250", "credit", "Jan 9"}))
          .Build());
  tasks.push_back(
      TaskBuilder("cross-invoice-to-ap",
                  "Amy asked in a DM where the CloudNine invoice is. Forward her the invoice "
                  "e-mail with its attachment, then tell her in the DM that you have forwarded it.",
                  w)
          .Do("chat_read_channel", {{"channel", "dm-u-achen"}})
          .Do("mail_forward",
              {{"id", "m-001"}, {"to", {"Amy Chen"}}, {"body", "For Friday's payment run."}})
          .Do("chat_send_dm",
              {{"user", "u-achen"}, {"text", "It came to me; I've forwarded it to you just now."}})
          .ExpectNew("/mail/messages", "the invoice forwarded to Amy with INV-4471 attached",
                     [](const Value& m) {
                       if (!ListHas(m, "to", "amy.chen@northwind.example")) return false;
                       for (const Value& a : m.Find("attachments")->elements()) {
                         if (Field(a, "file_id") == "f-inv-4471") return true;
                       }
                       return false;
                     })
          .ExpectNew("/chat/messages", "a DM to Amy saying it was forwarded",
                     Posted("dm-u-achen", "", {"forward"}))
          .Build());
  ASSAY_ASSIGN_OR_RETURN(std::vector<Task> finance, FinanceCrossTasks(w, tools));
  for (Task& t : finance) tasks.push_back(std::move(t));
  return tasks;
}

}  // namespace workplace
