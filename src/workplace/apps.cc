#include "workplace/apps.h"

#include "workplace/books.h"
#include "workplace/calendar.h"
#include "workplace/chat.h"
#include "workplace/crm.h"
#include "workplace/files.h"
#include "workplace/hr.h"
#include "workplace/mail.h"
#include "workplace/sheet.h"

namespace workplace {

const std::vector<App>& Apps() {
  // One row per app: {name, description, Seed, RegisterTools, Tasks}.
  static const std::vector<App> kApps = {
      {"mail", "Leo Martins's mailbox: search, read, send, reply, forward, labels", MailSeed,
       RegisterMailTools, MailTasks},
      {"chat", "team chat: channels, DMs, threads, reactions, the people directory", ChatSeed,
       RegisterChatTools, ChatTasks},
      {"calendar", "everyone's calendar: events, attendees, free/busy, daily/weekly recurrence",
       CalendarSeed, RegisterCalendarTools, CalendarTasks},
      {"files", "shared drive: folders, documents, share links", FilesSeed, RegisterFilesTools,
       FilesTasks},
      {"sheet", "workbooks with formulas (SUM, IF, VLOOKUP, cross-sheet refs) and recalculation",
       SheetSeed, RegisterSheetTools, SheetTasks},
      {"books", "double-entry books: accounts, balanced entries, AR/AP, bank reconciliation, close",
       BooksSeed, RegisterBooksTools, BooksTasks},
      {"hr", "employees, managers, time-off requests and balances, payroll inputs", HrSeed,
       RegisterHrTools, HrTasks},
      {"crm", "companies, contacts, deals through pipeline stages, activities", CrmSeed,
       RegisterCrmTools, CrmTasks},
  };
  return kApps;
}

const App* FindApp(std::string_view name) {
  for (const App& app : Apps()) {
    if (app.name == name) return &app;
  }
  return nullptr;
}

World WorkplaceWorld() {
  World world;
  for (const App& app : Apps()) world.Set(std::string(app.name), app.seed());
  return world;
}

base::Status RegisterWorkplaceTools(ToolRegistry& registry) {
  for (const App& app : Apps()) ASSAY_TRY(app.register_tools(registry));
  return base::Ok();
}

}  // namespace workplace
