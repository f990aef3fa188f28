//! The schedule of a scheduled subscription, as the EPCIS 2.0 binding writes it (`{"hour": "1",
//! "minute": "5"}`), turned into a cron expression.
//!
//! Each field is a comma-separated list of elements; an element is a number, a range (`[1-5]`,
//! or `1-5`), a step (`0/30`: from 0 every 30; `[0-30]/10`) or `*`. `dayOfWeek` counts 1 for
//! Monday to 7 for Sunday, as the standard does. An omitted field matches every value, except
//! the time fields finer than the finest one given, which are 0: `{"hour": "1", "minute": "5"}`
//! runs at 01:05:00 every day, `{"hour": "2"}` at 02:00:00, `{"dayOfWeek": "1"}` at midnight
//! every Monday. A schedule names at least one field.

use serde::{Deserialize, Serialize};

use crate::error::{Code, RegistryError, Result};

/// A query schedule (every field optional; see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuerySchedule {
    /// Seconds, 0 to 59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second: Option<String>,
    /// Minutes, 0 to 59.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute: Option<String>,
    /// Hours, 0 to 23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<String>,
    /// Days of the month, 1 to 31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<String>,
    /// Months, 1 to 12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    /// Days of the week, 1 (Monday) to 7 (Sunday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_week: Option<String>,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn bad(field: &str, message: impl Into<String>) -> RegistryError {
    RegistryError::invalid(Code::InvalidField, format!("schedule.{field}"), message)
}

/// One element: its numbers' range checked; `(from, to, step)`, `to` and `step` inclusive.
fn element(field: &str, text: &str, min: u32, max: u32) -> Result<(u32, u32, u32)> {
    let number = |s: &str| -> Result<u32> {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad(field, format!("{s:?} is not a number from {min} to {max}")))
    };
    let (range, step) = match text.split_once('/') {
        Some((r, s)) => (
            r,
            Some(number(s).and_then(|s| match s {
                0 => Err(bad(field, "a step is at least 1")),
                s => Ok(s),
            })?),
        ),
        None => (text, None),
    };
    let range = range.trim();
    let inner = range
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(range);
    let (from, to) = if inner == "*" {
        (min, max)
    } else if let Some((a, b)) = inner.split_once('-') {
        let (a, b) = (number(a)?, number(b)?);
        if a > b {
            return Err(bad(field, format!("the range {range:?} runs backwards")));
        }
        (a, b)
    } else {
        let n = number(inner)?;
        // `0/30`: from 0 to the end, every 30.
        (n, if step.is_some() { max } else { n })
    };
    Ok((from, to, step.unwrap_or(1)))
}

/// A field in cron syntax (numbers and ranges; weekdays by name, listed one by one).
fn field(name: &str, text: &str, min: u32, max: u32, weekdays: bool) -> Result<String> {
    let mut parts = Vec::new();
    for item in text.split(',') {
        if item.trim().is_empty() {
            return Err(bad(name, "an empty element"));
        }
        let (from, to, step) = element(name, item, min, max)?;
        if weekdays {
            let days = (from..=to).step_by(step as usize);
            parts.extend(days.map(|d| WEEKDAYS[(d - 1) as usize].to_owned()));
        } else if from == to {
            parts.push(from.to_string());
        } else if step == 1 {
            parts.push(format!("{from}-{to}"));
        } else {
            parts.push(format!("{from}-{to}/{step}"));
        }
    }
    Ok(parts.join(","))
}

