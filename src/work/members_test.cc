// Membership (issue 11, defects 8 and 15): managers invite and people accept; a project role
// never exceeds the account's role; a project always keeps a manager; removing a member gives
// her live leases back and keeps her submissions.
#include <gtest/gtest.h>

#include "work/work_testing.h"

namespace work {
namespace {

class MembersTest : public testing::WorkFixture {
 protected:
  // The invitation `who` has for `project`, accepted (or declined).
  base::Status Answer(const Caller& who, const std::string& project, bool accept) {
    auto mine = svc_->MyInvitations(who);
    if (!mine) return mine.error();
    for (const Invitation& v : *mine) {
      if (v.project_id == project) return svc_->AnswerInvitation(who, v.id, accept);
    }
    return base::Error::NotFound("no invitation");
  }
};
ASSAY_INSTANTIATE_WORK_FIXTURE(MembersTest);

TEST_P(MembersTest, AnInvitationIsAnsweredByTheInviteeOnly) {
  std::string project = MakeProject(3, 1, {});
  Caller ann = MakeCaller("ann@example.com", Role::kExpert);
  Caller bob = MakeCaller("bob@example.com", Role::kExpert);
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "Ann@Example.com ", "expert"));
  // Nobody with this email yet: the manager is told exactly the same.
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "later@example.com", "expert"));
  // Not a member until she accepts: no lease.
  EXPECT_EQ(svc_->AcquireLease(ann, project).error().code(), base::ErrorCode::kNotFound);
  auto listed = svc_->ListMembers(manager_, project);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->invitations.size(), 2u);
  auto ann_invites = svc_->MyInvitations(ann);
  ASSERT_TRUE(ann_invites && ann_invites->size() == 1u);
  EXPECT_EQ(ann_invites->at(0).role, "expert");
  EXPECT_EQ(ann_invites->at(0).project_name, "Preferences");
  // Bob cannot answer Ann's invitation, nor see it.
  EXPECT_TRUE(svc_->MyInvitations(bob)->empty());
  EXPECT_EQ(svc_->AnswerInvitation(bob, ann_invites->at(0).id, true).error().code(), base::ErrorCode::kNotFound);
  ASSERT_TRUE(Answer(ann, project, true));
  EXPECT_EQ(svc_->AnswerInvitation(ann, ann_invites->at(0).id, true).error().code(), base::ErrorCode::kConflict);
  auto lease = svc_->AcquireLease(ann, project);
  ASSERT_TRUE(lease && lease->has_value());
  // The one who signs up later with that email finds the invitation waiting.
  Caller later = MakeCaller("later@example.com", Role::kExpert);
  ASSERT_TRUE(Answer(later, project, false));
  EXPECT_EQ(svc_->AcquireLease(later, project).error().code(), base::ErrorCode::kNotFound);
  EXPECT_TRUE(svc_->ListMembers(manager_, project)->invitations.empty());
  // Only managers of the project invite.
  EXPECT_EQ(svc_->InviteMember(ann, project, "x@example.com", "expert").error().code(),
            base::ErrorCode::kPermissionDenied);
  Caller stranger = MakeCaller("stranger@example.com", Role::kManager);
  EXPECT_EQ(svc_->InviteMember(stranger, project, "x@example.com", "expert").error().code(),
            base::ErrorCode::kNotFound);
}

// Issue 11, defect 8: a manager gave a global expert the project role manager, and that expert
// then ran the project. A project role never exceeds the account's.
TEST_P(MembersTest, AProjectRoleNeverExceedsTheAccountsRole) {
  std::string project = MakeProject(2, 1, {});
  Caller expert = MakeCaller("eve@example.com", Role::kExpert);
  Caller reviewer = MakeCaller("rita@example.com", Role::kReviewer);
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "eve@example.com", "manager"));
  auto refused = Answer(expert, project, true);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().DetailsJson().find("\"max_role\":\"expert\""), std::string::npos);
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "eve@example.com", "expert"));
  ASSERT_TRUE(Answer(expert, project, true));
  EXPECT_EQ(svc_->UpdateMember(manager_, project, expert.user_id, "manager").error().code(),
            base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(svc_->UpdateMember(manager_, project, expert.user_id, "reviewer").error().code(),
            base::ErrorCode::kFailedPrecondition);
  // Still an expert: she cannot edit the project or see its members.
  EXPECT_EQ(svc_->ListMembers(expert, project).error().code(), base::ErrorCode::kPermissionDenied);
  ProjectFields rename;
  rename.name = "taken over";
  EXPECT_EQ(svc_->UpdateProject(expert, project, rename).error().code(), base::ErrorCode::kPermissionDenied);
  // A reviewer account may review, not manage.
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "rita@example.com", "reviewer"));
  ASSERT_TRUE(Answer(reviewer, project, true));
  EXPECT_EQ(svc_->UpdateMember(manager_, project, reviewer.user_id, "manager").error().code(),
            base::ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(svc_->UpdateMember(manager_, project, reviewer.user_id, "expert"));
}

