// Generated from src/api/schemas.json by web/scripts/contract-types.mjs: do not edit.

export interface Schemas {
  Submission: {
    active_ms: number;
    answer: Record<string, unknown>;
    assignment_id: string;
    client_submission_id: string;
    editable_until?: string;
    expert?: {
      email: string;
      id: string;
      name: string;
    };
    expert_id: string;
    id: string;
    item_external_id?: string | null;
    item_id: string;
    project_id: string;
    review: Schemas["Review"] | null;
    sent_back: {
      at: string;
      note: string;
    } | null;
    state: "pending" | "approved" | "rejected";
    submitted_at: string;
    version: number;
  };
  Review: {
    id: string;
    reason: string;
    reviewed_at: string;
    reviewer_id: string;
    submission_id: string;
    verdict: "approve" | "reject";
  };
  PayoutBatch: {
    created_at: string;
    currency: string;
    id: string;
    min_cents: number;
    paid_at: null | string;
    payouts: Array<{
      amount_cents: number;
      currency: string;
      expert_email: string;
      expert_id: string;
      expert_name: string;
      id: string;
      status: string;
    }>;
    ready_at: string | null;
    status: string;
    total_cents: number;
  };
  Credential: {
    country: string;
    created_at: string;
    evidence: {
      bytes: number;
      content_type: string;
    } | null;
    expires_on: string | null;
    id: string;
    issuer: string;
    kind: "degree" | "licence" | "certification";
    note: string;
    number: string;
    status: "unverified" | "verified" | "rejected";
    title: string;
    verified_at: string | null;
    verified_by: string | null;
  };
  Project: {
    answer_schema: unknown;
    contract_id: string | null;
    created_at: string;
    daily_cap: number | null;
    export_experts: string;
    hide_models: boolean;
    id: string;
    instructions: string;
    lease_seconds: number;
    max_overlap: number;
    max_share: number | null;
    my_role: "admin" | "manager" | "reviewer" | "expert";
    name: string;
    overlap: number;
    pay?: {
      auto_approve_days: number | null;
      bonuses: Array<{
        metric: string;
        min: number;
        bonus_percent: number;
        min_answers: number;
      }>;
      currency: string;
      floor_hourly_cents: number;
      hourly_cents: number;
      per_item_cents: number;
      rush: Array<{
        from: string;
        to: string;
        multiplier_percent: number;
      }>;
    } | null;
    requirements: Array<Schemas["Requirement"]>;
    shuffle_responses: boolean;
    target_confidence: number;
    template: Array<{
      type: string;
      name?: string;
      [k: string]: unknown;
    }>;
    updated_at: string;
  };
  Dispute: {
    claimed_ms: number;
    created_at: string;
    expert_id: string;
    expert_name: string;
    granted_ms: number | null;
    id: string;
    project_id: string;
    project_name: string;
    reason: string;
    resolution: null | string;
    resolved_at: null | string;
    resolved_by: null | string;
    segment_active_ms: number;
    segment_id: string;
    segment_start: string;
    status: "open" | "accepted" | "rejected";
  };
  User: {
    created_at: string;
    email: string;
    id: string;
    name: string;
    role: "admin" | "manager" | "reviewer" | "expert";
  };
  UserInfo: {
    active: boolean;
    created_at: string;
    deactivated_at: null | string;
    email: string;
    has_password: boolean;
    id: string;
    name: string;
    role: "admin" | "manager" | "reviewer" | "expert";
  };
  Contract: {
    body: string;
    created_at: string;
    family_id: string;
    id: string;
    sha256: string;
    title: string;
    version: number;
  };
  ContractAcceptance: {
    accepted_at: string;
    address: string;
    contract_id: string;
    id: string;
    sha256: string;
    title: string;
    user_agent: string;
    version: number;
  };
  Expert: {
    availability_hours: number | null;
    bio: string;
    currency: string;
    domains: Array<string>;
    email: string;
    headline: string;
    languages: Array<{
      level: string;
      tag: string;
    }>;
    name: string;
    rate_cents: number | null;
    status: "applicant" | "vetting" | "active" | "paused" | "removed";
    timezone: string;
    updated_at: string;
    user_id: string;
  };
  ExpertDetail: {
    availability_hours: number | null;
    bio: string;
    contracts: Array<{
      accepted_at: string;
      address: string;
      contract_id: string;
      id: string;
      sha256: string;
      title: string;
      user_agent: string;
      version: number;
    }>;
    credentials: Array<Schemas["Credential"]>;
    currency: string;
    domains: Array<string>;
    email: string;
    headline: string;
    history: Array<Schemas["StatusChange"]>;
    languages: Array<{
      level: string;
      tag: string;
    }>;
    name: string;
    qualification_history: Array<{
      expires_at: string | null;
      granted_at: string;
      granted_by: string;
      id: string;
      qualification: string;
      qualification_id: string;
      reason: string;
      source: "test" | "gold" | "manual";
      value: boolean | number | string;
      revoked: boolean;
    }>;
    qualifications: Array<Schemas["Grant"]>;
    rate_cents: number | null;
    status: "applicant" | "vetting" | "active" | "paused" | "removed";
    status_moves?: Array<"applicant" | "vetting" | "active" | "paused" | "removed">;
    timezone: string;
    updated_at: string;
    user_id: string;
  };
  Item: {
    data: Record<string, unknown>;
    external_id: string | null;
    gold: unknown;
    id: string;
    submissions: number;
  };
  ItemContext: {
    answers: Array<Schemas["AnswerView"]>;
    consensus: Array<{
      agreement: number | null;
      component: string;
      confidence: number | null;
      field: string;
      label: string | null;
      labels: number;
      votes: Record<string, number>;
    }>;
    history: Array<{
      at: string;
      detail: string;
      kind: string;
      who: string;
    }>;
    item: Schemas["Item"];
    project_id: string;
    response_order: {
      responses: Array<number>;
    };
    stats: Schemas["ItemRow"];
  };
  Invitation: {
    created_at: string;
    email: string;
    id: string;
    invited_by: string;
    project_id: string;
    project_name: string;
    role: "manager" | "reviewer" | "expert";
  };
  LedgerTransaction: {
    created_at: string;
    currency: string;
    id: string;
    idempotency_key: string;
    kind: string;
    lines: Array<{
      account: string;
      amount_cents: number;
      owner: string;
    }>;
    memo: string;
    project_id: string;
    reverses_id: string | null;
  };
  EnvSession: {
    apps?: Array<string>;
    created_at: string;
    forked_from: null | string;
    id: string;
    instruction?: string;
    last_used_at: string;
    state_hash?: string;
    steps?: number;
    suite: string;
    task: string | null;
    tools?: number;
  };
  Qualification: {
    created_at: string;
    description: string;
    gold_rule: {
      min_answers: number;
      threshold: number;
      project_id?: string;
    } | null;
    id: string;
    kind: "flag" | "scale" | "set";
    name: string;
    min?: number;
    max?: number;
    values?: Array<string>;
  };
  SavedView: {
    created_at: string;
    created_by: string;
    id: string;
    name: string;
    project_id: string;
    query: string;
  };
  ItemRow: {
    active_ms: number;
    agreement: number | null;
    approved: number;
    confidence: number | null;
    consensus: string | null;
    data?: Record<string, unknown>;
    experts: Array<{
      id: string;
      name?: string;
    }>;
    external_id: string | null;
    fields: Record<string, unknown>;
    flags: number;
    gold?: unknown;
    gold_state: string;
    id: string;
    labels: number;
    last_activity: string;
    pending: number;
    rejected: number;
    risk: number;
    seq: number;
    skips: number;
    state: string;
    submissions: number;
  };
  Job: {
    action: "approve" | "reject" | "requeue" | "set_overlap" | "set_gold" | "export";
    changed: number;
    created_at: string;
    created_by: {
      id: string;
      name: string;
    };
    done: number;
    download?: string;
    error: string | null;
    finished_at: string | null;
    id: string;
    params: unknown;
    project_id: string;
    state: "queued" | "running" | "done" | "failed";
    total: number;
  };
  StatusChange: {
    at: string;
    by: string;
    from: "applicant" | "vetting" | "active" | "paused" | "removed";
    reason: string;
    to: "applicant" | "vetting" | "active" | "paused" | "removed";
  };
  ApiToken: {
    created_at: string;
    expires_at: string;
    id: string;
    name: string;
    revoked_at: string | null;
    scopes: Array<"read" | "work" | "manage">;
    state: "live" | "expired" | "revoked";
  };
  Error: {
    error: {
      code: string;
      message: string;
      details: Record<string, unknown>;
    };
  };
  Grant: {
    expires_at: string | null;
    granted_at: string;
    granted_by: string;
    id: string;
    qualification: string;
    qualification_id: string;
    reason: string;
    source: "test" | "gold" | "manual";
    value: boolean | number | string;
  };
  Requirement: {
    qualification: string;
    op: "exists" | "=" | ">=" | "<=" | "in";
    value?: unknown;
  } | {
    language: string;
    level?: string;
  } | {
    domain: string;
  };
  AnswerView: {
    active_ms: number;
    answer: Record<string, unknown>;
    assignment_id: string;
    client_submission_id: string;
    earlier_versions: Array<{
      version: number;
      answer: unknown;
      submitted_at: string;
      replaced_at: string;
    }>;
    expert_id: string;
    expert_name?: string;
    gold_comparison: Array<{
      field: string;
      component: string;
      expected: unknown;
      given: unknown;
      match: boolean;
      scored: boolean;
      note: string;
    }> | null;
    id: string;
    item_id: string;
    project_id: string;
    review: Schemas["Review"] | null;
    sent_back: {
      at: string;
      note: string;
    } | null;
    state: "pending" | "approved" | "rejected";
    submitted_at: string;
    version: number;
  };
  RequirementInput: {
    qualification: string;
    op?: "exists" | "=" | ">=" | "<=" | "in";
    value?: unknown;
  } | {
    language: string;
    level?: string;
  } | {
    domain: string;
  };
}

