// The JSONL export: one line per item, in import order, with every submission and its review.
#include "work/display.h"
#include "work/internal.h"
#include "work/render.h"
#include "work/service.h"

namespace work {

base::Result<JsonlExport> Service::OpenExport(const Caller& caller, std::string_view project_id) {
  Project project;
  ASSAY_TRY(db_.Read([&](storage::Conn& c) -> base::Status {
    ASSAY_TRY(RequireProjectRole(c, caller, project_id, {"manager"}));
    return base::Ok();
  }));
  ASSAY_ASSIGN_OR_RETURN(project, GetProject(caller, project_id));
  return JsonlExport(db_, std::move(project));
}

base::Result<JsonlExport> Service::OpenSelectionExport(const Caller& caller, std::string_view project_id,
                                                       std::string_view job_id) {
  ASSAY_ASSIGN_OR_RETURN(JsonlExport exp, OpenExport(caller, project_id));
  exp.job_id_ = std::string(job_id);
  return exp;
}

base::Status Service::ExportJsonl(const Caller& caller, std::string_view project_id, const LineSinkFn& sink) {
  ASSAY_ASSIGN_OR_RETURN(JsonlExport exp, OpenExport(caller, project_id));
  return exp.Stream(sink);
}

base::Status JsonlExport::Stream(const LineSinkFn& sink) const {
  const std::string& project_id = project_.id;
  // The order each item's responses were shown in (display.h), so answers can be read in it.
  Display display{project_.hide_models, project_.shuffle_responses, {}};
  if (auto t = Template::ParseText(project_.template_json)) {
    for (const Template::Source& s : t->RequiredSources()) {
      if (s.shape == Template::Shape::kResponses) display.response_paths.push_back(s.path);
    }
  }
  return db_->Read([&](storage::Conn& c) -> base::Status {
    std::string current_item, head, subs;
    auto emit = [&]() -> base::Status {
      if (current_item.empty()) return base::Ok();
      std::string line = head + ",\"submissions\":[" + subs + "]}";
      return sink(line);
    };
    ASSAY_TRY(c.QueryEach(
        "SELECT i.id, i.external_id, i.data, i.gold, s.id, s.assignment_id, s.expert_id, s.client_submission_id, "
        "s.answer, s.active_ms, s.submitted_at_us, s.state, r.verdict, r.reason, r.reviewer_id, r.created_at_us "
        "FROM items i LEFT JOIN submissions s ON s.item_id = i.id LEFT JOIN reviews r ON r.id = "
        "(SELECT r2.id FROM reviews r2 WHERE r2.submission_id = s.id ORDER BY r2.created_at_us DESC, r2.id DESC LIMIT 1) "
        "WHERE i.project_id = ? " +
            std::string(job_id_.empty() ? "" : "AND i.seq IN (SELECT j.seq FROM job_items j WHERE j.job_id = ?) ") +
            "ORDER BY i.seq, s.submitted_at_us, s.id",
        job_id_.empty() ? storage::Params{project_id} : storage::Params{project_id, job_id_},
        [&](const storage::Row& r) -> base::Status {
          if (r.Text(0) != current_item) {
            ASSAY_TRY(emit());
            current_item = r.Text(0);
            std::string h = JsonObject()
                                .Str("item_id", r.Text(0))
                                .OptStr("external_id", r.OptText(1))
                                .Raw("data", OneLine(r.Text(2)))
                                .Raw("gold", r.IsNull(3) ? "null" : OneLine(r.Text(3)))
                                .Raw("response_order", ResponseOrderJson(r.Text(0), r.Text(2), display))
                                .Finish();
            head = h.substr(0, h.size() - 1);  // reopen the object to append "submissions"
            subs.clear();
          }
          if (r.IsNull(4)) return base::Ok();
          JsonObject s;
          s.Str("submission_id", r.Text(4))
              .Str("assignment_id", r.Text(5))
              .Str("expert_id", r.Text(6))
              .Str("client_submission_id", r.Text(7))
              .Raw("answer", OneLine(r.Text(8)))
              .Int("active_ms", r.Int(9))
              .Time("submitted_at", r.Int(10))
              .Str("state", r.Text(11));
          if (r.IsNull(12)) {
            s.Null("review");
          } else {
            s.Raw("review", JsonObject()
                                .Str("verdict", r.Text(12))
                                .Str("reason", r.Text(13))
                                .Str("reviewer_id", r.Text(14))
                                .Time("reviewed_at", r.Int(15))
                                .Finish());
          }
          if (!subs.empty()) subs += ',';
          subs += s.Finish();
          return base::Ok();
        }));
    return emit();
  });
}

}  // namespace work
