//! The EPCIS tables: capture jobs, events, their nodes and lineage, aliases, named queries and
//! their subscriptions.

diesel::table! {
    capture_jobs (id) {
        id -> BigInt,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        enterprise_id -> Nullable<BigInt>,
        format -> Text,
        status -> Text,
        event_count -> BigInt,
        stored_count -> BigInt,
        duplicate_count -> BigInt,
        error -> Nullable<Text>,
        finished_at -> Nullable<Timestamp>,
        flagged -> Nullable<Text>,
    }
}

diesel::table! {
    epcis_events (id) {
        id -> BigInt,
        event_id -> Nullable<Text>,
        event_hash -> Text,
        declares_error -> Bool,
        event_type -> Text,
        event_time -> Timestamp,
        event_tz_offset -> Text,
        record_time -> Timestamp,
        action -> Nullable<Text>,
        biz_step -> Nullable<Text>,
        disposition -> Nullable<Text>,
        read_point -> Nullable<Text>,
        biz_location -> Nullable<Text>,
        company_prefix -> Text,
        capture_job_id -> BigInt,
        body -> Text,
        body_zstd -> Nullable<Binary>,
    }
}

diesel::table! {
    lineage_nodes (id) {
        id -> BigInt,
        identifier -> Text,
        company_prefix -> Text,
    }
}

diesel::table! {
    epcis_event_nodes (event_row_id, node_id, role) {
        event_row_id -> BigInt,
        node_id -> BigInt,
        role -> Text,
        company_prefix -> Text,
    }
}

diesel::table! {
    lineage_edges (from_node, to_node, kind, event_row_id) {
        from_node -> BigInt,
        to_node -> BigInt,
        kind -> Text,
        event_row_id -> BigInt,
        valid_from -> Timestamp,
        valid_to -> Nullable<Timestamp>,
        company_prefix -> Text,
    }
}

diesel::table! {
    capture_job_warnings (capture_job_id) {
        capture_job_id -> BigInt,
        warning_count -> BigInt,
        warnings -> Text,
    }
}

diesel::table! {
    epcis_event_aliases (event_id) {
        event_id -> Text,
        event_row_id -> BigInt,
        capture_job_id -> BigInt,
        company_prefix -> Text,
    }
}

diesel::table! {
    capture_job_duplicates (capture_job_id) {
        capture_job_id -> BigInt,
        duplicates -> Text,
    }
}

diesel::table! {
    epcis_named_queries (id) {
        id -> BigInt,
        owner_id -> BigInt,
        name -> Text,
        query -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    epcis_subscriptions (id) {
        id -> BigInt,
        subscription_id -> Text,
        owner_id -> BigInt,
        query_id -> BigInt,
        dest -> Text,
        signature_token -> Nullable<Text>,
        report_if_empty -> Bool,
        stream -> Bool,
        schedule -> Nullable<Text>,
        cron -> Nullable<Text>,
        next_run_at -> Nullable<Timestamp>,
        initial_record_time -> Nullable<Timestamp>,
        created_at -> Timestamp,
        last_notified_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    epcis_subscription_backlog (subscription_id, capture_job_id) {
        subscription_id -> BigInt,
        capture_job_id -> BigInt,
    }
}

diesel::joinable!(epcis_subscriptions -> epcis_named_queries (query_id));
diesel::joinable!(epcis_subscription_backlog -> epcis_subscriptions (subscription_id));
diesel::joinable!(epcis_events -> capture_jobs (capture_job_id));
diesel::joinable!(capture_job_duplicates -> capture_jobs (capture_job_id));
diesel::joinable!(capture_job_warnings -> capture_jobs (capture_job_id));
diesel::joinable!(epcis_event_nodes -> epcis_events (event_row_id));
diesel::joinable!(epcis_event_nodes -> lineage_nodes (node_id));
diesel::joinable!(lineage_edges -> epcis_events (event_row_id));