/** Per route ("GET /api/v1/me"): the JSON body it reads and the one it answers. */
export interface Routes {
  "DELETE /api/v1/env/sessions/{session_id}": {
  };
  "DELETE /api/v1/projects/{project_id}/members/{user_id}": {
    response: {
      leases_returned: number;
      removed: string;
    };
  };
  "DELETE /api/v1/tokens/{token_id}": {
  };
  "DELETE /api/v1/views/{view_id}": {
    response: {
      deleted: boolean;
    };
  };
  "GET /api/v1/assignments/{assignment_id}": {
    response: {
      expert_id: string;
      expires_at: string;
      finished_at: string | null;
      id: string;
      item: {
        data: unknown;
        id: string;
        response_order: {
          responses: Array<number>;
        };
      };
      item_id: string;
      leased_at: string;
      project_id: string;
      state: string;
    };
  };
  "GET /api/v1/contracts": {
    response: {
      contracts: Array<{
        created_at: string;
        family_id: string;
        id: string;
        sha256: string;
        title: string;
        version: number;
      }>;
    };
  };
  "GET /api/v1/contracts/{contract_id}": {
    response: Schemas["Contract"];
  };
  "GET /api/v1/credentials/{credential_id}/evidence": {
  };
  "GET /api/v1/env/sessions": {
    response: {
      sessions: Array<Schemas["EnvSession"]>;
    };
  };
  "GET /api/v1/env/sessions/{session_id}": {
    response: Schemas["EnvSession"];
  };
  "GET /api/v1/env/sessions/{session_id}/diff": {
    response: {
      changes: Array<{
        after: unknown;
        before: unknown;
        op: string;
        path: string;
      }>;
      count: number;
    };
  };
  "GET /api/v1/env/sessions/{session_id}/state": {
    response: {
      app?: string;
      app_hash?: string;
      state: Record<string, unknown>;
      state_hash?: string;
    };
  };
  "GET /api/v1/env/sessions/{session_id}/tools": {
    response: {
      tools: Array<{
        annotations?: {
          readOnlyHint: boolean;
        };
        description?: string;
        function?: {
          description: string;
          name: string;
          parameters: unknown;
        };
        inputSchema?: unknown;
        name?: string;
        type?: string;
      }>;
    };
  };
  "GET /api/v1/env/sessions/{session_id}/trajectory": {
    response: {
      messages?: Array<{
        content: null | string;
        role: string;
        tool_call_id?: string;
        tool_calls?: Array<{
          function: {
            arguments: unknown;
            name: string;
          };
          id: string;
          type: string;
        }>;
      }>;
      steps?: Array<{
        actor: string;
        arguments: unknown;
        call_id: string;
        changed_state: boolean;
        content: string;
        finished_at_us: number;
        is_error: boolean;
        name: string;
        started_at_us: number;
      }>;
    };
  };
  "GET /api/v1/env/suites": {
    response: {
      suites: Array<{
        available: boolean;
        description: string;
        name: string;
        tasks: number;
        tools: number;
      }>;
    };
  };
  "GET /api/v1/env/suites/{suite}/tasks": {
    response: {
      suite: string;
      tasks: Array<{
        id: string;
        instruction: string;
        reference_actions: number;
      }>;
    };
  };
  "GET /api/v1/experts": {
    response: {
      experts: Array<Schemas["Expert"]>;
      next_cursor: string | null;
    };
  };
  "GET /api/v1/experts/{user_id}": {
    response: Schemas["ExpertDetail"];
  };
  "GET /api/v1/items/{item_id}": {
    response: Schemas["Item"];
  };
  "GET /api/v1/items/{item_id}/context": {
    response: Schemas["ItemContext"];
  };
  "GET /api/v1/jobs/{job_id}": {
    response: Schemas["Job"];
  };
  "GET /api/v1/jobs/{job_id}/export": {
  };
  "GET /api/v1/me": {
    response: Schemas["User"];
  };
  "GET /api/v1/me/contracts": {
    response: {
      contracts: Array<Schemas["ContractAcceptance"]>;
    };
  };
  "GET /api/v1/me/earnings": {
    response: {
      currencies: Array<{
        currency: string;
        in_batch_cents: number;
        paid_cents: number;
        payable_cents: number;
        pending_cents: number;
      }>;
      currency: string;
      in_batch_cents: number;
      lines: Array<{
        amount_cents: number;
        at: string;
        currency: string;
        detail: Record<string, unknown>;
        item_external_id: string | null;
        kind: "accrual" | "reversal" | "payout" | "payout_paid" | "adjustment";
        memo: string;
        project_id: string | null;
        project_name: string | null;
        reverses_id: string | null;
        submission_id: string | null;
        transaction_id: string;
      }>;
      next_payout: {
        at: string;
        min_cents: number;
      };
      paid_cents: number;
      payable_cents: number;
      pending_cents: number;
      projects: Array<{
        approved: number;
        currency: string;
        earned_cents: number;
        effective_hourly_cents: number | null;
        name: string;
        paid_ms: number;
        pending: number;
        project_id: string;
        rejected: number;
      }>;
    };
  };
  "GET /api/v1/me/invitations": {
    response: {
      invitations: Array<Schemas["Invitation"]>;
    };
  };
  "GET /api/v1/me/profile": {
    response: Schemas["ExpertDetail"];
  };
  "GET /api/v1/me/qualifications": {
    response: {
      qualifications: Array<Schemas["Grant"]>;
    };
  };
  "GET /api/v1/me/statements": {
  };
  "GET /api/v1/me/stats": {
    response: {
      projects: Array<{
        active_seconds: number;
        approval_rate: number | null;
        approved: number;
        name: string;
        project_id: string;
        rejected: number;
        submitted: number;
      }>;
    };
  };
  "GET /api/v1/me/submissions": {
    response: {
      next_cursor: string | null;
      submissions: Array<Schemas["Submission"]>;
    };
  };
  "GET /api/v1/me/timesheet": {
    response: {
      days: Array<{
        active_ms: number;
        day: string;
        granted_ms: number;
        memo: string;
        segments: Array<{
          active_ms: number;
          assignment_id: string;
          beats: number;
          dispute: Schemas["Dispute"] | null;
          granted_ms: number;
          id: string;
          level: number;
          project_id: string;
          project_name: string;
          start: string;
        }>;
      }>;
      from: string;
      to: string;
      unverified: Array<{
        submission_id: string;
        project_id: string;
        project_name: string;
        submitted_at: string;
        claimed_ms: number;
        paid_ms: number;
      }>;
    };
  };
  "GET /api/v1/openapi.json": {
    response: Record<string, unknown>;
  };
  "GET /api/v1/payouts/batches": {
    response: {
      batches: Array<Schemas["PayoutBatch"]>;
    };
  };
  "GET /api/v1/payouts/batches/{batch_id}": {
    response: Schemas["PayoutBatch"];
  };
  "GET /api/v1/payouts/batches/{batch_id}/export": {
  };
  "GET /api/v1/projects": {
    response: {
      projects: Array<Schemas["Project"]>;
    };
  };
  "GET /api/v1/projects/{project_id}": {
    response: Schemas["Project"];
  };
  "GET /api/v1/projects/{project_id}/audit": {
    response: {
      entries: Array<{
        action: string;
        actor: {
          id: string;
          name: string;
        };
        at: string;
        detail: Record<string, unknown>;
        id: string;
        items: number;
        job_id: string | null;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/costs": {
    response: {
      approved_items: number;
      budget_left_cents: number;
      burn_rate_cents_per_day: number;
      committed_cents: number;
      correct_label_explanation: string;
      correct_label_method: "gold" | "estimated" | "gold+estimated" | "none";
      correct_labels: number | null;
      cost_per_approved_item_cents: number | null;
      cost_per_correct_label_cents: number | null;
      currency: string;
      days_left: number | null;
      fee_cents: number;
      funded_cents: number;
      leases_stopped: boolean;
      leases_stopped_reason: string;
      project_id: string;
      spend_by_day: Array<{
        cents: number;
        day: string;
      }>;
      spend_cents: number;
    };
  };
  "GET /api/v1/projects/{project_id}/disputes": {
    response: {
      disputes: Array<Schemas["Dispute"]>;
    };
  };
  "GET /api/v1/projects/{project_id}/export": {
  };
  "GET /api/v1/projects/{project_id}/exports": {
    response: {
      exports: Array<{
        aggregation: string;
        counts: {
          items: number;
          items_without_records: number;
          records: number;
          submissions: number;
        };
        created_at: string;
        created_by: string | null;
        experts: "pseudonym" | "id";
        file_name: string;
        filters: string;
        format: "jsonl" | "sft" | "dpo" | "openai" | "labelstudio" | "csv";
        id: string;
        project_id: string;
        project_name: string;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/items": {
    response: {
      items: Array<Schemas["ItemRow"]>;
      next_cursor: string | null;
      search_pending: number;
      stale: number;
      total: number;
    };
  };
  "GET /api/v1/projects/{project_id}/jobs": {
    response: {
      jobs: Array<Schemas["Job"]>;
    };
  };
  "GET /api/v1/projects/{project_id}/leaderboard": {
    response: {
      battles: number;
      bootstrap: {
        confidence: number;
        rounds: number;
        seed: number;
      };
      field: string;
      method: string;
      models: Array<{
        battles: number;
        ci_high: number;
        ci_low: number;
        elo: number;
        losses: number;
        model: string;
        score: number;
        ties: number;
        wins: number;
      }>;
      project_id: string;
      skipped: number;
      win_rates: {
        matrix: Array<Array<null | number>>;
        models: Array<string>;
      };
    };
  };
  "GET /api/v1/projects/{project_id}/members": {
    response: {
      invitations: Array<Schemas["Invitation"]>;
      members: Array<{
        added_at: string;
        email: string;
        last_submitted_at: null | string;
        live_leases: number;
        name: string;
        role: "admin" | "manager" | "reviewer" | "expert";
        submissions: number;
        user_id: string;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/progress": {
    response: {
      approved: number;
      awaiting_responses: number;
      items: number;
      leased: number;
      overlap: number;
      pending_review: number;
      rejected: number;
      submitted: number;
      target_submissions: number;
      throughput: Array<{
        bucket_start: string;
        submissions: number;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/quality": {
    response: {
      computed_at: string;
      fields: Array<{
        agreement: {
          fleiss_kappa: number | null;
          items_with_2plus: number;
          krippendorff_alpha: number | null;
          percent: number | null;
        };
        component: "pairwise" | "choice" | "rating";
        field: string;
        labels: Array<{
          confidence: number;
          external_id: string;
          item_id: string;
          label: string;
          votes: Record<string, number>;
        }>;
        labels_total: number;
        level: "nominal" | "ordinal";
        method: "mv" | "ds" | "ods" | "glad" | "mace" | "wawa";
        workers: Array<{
          accuracy: number;
          email?: string;
          expert_id: string;
          gold: {
            correct: number;
            total: number;
            low: number;
            high: number;
          } | null;
          labels: number;
          name?: string;
        }>;
      }>;
      items: number;
      overlap: {
        items_decided: number;
        items_open: number;
        max_overlap: number;
        overlap: number;
        target_confidence: number;
      };
      project_id: string;
      stale: boolean;
      submissions: number;
      version: number;
      scores: Array<{
        field: string;
        criterion: string | null;
        label: string;
        scale: {
          min: number;
          max: number;
        };
        answers: number;
        mean: number | null;
        distribution: Array<number>;
        experts: Array<{
          expert_id: string;
          name?: string;
          email?: string;
          answers: number;
          mean: number | null;
          stddev: number | null;
        }>;
        items: Array<{
          item_id: string;
          external_id: string | null;
          answers: number;
          mean: number | null;
          corrected_mean: number | null;
        }>;
        items_total: number;
      }>;
      spans: Array<{
        field: string;
        items_with_2plus: number;
        pairs: number;
        spans: number;
        exact_f1: number | null;
        overlap_f1: number | null;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/remaining": {
    response: {
      for_you: number;
      in_project: number;
      live_leases: number;
    };
  };
  "GET /api/v1/projects/{project_id}/skips": {
    response: {
      counts: {
        broken_item: number;
        other: number;
        outside_expertise: number;
      };
      recent: Array<{
        at: string;
        expert_id: string;
        expert_name: string;
        id: string;
        item_external_id: string | null;
        item_id: string;
        note: string;
        reason: string;
      }>;
    };
  };
  "GET /api/v1/projects/{project_id}/submissions": {
    response: {
      next_cursor: null | string;
      submissions: Array<Schemas["Submission"]>;
      total: number;
    };
  };
  "GET /api/v1/projects/{project_id}/views": {
    response: {
      views: Array<Schemas["SavedView"]>;
    };
  };
  "GET /api/v1/qualifications": {
    response: {
      qualifications: Array<Schemas["Qualification"]>;
    };
  };
  "GET /api/v1/submissions/{submission_id}": {
    response: Schemas["Submission"];
  };
  "GET /api/v1/submissions/{submission_id}/context": {
    response: {
      answer: Schemas["AnswerView"];
      expert: {
        approved: number;
        consensus: {
          agreed: number;
          compared: number;
        };
        gold: {
          correct: number;
          total: number;
        };
        id: string;
        median_active_ms: number;
        name?: string;
        pending: number;
        rejected: number;
        submitted: number;
      };
      item: Schemas["ItemContext"];
    };
  };
  "GET /api/v1/taxonomy": {
    response: {
      paths: Array<{
        builtin: boolean;
        label: string;
        path: string;
      }>;
    };
  };
  "GET /api/v1/tokens": {
    response: {
      tokens: Array<Schemas["ApiToken"]>;
    };
  };
  "GET /api/v1/users": {
    response: {
      next_cursor: string | null;
      users: Array<Schemas["UserInfo"]>;
    };
  };
  "GET /healthz": {
    response: {
      status: string;
    };
  };
  "GET /metrics": {
  };
  "PATCH /api/v1/projects/{project_id}": {
    request: {
      name?: string;
      instructions?: string;
      template?: Array<Record<string, unknown>>;
      overlap?: number;
      max_overlap?: number;
      lease_seconds?: number;
      target_confidence?: number;
      max_share?: number | null;
      requirements?: Array<Schemas["RequirementInput"]>;
      contract_id?: string | null;
      hide_models?: boolean;
      shuffle_responses?: boolean;
      daily_cap?: number | null;
      export_experts?: "pseudonym" | "id";
      pay?: Record<string, unknown>;
    };
    response: Schemas["Project"];
  };
  "PATCH /api/v1/submissions/{submission_id}": {
    request: {
      answer?: unknown;
      [k: string]: unknown;
    };
    response: Schemas["Submission"];
  };
  "PATCH /api/v1/users/{user_id}": {
    request: {
      active: boolean;
    };
    response: {
      created_at: string;
      email: string;
      id: string;
      name: string;
      role: "admin" | "manager" | "reviewer" | "expert";
      active: boolean;
    };
  };
  "POST /api/v1/assignments/{assignment_id}/heartbeats": {
    request: {
      active_ms?: number;
      tab_id?: string;
      [k: string]: unknown;
    };
    response: {
      credited_ms: number;
      duplicate: boolean;
      measured_ms: number;
    };
  };
  "POST /api/v1/assignments/{assignment_id}/return": {
    request: {
      lease_token?: string;
      note?: string;
      reason?: string;
      [k: string]: unknown;
    };
    response: {
      returned: boolean;
    };
  };
  "POST /api/v1/assignments/{assignment_id}/submit": {
    request: {
      active_ms: number;
      answer: unknown;
      client_submission_id: string;
      lease_token: string;
      [k: string]: unknown;
    };
    response: {
      submission: Schemas["Submission"];
    };
  };
  "POST /api/v1/auth/logout": {
    request: Record<string, unknown>;
  };
  "POST /api/v1/auth/password-reset": {
    request: {
      new_password?: string;
      token?: string;
      [k: string]: unknown;
    };
  };
  "POST /api/v1/auth/password-reset/inspect": {
    request: {
      token?: string;
      [k: string]: unknown;
    };
    response: {
      email: string;
      expires_at: string;
      name: string;
    };
  };
  "POST /api/v1/contracts": {
    request: {
      body?: string;
      title?: string;
      [k: string]: unknown;
    };
    response: Schemas["Contract"];
  };
  "POST /api/v1/contracts/{contract_id}/accept": {
    request: Record<string, unknown>;
    response: Schemas["ContractAcceptance"];
  };
  "POST /api/v1/contracts/{contract_id}/versions": {
    request: {
      title?: string;
      body: string;
      [k: string]: unknown;
    };
    response: Schemas["Contract"];
  };
  "POST /api/v1/credentials/{credential_id}/verification": {
    request: {
      status: "verified" | "rejected";
      note?: string;
      [k: string]: unknown;
    };
    response: Schemas["Credential"];
  };
  "POST /api/v1/disputes/{dispute_id}/resolve": {
    request: {
      decision: "accept" | "reject";
      granted_ms?: number;
      reason: string;
      [k: string]: unknown;
    };
    response: Schemas["Dispute"];
  };
  "POST /api/v1/env/sessions": {
    request: {
      suite: string;
      task?: string;
      world?: unknown;
      [k: string]: unknown;
    };
    response: Schemas["EnvSession"];
  };
  "POST /api/v1/env/sessions/{session_id}/call": {
    request: {
      actor?: string;
      arguments: unknown;
      name: string;
      [k: string]: unknown;
    };
    response: {
      actor: string;
      call_id: string;
      changed_state: boolean;
      content: string;
      is_error: boolean;
      state_hash: string;
    };
  };
  "POST /api/v1/env/sessions/{session_id}/check": {
    request: Record<string, unknown>;
    response: {
      changes: Array<{
        after: unknown;
        before: unknown;
        op: string;
        path: string;
      }>;
      items: Array<{
        detail: string;
        name: string;
        passed: boolean;
      }>;
      passed: boolean;
      score: number;
      state_hash: string;
      task: string;
    };
  };
  "POST /api/v1/env/sessions/{session_id}/fork": {
    request: Record<string, unknown>;
    response: Schemas["EnvSession"];
  };
  "POST /api/v1/experts/{user_id}/status": {
    request: {
      reason?: string;
      status?: string;
      [k: string]: unknown;
    };
    response: Schemas["Expert"];
  };
  "POST /api/v1/invitations/{invitation_id}/accept": {
    request: Record<string, unknown>;
    response: {
      accepted: boolean;
    };
  };
  "POST /api/v1/ledger/transactions/{transaction_id}/reversal": {
    request: {
      reason: string;
      idempotency_key?: string;
      [k: string]: unknown;
    };
    response: Schemas["LedgerTransaction"];
  };
  "POST /api/v1/me/credentials": {
    request: {
      kind?: string;
      title?: string;
      [k: string]: unknown;
    };
    response: Schemas["Credential"];
  };
  "POST /api/v1/payouts/batches": {
    request: {
      min_cents?: number;
      [k: string]: unknown;
    };
    response: Schemas["PayoutBatch"];
  };
  "POST /api/v1/payouts/batches/{batch_id}/paid": {
    request: Record<string, unknown>;
    response: Schemas["PayoutBatch"];
  };
  "POST /api/v1/projects": {
    request: {
      name: string;
      instructions?: string;
      template: Array<Record<string, unknown>>;
      overlap?: number;
      max_overlap?: number;
      lease_seconds?: number;
      target_confidence?: number;
      max_share?: number | null;
      requirements?: Array<Schemas["RequirementInput"]>;
      contract_id?: string | null;
      hide_models?: boolean;
      shuffle_responses?: boolean;
      daily_cap?: number | null;
      export_experts?: "pseudonym" | "id";
      pay?: Record<string, unknown>;
    };
    response: Schemas["Project"];
  };
  "POST /api/v1/projects/{project_id}/bulk": {
    request: {
      action: string;
      dry_run?: boolean;
      expected_count?: number;
      filter?: unknown;
      item_ids?: Array<string>;
      reason?: string;
      [k: string]: unknown;
    };
    response: {
      count: number;
      job_id: string | null;
      submissions: number;
    };
  };
  "POST /api/v1/projects/{project_id}/funding": {
    request: {
      amount_cents: number;
      currency: string;
      idempotency_key: string;
      [k: string]: unknown;
    };
    response: {
      budget_left_cents: number;
      transaction: Schemas["LedgerTransaction"];
    };
  };
  "POST /api/v1/projects/{project_id}/items": {
    request: Array<Record<string, unknown>> | Record<string, unknown>;
    response: {
      awaiting_responses?: number;
      bytes?: number;
      error_count: number;
      errors: Array<{
        line: number;
        message: string;
      }>;
      imported: number;
      job_id?: string | null;
      prior_labels?: number;
      skipped: number;
    };
  };
  "POST /api/v1/projects/{project_id}/leases": {
    request: {
      after?: unknown;
      [k: string]: unknown;
    };
    response: {
      assignment_id: string;
      expires_at: string;
      item: {
        data: Record<string, unknown>;
        id: string;
        response_order: {
          responses: Array<number>;
        } | null;
      };
      lease_token: string;
      project_id: string;
    };
  };
  "POST /api/v1/projects/{project_id}/members": {
    request: {
      email: string;
      role: string;
      [k: string]: unknown;
    };
    response: {
      invited: string;
      role: string;
    };
  };
  "POST /api/v1/projects/{project_id}/views": {
    request: {
      name?: string;
      query?: string;
      [k: string]: unknown;
    };
    response: Schemas["SavedView"];
  };
  "POST /api/v1/qualifications": {
    request: {
      kind?: string;
      name?: string;
      [k: string]: unknown;
    };
    response: Schemas["Qualification"];
  };
  "POST /api/v1/qualifications/{qualification_id}/grants": {
    request: {
      reason: string;
      user_id: string;
      value?: boolean | number | string;
      [k: string]: unknown;
    };
    response: Schemas["Grant"];
  };
  "POST /api/v1/qualifications/{qualification_id}/revocations": {
    request: {
      reason?: string;
      user_id?: string;
      [k: string]: unknown;
    };
    response: {
      revoked: boolean;
    };
  };
  "POST /api/v1/segments/{segment_id}/disputes": {
    request: {
      claimed_ms?: number;
      reason?: string;
      [k: string]: unknown;
    };
    response: Schemas["Dispute"];
  };
  "POST /api/v1/submissions/{submission_id}/review": {
    request: {
      reason?: string;
      verdict: string;
      [k: string]: unknown;
    };
    response: Schemas["Review"];
  };
  "POST /api/v1/submissions/{submission_id}/send-back": {
    request: {
      note?: string;
      [k: string]: unknown;
    };
    response: Schemas["Submission"];
  };
  "POST /api/v1/tokens": {
    request: {
      name?: string;
      scopes?: Array<string>;
      [k: string]: unknown;
    };
    response: {
      created_at: string;
      expires_at: string;
      id: string;
      name: string;
      revoked_at: string | null;
      scopes: Array<"read" | "work" | "manage">;
      state: "live" | "expired" | "revoked";
      token: string;
    };
  };
  "POST /api/v1/users": {
    request: {
      email?: string;
      password?: string;
      role?: string;
      [k: string]: unknown;
    };
    response: {
      user: Schemas["User"];
    };
  };
  "POST /api/v1/users/{user_id}/password-reset": {
    request: Record<string, unknown>;
    response: {
      expires_at: string;
      path: string;
      token: string;
      user: Schemas["User"];
    };
  };
  "PUT /api/v1/me/credentials/{credential_id}/evidence": {
    response: Schemas["Credential"];
  };
  "PUT /api/v1/me/profile": {
    request: {
      languages?: Array<{
        level?: string;
        tag?: string;
        [k: string]: unknown;
      }>;
      [k: string]: unknown;
    };
    response: Schemas["Expert"];
  };
  "POST /api/v1/auth/login": {
    request: {
      email: string;
      password: string;
      [k: string]: unknown;
    };
    response: {
      user: Schemas["User"];
    };
  };
  "POST /api/v1/me/password": {
    request: {
      current_password?: string;
      new_password: string;
      [k: string]: unknown;
    };
  };
  "PATCH /api/v1/projects/{project_id}/members/{user_id}": {
    request: {
      role: "manager" | "reviewer" | "expert";
      [k: string]: unknown;
    };
    response: {
      user_id: string;
      role: string;
    };
  };
  "POST /api/v1/invitations/{invitation_id}/decline": {
    request: Record<string, unknown>;
    response: {
      declined: true;
    };
  };
  "POST /api/v1/assignments/{assignment_id}/renew": {
    request: {
      lease_token: string;
      [k: string]: unknown;
    };
    response: {
      expires_at: string;
    };
  };
  "POST /api/v1/taxonomy": {
    request: {
      path: string;
      label: string;
      [k: string]: unknown;
    };
    response: {
      path: string;
      label: string;
      builtin: boolean;
    };
  };
  "GET /api/v1/me/contracts/{acceptance_id}": {
  };
  "PUT /api/v1/me/timesheet/{day}/memo": {
    request: {
      memo: string;
      [k: string]: unknown;
    };
    response: {
      day: string;
      memo: string;
    };
  };
  "POST /api/v1/submissions/{submission_id}/fraud": {
    request: {
      reason: string;
      [k: string]: unknown;
    };
    response: {
      submission_id: string;
      fraud: true;
      reason: string;
    };
  };
  "POST /mcp": {
    request: Record<string, unknown> | Array<unknown>;
    response: Record<string, unknown> | Array<unknown>;
  };
  "GET /mcp": {
  };
  "DELETE /mcp": {
  };
}
