//! The department side: the review queue, the search of enterprises, and the review actions
//! posted from an enterprise's dashboard or the queue (officers of the competent department;
//! administrators read everything but, as in the API, do not decide).

pub mod actions;
pub mod review;
pub mod search;
