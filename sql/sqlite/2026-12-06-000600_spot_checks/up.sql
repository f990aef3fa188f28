-- Issue 17: "double random, one public" spot checks. A department keeps its check items per
-- category and its pool of inspectors (users of the inspector role, each with a region and the
-- conflicts of interest they declared or an officer recorded). A plan names its scope
-- (categories, regions), its items, the sampling ratio per credit tier (basis points), the
-- inspectors per task, the window and the publication deadline. Locking it fixes a random seed,
-- freezes the eligible enterprises (with their tiers), the eligible inspectors and the
-- exclusions into the plan (spot_check_pool, spot_check_pool_inspectors,
-- spot_check_exclusions), and writes the draw as tasks: anyone can recompute the draw from what
-- is published. Inspectors record a result per item; the department publishes it.
CREATE TABLE spot_check_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    category TEXT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    method TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (department_id, code)
);

CREATE TABLE inspectors (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    region_code TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    enrolled_by TEXT NOT NULL,
    enrolled_at TIMESTAMP NOT NULL
);
CREATE INDEX inspectors_department ON inspectors (department_id, active);

CREATE TABLE inspector_conflicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inspector_id BIGINT NOT NULL REFERENCES inspectors (user_id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX inspector_conflicts_inspector ON inspector_conflicts (inspector_id, enterprise_id);

CREATE TABLE spot_check_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    title TEXT NOT NULL,
    categories TEXT NOT NULL,
    regions TEXT NOT NULL,
    items TEXT NOT NULL,
    ratio_a INTEGER NOT NULL,
    ratio_b INTEGER NOT NULL,
    ratio_c INTEGER NOT NULL,
    ratio_d INTEGER NOT NULL,
    inspectors_per_task INTEGER NOT NULL,
    window_start DATE NOT NULL,
    window_end DATE NOT NULL,
    publish_within_days INTEGER NOT NULL,
    publish_by DATE NOT NULL,
    status TEXT NOT NULL,
    seed TEXT,
    pool_digest TEXT,
    draw_digest TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    locked_at TIMESTAMP
);
CREATE INDEX spot_check_plans_department ON spot_check_plans (department_id, status, id);

CREATE TABLE spot_check_pool (
    plan_id BIGINT NOT NULL REFERENCES spot_check_plans (id),
    enterprise_id BIGINT NOT NULL,
    tier TEXT NOT NULL,
    PRIMARY KEY (plan_id, enterprise_id)
);

CREATE TABLE spot_check_pool_inspectors (
    plan_id BIGINT NOT NULL REFERENCES spot_check_plans (id),
    inspector_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, inspector_id)
);

CREATE TABLE spot_check_exclusions (
    plan_id BIGINT NOT NULL REFERENCES spot_check_plans (id),
    enterprise_id BIGINT NOT NULL,
    inspector_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (plan_id, enterprise_id, inspector_id)
);

CREATE TABLE spot_check_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES spot_check_plans (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    draw_rank INTEGER NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    findings TEXT,
    recorded_by TEXT,
    recorded_at TIMESTAMP,
    published_by TEXT,
    published_at TIMESTAMP,
    reminders INTEGER NOT NULL DEFAULT 0,
    last_reminded_at TIMESTAMP,
    UNIQUE (plan_id, enterprise_id)
);
CREATE INDEX spot_check_tasks_enterprise ON spot_check_tasks (enterprise_id, id);
CREATE INDEX spot_check_tasks_published ON spot_check_tasks (published_at) WHERE published_at IS NOT NULL;

CREATE TABLE spot_check_task_inspectors (
    task_id BIGINT NOT NULL REFERENCES spot_check_tasks (id),
    inspector_id BIGINT NOT NULL,
    PRIMARY KEY (task_id, inspector_id)
);
CREATE INDEX spot_check_task_inspectors_inspector ON spot_check_task_inspectors (inspector_id, task_id);

CREATE TABLE spot_check_results (
    task_id BIGINT NOT NULL REFERENCES spot_check_tasks (id),
    item_code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    finding TEXT NOT NULL,
    PRIMARY KEY (task_id, item_code)
);

-- What the inspectors attach to a result (photos, sampling records, test reports): the content
-- in the document store by its SHA-256, which the published result lists.
CREATE TABLE spot_check_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES spot_check_tasks (id),
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    storage TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX spot_check_evidence_task ON spot_check_evidence (task_id, id);