impl QuerySchedule {
    /// The cron expression (`sec min hour day-of-month month day-of-week`) this schedule
    /// means; `invalid_field` naming `schedule.<field>` when a field is out of range.
    pub fn cron(&self) -> Result<String> {
        let times = [&self.second, &self.minute, &self.hour];
        let finest = times.iter().position(|f| f.is_some());
        let any_day = [&self.day_of_month, &self.month, &self.day_of_week]
            .iter()
            .any(|f| f.is_some());
        if finest.is_none() && !any_day {
            return Err(bad("hour", "a schedule names at least one field"));
        }
        let time = |index: usize, name: &str, max: u32| -> Result<String> {
            match times[index] {
                Some(text) => field(name, text, 0, max, false),
                // Finer than the finest time given (or no time given at all): the start of it.
                None if finest.is_none_or(|f| index < f) => Ok("0".into()),
                None => Ok("*".into()),
            }
        };
        let day = |value: &Option<String>, name: &str, min: u32, max: u32, weekdays: bool| {
            value
                .as_deref()
                .map_or(Ok("*".to_owned()), |t| field(name, t, min, max, weekdays))
        };
        let expression = [
            time(0, "second", 59)?,
            time(1, "minute", 59)?,
            time(2, "hour", 23)?,
            day(&self.day_of_month, "dayOfMonth", 1, 31, false)?,
            day(&self.month, "month", 1, 12, false)?,
            day(&self.day_of_week, "dayOfWeek", 1, 7, true)?,
        ]
        .join(" ");
        expression
            .parse::<cron::Schedule>()
            .map_err(|e| bad("hour", format!("not a schedule: {e}")))?;
        Ok(expression)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(json: &str) -> QuerySchedule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn omitted_finer_time_fields_are_zero_and_coarser_ones_any() {
        let cron = |j: &str| schedule(j).cron().unwrap();
        assert_eq!(cron(r#"{"hour":"1","minute":"5"}"#), "0 5 1 * * *");
        assert_eq!(cron(r#"{"hour":"2"}"#), "0 0 2 * * *");
        assert_eq!(cron(r#"{"second":"0/30"}"#), "0-59/30 * * * * *");
        assert_eq!(cron(r#"{"minute":"[0-30]/10"}"#), "0 0-30/10 * * * *");
        assert_eq!(
            cron(r#"{"dayOfWeek":"[1-3],7"}"#),
            "0 0 0 * * Mon,Tue,Wed,Sun"
        );
        assert_eq!(
            cron(r#"{"hour":"8,12-13","dayOfMonth":"1","month":"[1-12]/3"}"#),
            "0 0 8,12-13 1 1-12/3 *"
        );
    }

    #[test]
    fn out_of_range_and_empty_schedules_are_refused_naming_the_field() {
        let field = |j: &str| match schedule(j).cron() {
            Err(RegistryError::Invalid { field, .. }) => field,
            other => panic!("{j}: {other:?}"),
        };
        assert_eq!(field(r#"{"hour":"24"}"#), "schedule.hour");
        assert_eq!(field(r#"{"minute":"[30-10]"}"#), "schedule.minute");
        assert_eq!(field(r#"{"second":"0/0"}"#), "schedule.second");
        assert_eq!(field(r#"{"dayOfWeek":"0"}"#), "schedule.dayOfWeek");
        assert_eq!(field(r#"{"month":"1,,2"}"#), "schedule.month");
        assert_eq!(field("{}"), "schedule.hour");
        assert!(serde_json::from_str::<QuerySchedule>(r#"{"hours":"1"}"#).is_err());
    }

    #[test]
    fn the_cron_expression_fires_when_the_schedule_says() {
        use chrono::{TimeZone, Timelike, Utc};
        let cron: cron::Schedule = schedule(r#"{"hour":"1","minute":"5"}"#)
            .cron()
            .unwrap()
            .parse()
            .unwrap();
        let start = Utc.with_ymd_and_hms(2026, 12, 6, 3, 0, 0).unwrap();
        let next = cron.after(&start).next().unwrap();
        assert_eq!((next.hour(), next.minute(), next.second()), (1, 5, 0));
        assert_eq!(next.date_naive().to_string(), "2026-12-07");
        let monday: cron::Schedule = schedule(r#"{"dayOfWeek":"1"}"#)
            .cron()
            .unwrap()
            .parse()
            .unwrap();
        let next = monday.after(&start).next().unwrap();
        assert_eq!(
            next.date_naive().to_string(),
            "2026-12-07",
            "7 December 2026 is a Monday"
        );
    }
}
