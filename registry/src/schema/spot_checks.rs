//! The tables of spot checks (`registry::spotchecks`).

diesel::table! {
    spot_check_items (id) {
        id -> BigInt,
        department_id -> BigInt,
        category -> Text,
        code -> Text,
        title -> Text,
        method -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspectors (user_id) {
        user_id -> BigInt,
        department_id -> BigInt,
        region_code -> Text,
        active -> Bool,
        enrolled_by -> Text,
        enrolled_at -> Timestamp,
    }
}

diesel::table! {
    inspector_conflicts (id) {
        id -> BigInt,
        inspector_id -> BigInt,
        enterprise_id -> BigInt,
        kind -> Text,
        note -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    spot_check_plans (id) {
        id -> BigInt,
        department_id -> BigInt,
        title -> Text,
        categories -> Text,
        regions -> Text,
        items -> Text,
        ratio_a -> Integer,
        ratio_b -> Integer,
        ratio_c -> Integer,
        ratio_d -> Integer,
        inspectors_per_task -> Integer,
        window_start -> Date,
        window_end -> Date,
        publish_within_days -> Integer,
        publish_by -> Date,
        status -> Text,
        seed -> Nullable<Text>,
        pool_digest -> Nullable<Text>,
        draw_digest -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        locked_by -> Nullable<Text>,
        locked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    spot_check_pool (plan_id, enterprise_id) {
        plan_id -> BigInt,
        enterprise_id -> BigInt,
        tier -> Text,
    }
}

diesel::table! {
    spot_check_pool_inspectors (plan_id, inspector_id) {
        plan_id -> BigInt,
        inspector_id -> BigInt,
    }
}

diesel::table! {
    spot_check_exclusions (plan_id, enterprise_id, inspector_id) {
        plan_id -> BigInt,
        enterprise_id -> BigInt,
        inspector_id -> BigInt,
        reason -> Text,
    }
}

diesel::table! {
    spot_check_tasks (id) {
        id -> BigInt,
        plan_id -> BigInt,
        enterprise_id -> BigInt,
        draw_rank -> Integer,
        status -> Text,
        outcome -> Nullable<Text>,
        findings -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
        published_by -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        reminders -> Integer,
        last_reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    spot_check_task_inspectors (task_id, inspector_id) {
        task_id -> BigInt,
        inspector_id -> BigInt,
    }
}

diesel::table! {
    spot_check_results (task_id, item_code) {
        task_id -> BigInt,
        item_code -> Text,
        outcome -> Text,
        finding -> Text,
    }
}

diesel::table! {
    spot_check_evidence (id) {
        id -> BigInt,
        task_id -> BigInt,
        sha256 -> Text,
        size_bytes -> BigInt,
        content_type -> Text,
        filename -> Text,
        storage -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(spot_check_tasks -> spot_check_plans (plan_id));
diesel::joinable!(spot_check_task_inspectors -> spot_check_tasks (task_id));
diesel::allow_tables_to_appear_in_same_query!(
    spot_check_items,
    inspectors,
    inspector_conflicts,
    spot_check_plans,
    spot_check_pool,
    spot_check_pool_inspectors,
    spot_check_exclusions,
    spot_check_tasks,
    spot_check_task_inspectors,
    spot_check_results,
);
use super::{enterprise_categories, enterprises, users};
diesel::joinable!(spot_check_tasks -> enterprises (enterprise_id));
diesel::joinable!(inspectors -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(spot_check_tasks, enterprises);
diesel::allow_tables_to_appear_in_same_query!(spot_check_plans, enterprises);
diesel::allow_tables_to_appear_in_same_query!(inspectors, users);
diesel::allow_tables_to_appear_in_same_query!(spot_check_task_inspectors, users);
diesel::allow_tables_to_appear_in_same_query!(enterprise_categories, spot_check_plans);
