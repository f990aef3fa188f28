//! Reminders: the inspectors of a task without a result once its window has closed, the
//! department of a result past its publication deadline; each task at most once a day.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::tasks::TaskStatus;
use super::{PUBLICATION_DUE_TOPIC, RESULT_DUE_TOPIC};
use crate::db::DbConn;
use crate::error::Result;
use crate::notices::{self, Audience, Notice};
use crate::schema::{
    spot_check_plans as plans, spot_check_task_inspectors as staffing, spot_check_tasks as tasks,
};

/// What one run of the schedule reminded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Reminded {
    /// Tasks whose inspectors were reminded of a result due.
    pub results_due: usize,
    /// Tasks whose department was reminded of a publication due.
    pub publications_due: usize,
}

/// Reminds, at most once a day per task: the inspectors of a task without a result once its
/// window has closed; the department of a result not published by the plan's deadline.
pub fn remind_overdue(conn: &mut DbConn, now: NaiveDateTime) -> Result<Reminded> {
    let today = now.date();
    let day_ago = now - Duration::days(1);
    let due: Vec<(i64, String, i64, i32, String, NaiveDate)> = tasks::table
        .inner_join(plans::table)
        .filter(
            tasks::status
                .eq(TaskStatus::Assigned.as_str())
                .and(plans::window_end.lt(today))
                .or(tasks::status
                    .eq(TaskStatus::Recorded.as_str())
                    .and(plans::publish_by.lt(today))),
        )
        .filter(
            tasks::last_reminded_at
                .is_null()
                .or(tasks::last_reminded_at.le(day_ago)),
        )
        .select((
            tasks::id,
            tasks::status,
            plans::department_id,
            tasks::reminders,
            plans::title,
            plans::window_end,
        ))
        .order(tasks::id)
        .limit(10_000)
        .load(conn)?;
    let mut done = Reminded::default();
    for (id, status, department_id, reminders, title, window_end) in due {
        let n = reminders + 1;
        let (topic, audience) = if status == TaskStatus::Assigned.as_str() {
            done.results_due += 1;
            let ids: Vec<i64> = staffing::table
                .filter(staffing::task_id.eq(id))
                .select(staffing::inspector_id)
                .load(conn)?;
            (RESULT_DUE_TOPIC, Audience::Users { ids })
        } else {
            done.publications_due += 1;
            (
                PUBLICATION_DUE_TOPIC,
                Audience::Department { id: department_id },
            )
        };
        notices::enqueue(
            conn,
            now,
            &Notice {
                topic: topic.into(),
                audience: vec![audience],
                params: json!({ "task_id": id, "title": title, "window_end": window_end.to_string(), "reminder": n }),
                source: format!("spot-check-task:{id}:reminder:{n}"),
            },
            "",
        )?;
        diesel::update(tasks::table.find(id))
            .set((tasks::reminders.eq(n), tasks::last_reminded_at.eq(now)))
            .execute(conn)?;
    }
    Ok(done)
}
