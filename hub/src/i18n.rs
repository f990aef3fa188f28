//! The portal's languages: Chinese (zh-CN), Vietnamese (vi) and English (en). The language comes
//! from the `th_lang` cookie (set by the switch on every page) or else `Accept-Language`.
//! Messages live in `hub/locales/<lang>/*.ftl` (Fluent), compiled into the binary.

use std::collections::HashMap;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use futures_util::future::{Ready, ready};
use registry::enterprises::LineError;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: the pages set their own direction.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers a chosen language.
pub const LANG_COOKIE: &str = "th_lang";

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
    Vi,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::ZhCn, Lang::Vi, Lang::En];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::Vi => "vi",
        }
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "中文",
            Lang::Vi => "Tiếng Việt",
        }
    }

    /// A tag as a supported language (`zh`, `zh-Hans-CN`, `vi-VN`, `en-GB` all match).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best match of an `Accept-Language` header, by quality.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = accept_language
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let lang = Lang::from_tag(parts.next()?)?;
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((quality, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang)
    }

    fn id(self) -> LanguageIdentifier {
        self.tag().parse().unwrap_or_default()
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// The message `key`, or `None` when no language (not even the fallback) has it.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id(), key)
    }

    /// The message `key` with arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, &str)]) -> String {
        let args: HashMap<std::borrow::Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| ((*k).into(), FluentValue::from(*v)))
            .collect();
        LOCALES.lookup_with_args(&self.id(), key, &args)
    }
}

impl Lang {
    /// The API error message for error `code` in this language, when there is one
    /// (`hub/locales/<lang>/errors.ftl`, keys `error-<code>`); English answers keep the
    /// message the error was raised with, which is the more precise.
    pub fn error_message(self, code: &str) -> Option<String> {
        if self == Lang::En {
            return None;
        }
        LOCALES.try_lookup(&self.id(), &format!("error-{code}"))
    }

    /// Bad lines of an import or a delivery told in this language: each message becomes the
    /// translation of its code, the message as raised kept as `detail`. English keeps them.
    pub fn localise_line_errors(self, errors: &mut [LineError]) {
        for e in errors {
            if let Some(message) = self.error_message(&e.error) {
                e.detail = Some(std::mem::replace(&mut e.message, message));
            }
        }
    }

    /// The language of a request: the remembered choice (cookie), else `Accept-Language`,
    /// else English.
    pub fn of_request(req: &HttpRequest) -> Lang {
        let chosen = req
            .cookie(LANG_COOKIE)
            .and_then(|c| Lang::from_tag(c.value()));
        let negotiated = || {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        };
        chosen.or_else(negotiated).unwrap_or(Lang::En)
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Lang::of_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use registry::error::Code;

    use super::*;

    #[test]
    fn negotiation_and_messages() {
        assert_eq!(Lang::negotiate("vi-VN,vi;q=0.9,en;q=0.8"), Some(Lang::Vi));
        assert_eq!(
            Lang::negotiate("fr;q=1, zh-CN;q=0.7, en;q=0.5"),
            Some(Lang::ZhCn)
        );
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::ZhCn.t("sign-in"), "登录");
        assert_eq!(Lang::Vi.t("sign-in"), "Đăng nhập");
        assert!(Lang::En.t_args("welcome", &[("name", "li")]).contains("li"));
    }

    #[test]
    fn error_messages_are_translated_with_english_as_the_fallback() {
        assert!(
            Lang::ZhCn
                .error_message("invalid_credit_code")
                .unwrap()
                .contains("统一社会信用代码")
        );
        assert!(
            Lang::Vi
                .error_message("not_found")
                .unwrap()
                .contains("Không tìm thấy")
        );
        assert_eq!(Lang::En.error_message("not_found"), None);
        assert_eq!(Lang::ZhCn.error_message("a_code_nobody_translated"), None);
    }

    /// The keys `error-<code>` of `hub/locales/<lang>/errors.ftl`, without the prefix.
    fn error_keys(lang: Lang) -> Vec<String> {
        let path = format!(
            "{}/locales/{}/errors.ftl",
            env!("CARGO_MANIFEST_DIR"),
            lang.tag()
        );
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        text.lines()
            .filter_map(|l| l.split_once(" = "))
            .map(|(key, _)| key.trim())
            .map(|key| key.strip_prefix("error-").unwrap_or(key).to_owned())
            .collect()
    }

    #[test]
    fn every_error_code_has_a_message_in_every_language_and_no_message_lacks_its_code() {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        for lang in Lang::ALL {
            let keys = error_keys(lang);
            let missing: Vec<&&str> = codes
                .iter()
                .filter(|c| !keys.iter().any(|k| k == *c))
                .collect();
            assert!(
                missing.is_empty(),
                "{} has no message for {missing:?}",
                lang.tag()
            );
            let unknown: Vec<&String> = keys
                .iter()
                .filter(|k| !codes.contains(&k.as_str()))
                .collect();
            assert!(
                unknown.is_empty(),
                "{} has messages for codes that do not exist: {unknown:?}",
                lang.tag()
            );
            let mut unique = keys.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), keys.len(), "{} repeats a message", lang.tag());
            for code in Code::ALL {
                let message = lang.try_t(&format!("error-{code}"));
                assert!(
                    message.is_some_and(|m| !m.trim().is_empty()),
                    "{}: the message of {code} does not load",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn every_language_has_every_message() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        let keys = |lang: &str| -> Vec<String> {
            let text =
                std::fs::read_to_string(format!("{dir}/{lang}/portal.ftl")).unwrap_or_default();
            let mut keys: Vec<String> = text
                .lines()
                .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
                .collect();
            keys.sort();
            keys
        };
        let english = keys("en");
        assert!(!english.is_empty());
        for lang in Lang::ALL {
            assert_eq!(
                keys(lang.tag()),
                english,
                "{} lacks or adds messages",
                lang.tag()
            );
        }
    }
}
