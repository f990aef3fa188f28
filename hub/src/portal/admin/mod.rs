//! Administration: departments (list, create) and users (list, create, deactivate and
//! reactivate), through the same audited functions as the API.

pub mod departments;
pub mod users;
