//! Administration: departments (list, create) and users (list, create, deactivate and reactivate),
//! through the operations the API uses (`ops::departments`, `ops::users`).

pub mod departments;
pub mod users;
