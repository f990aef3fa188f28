//! Lists: column headers that sort (`?sort=name`, `?sort=-name`) and a pager (`?page=2`), both
//! keeping the page's other query parameters (its filters).

use maud::{Markup, html};

use super::forms::FormData;
use crate::i18n::Lang;

/// The query string of a list page, to make links that change one parameter.
pub struct Params<'a> {
    path: &'a str,
    pairs: Vec<(String, String)>,
}

impl<'a> Params<'a> {
    /// The parameters of `query` for links to `path`; empty values are dropped.
    pub fn new(path: &'a str, query: &FormData) -> Self {
        let pairs = query
            .pairs()
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .cloned()
            .collect();
        Self { path, pairs }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A link to the same list with `key` set to `value`.
    pub fn with(&self, key: &str, value: &str) -> String {
        self.link(key, value, &[key])
    }

    /// A link with `key` set to `value` and the `dropped` parameters left out.
    fn link(&self, key: &str, value: &str, dropped: &[&str]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, _)| !dropped.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.push((key, value));
        format!(
            "{}?{}",
            self.path,
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }
}

/// A column header that sorts by `key` (`sort` parameter; back to page 1): ascending first,
/// descending when already ascending.
/// `aria-sort` tells screen readers the current order.
pub fn sortable(lang: Lang, params: &Params<'_>, key: &str, label: &str) -> Markup {
    let current = params.get("sort");
    let (sort, next, mark) = match current {
        Some(c) if c == key => (Some("ascending"), format!("-{key}"), " ▲"),
        Some(c) if c.strip_prefix('-') == Some(key) => (Some("descending"), key.to_owned(), " ▼"),
        _ => (None, key.to_owned(), ""),
    };
    let title = lang.t_args("sort-by", &[("column", label)]);
    html! {
        th scope="col" aria-sort=[sort] {
            a href=(params.link("sort", &next, &["sort", "page"])) title=(title) { (label) (mark) }
        }
    }
}

/// Where a list is: page `page` of `per_page` rows, `shown` on this page, and the total when
/// known.
pub struct Position {
    pub page: i64,
    pub per_page: i64,
    pub shown: usize,
    pub total: Option<i64>,
}

/// Previous and next links (`?page=N`), and where the page is.
pub fn pager(lang: Lang, params: &Params<'_>, at: &Position) -> Markup {
    pager_on(lang, params, "page", at)
}

/// A pager whose page number is the parameter `key` (for a second list on a page).
pub fn pager_on(lang: Lang, params: &Params<'_>, key: &str, at: &Position) -> Markup {
    let last = at
        .total
        .map(|total| ((total + at.per_page - 1) / at.per_page).max(1));
    let has_next = match last {
        Some(last) => at.page < last,
        None => i64::try_from(at.shown).unwrap_or(i64::MAX) >= at.per_page,
    };
    let page = at.page.to_string();
    let position = match (last, at.total) {
        (Some(last), Some(total)) => lang.t_args(
            "page-of",
            &[
                ("page", &page),
                ("pages", &last.to_string()),
                ("total", &total.to_string()),
            ],
        ),
        _ => lang.t_args("page-n", &[("page", &page)]),
    };
    html! {
        nav.pager aria-label=(lang.t("pagination")) {
            @if at.page > 1 {
                a href=(params.with(key, &(at.page - 1).to_string())) rel="prev" { "← " (lang.t("page-previous")) }
            }
            span { (position) }
            @if has_next {
                a href=(params.with(key, &(at.page + 1).to_string())) rel="next" { (lang.t("page-next")) " →" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> FormData {
        FormData::from(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn links_keep_the_filters_and_sorting_resets_the_page() {
        let query = params(&[("name", "茶"), ("status", ""), ("page", "3")]);
        let p = Params::new("/portal/enterprises", &query);
        assert_eq!(
            p.link("sort", "-name", &["sort", "page"]),
            "/portal/enterprises?name=%E8%8C%B6&sort=-name"
        );
        assert_eq!(
            p.with("page", "4"),
            "/portal/enterprises?name=%E8%8C%B6&page=4"
        );
        let header = sortable(Lang::En, &p, "name", "Name").into_string();
        assert!(header.contains("sort=name") && !header.contains("aria-sort"));
        assert!(!header.contains("page=3"));
        let sorted = params(&[("sort", "name")]);
        let p = Params::new("/x", &sorted);
        let header = sortable(Lang::En, &p, "name", "Name").into_string();
        assert!(header.contains("aria-sort=\"ascending\"") && header.contains("sort=-name"));
    }

    #[test]
    fn the_pager_knows_the_last_page() {
        let query = params(&[]);
        let p = Params::new("/x", &query);
        let at = |page, shown, total| Position {
            page,
            per_page: 20,
            shown,
            total,
        };
        let html = pager(Lang::En, &p, &at(1, 20, Some(41))).into_string();
        assert!(html.contains("page=2") && !html.contains("rel=\"prev\""));
        let html = pager(Lang::En, &p, &at(3, 1, Some(41))).into_string();
        assert!(html.contains("page=2") && !html.contains("rel=\"next\""));
        let html = pager(Lang::En, &p, &at(2, 20, None)).into_string();
        assert!(html.contains("page=3") && html.contains("page=1"));
    }
}
