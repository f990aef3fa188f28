//! The tables of the regulator adapters' intake (`registry::intake`).

use super::{enterprises, sites, users};

diesel::table! {
    intake_deliveries (id) {
        id -> BigInt,
        adapter -> Text,
        sender_user_id -> BigInt,
        file_name -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        received_at -> Timestamp,
        outcome -> Text,
        records -> BigInt,
        written -> BigInt,
        refused -> BigInt,
        alerts -> BigInt,
        receipt -> Text,
        signature -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    drug_products (drug_id) {
        drug_id -> Text,
        gtin -> Text,
        name -> Text,
        approval_number -> Text,
        delivery_id -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    drug_codes (epc) {
        epc -> Text,
        batch -> Text,
        expiry -> Date,
        site_gln -> Text,
        commissioned_at -> Timestamp,
        ended -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        ended_gln -> Nullable<Text>,
    }
}

diesel::table! {
    rare_earth_designations (enterprise_id) {
        enterprise_id -> BigInt,
        stages -> Text,
        designated_by -> Text,
        designated_at -> Timestamp,
    }
}

diesel::table! {
    rare_earth_quotas (enterprise_id, year) {
        enterprise_id -> BigInt,
        year -> Integer,
        reo_kg -> Double,
        set_by -> Text,
        set_at -> Timestamp,
    }
}

diesel::table! {
    rare_earth_reports (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        enterprise_id -> BigInt,
        period -> Date,
        stage -> Text,
        opening_reo_kg -> Double,
        input_reo_kg -> Double,
        output_reo_kg -> Double,
        shipped_reo_kg -> Double,
        exported_reo_kg -> Double,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    equipment (code) {
        code -> Text,
        epc -> Text,
        manufacturer -> Text,
        scrapped_at -> Nullable<Timestamp>,
        filler -> Nullable<Text>,
        next_inspection_due -> Nullable<Date>,
        last_site_gln -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agri_banned_inputs (registration_number) {
        registration_number -> Text,
        name -> Text,
        reason -> Text,
        listed_by -> Text,
        listed_at -> Timestamp,
    }
}

diesel::table! {
    agri_input_uses (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        site_gln -> Text,
        lot -> Text,
        used_on -> Date,
        input_type -> Text,
        input_name -> Text,
        registration_number -> Text,
        withdrawal_days -> Integer,
    }
}

diesel::table! {
    lot_checks (gtin, lot) {
        gtin -> Text,
        lot -> Text,
        shipped_on -> Nullable<Date>,
        failed_report -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    intake_deliveries,
    drug_products,
    drug_codes,
    rare_earth_designations,
    rare_earth_quotas,
    rare_earth_reports,
);
diesel::allow_tables_to_appear_in_same_query!(intake_deliveries, users);
diesel::allow_tables_to_appear_in_same_query!(rare_earth_designations, enterprises);
diesel::allow_tables_to_appear_in_same_query!(rare_earth_quotas, enterprises);
diesel::allow_tables_to_appear_in_same_query!(equipment, sites);