TEST_P(MembersTest, AProjectAlwaysKeepsAManager) {
  std::string project = MakeProject(2, 1, {});
  EXPECT_EQ(svc_->UpdateMember(manager_, project, manager_.user_id, "expert").error().code(),
            base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(svc_->RemoveMember(manager_, project, manager_.user_id).error().code(),
            base::ErrorCode::kFailedPrecondition);
  Caller second = MakeCaller("second@example.com", Role::kManager);
  ASSERT_TRUE(svc_->InviteMember(manager_, project, "second@example.com", "manager"));
  ASSERT_TRUE(Answer(second, project, true));
  // With a second manager the creator may step down, and then the second one may not.
  ASSERT_TRUE(svc_->RemoveMember(second, project, manager_.user_id));
  EXPECT_EQ(svc_->RemoveMember(second, project, second.user_id).error().code(), base::ErrorCode::kFailedPrecondition);
  EXPECT_EQ(svc_->ListMembers(manager_, project).error().code(), base::ErrorCode::kNotFound);
}

TEST_P(MembersTest, RemovingAMemberReturnsHerLeasesAndKeepsHerSubmissions) {
  Caller ann = MakeCaller("ann@example.com", Role::kExpert);
  std::string project = MakeProject(4, 1, {ann});
  auto first = svc_->AcquireLease(ann, project);
  ASSERT_TRUE(first && first->has_value());
  ASSERT_TRUE(SubmitAnswer(ann, **first, "c1"));
  auto second = svc_->AcquireLease(ann, project);
  auto third = svc_->AcquireLease(ann, project, (*second)->assignment_id);  // prefetched
  ASSERT_TRUE(second && second->has_value() && third && third->has_value());
  auto members = svc_->ListMembers(manager_, project);
  ASSERT_TRUE(members);
  const Member* listed = nullptr;
  for (const Member& m : members->members) {
    if (m.user_id == ann.user_id) listed = &m;
  }
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(listed->live_leases, 2);
  EXPECT_EQ(listed->submissions, 1);
  EXPECT_TRUE(listed->last_submitted_at_us.has_value());
  auto removed = svc_->RemoveMember(manager_, project, ann.user_id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM submissions WHERE expert_id = ?", {ann.user_id}), 1);
  EXPECT_EQ(Count("SELECT coalesce(sum(taken), 0) FROM items WHERE project_id = ?", {project}), 1);
  EXPECT_EQ(svc_->AcquireLease(ann, project).error().code(), base::ErrorCode::kNotFound);
  auto late = SubmitAnswer(ann, **second, "c2");
  ASSERT_FALSE(late);
  Caller bob = MakeCaller("bob@example.com", Role::kExpert);
  ASSERT_TRUE(svc_->AddMember(Caller::System(), project, bob.user_id, "expert"));
  int leased = 0;
  for (auto l = svc_->AcquireLease(bob, project); l && l->has_value(); l = svc_->AcquireLease(bob, project)) {
    ASSERT_TRUE(SubmitAnswer(bob, **l, "b" + std::to_string(leased++)));
  }
  EXPECT_EQ(leased, 3);  // the items Ann held came back to the pool
}

TEST_P(MembersTest, OnlyAnAdminAddsWithoutAnInvitation) {
  std::string project = MakeProject(1, 1, {});
  Caller ann = MakeCaller("ann@example.com", Role::kExpert);
  EXPECT_EQ(svc_->AddMember(manager_, project, ann.user_id, "expert").error().code(),
            base::ErrorCode::kPermissionDenied);
  Caller admin = MakeCaller("admin@example.com", Role::kAdmin);
  ASSERT_TRUE(svc_->AddMember(admin, project, "ann@example.com", "expert"));
  EXPECT_EQ(svc_->AddMember(admin, project, ann.user_id, "manager").error().code(),
            base::ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace work
