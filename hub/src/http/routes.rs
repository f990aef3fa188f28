//! The route table: every route is declared with its method, path and access rule in one place,
//! and the access rule is enforced by one middleware wrapped around each route. A route cannot
//! be added without a rule, and the tests walk this table for every role.

use actix_web::dev::Handler;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{FromRequest, Resource, Responder, Route, guard, web};
use registry::identity::Role;

use super::auth::authorize;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user, whatever the role.
    SignedIn,
    /// Signed-in users with one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// Whether `role` passes this rule (for a signed-in user).
    pub fn admits(self, role: Role) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Where a route belongs, which decides how a refusal looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// JSON API and machine endpoints: refusals are JSON errors.
    Api,
    /// Portal pages and forms: the unauthenticated are sent to the login page, forms carry a
    /// CSRF token.
    Portal,
}

/// One declared route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub surface: Surface,
}

/// The table being declared, and the actix routes built from it.
#[derive(Default)]
pub struct RouteTable {
    specs: Vec<RouteSpec>,
    routes: Vec<(&'static str, Route)>,
    /// Paths under these prefixes answer `OPTIONS` ([`RouteTable::options_under`]).
    options: Vec<&'static str>,
}

impl RouteTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares an API route.
    pub fn api<F, Args>(
        &mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: F,
    ) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(
            RouteSpec {
                method,
                path,
                access,
                surface: Surface::Api,
            },
            handler,
        )
    }

    /// Declares a portal page or form.
    pub fn portal<F, Args>(
        &mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: F,
    ) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(
            RouteSpec {
                method,
                path,
                access,
                surface: Surface::Portal,
            },
            handler,
        )
    }

    fn add<F, Args>(&mut self, spec: RouteSpec, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let rule = spec.clone();
        // RFC 9110 §9.3.2: what answers GET answers HEAD (the server sends the headers only).
        let route = if spec.method == Method::GET {
            web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
        } else {
            web::method(spec.method.clone())
        };
        let route = route
            .to(handler)
            .wrap(from_fn(move |req, next| authorize(rule.clone(), req, next)));
        self.routes.push((spec.path, route));
        self.specs.push(spec);
        self
    }

    /// Lets every path under `prefix` answer `OPTIONS` (RFC 9110 §9.3.7): 204 with the methods
    /// it takes in `Allow`, to anyone (it says nothing a 405 would not). The EPCIS REST binding
    /// asks it of its resources.
    pub fn options_under(&mut self, prefix: &'static str) -> &mut Self {
        self.options.push(prefix);
        self
    }

    /// What was declared.
    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    /// Registers the routes, one resource per path, so that a known path with another method
    /// answers 405 with the methods it takes in `Allow`.
    pub fn configure(self, cfg: &mut web::ServiceConfig) {
        let mut paths: Vec<&'static str> = Vec::new();
        for (path, _) in &self.routes {
            if !paths.contains(path) {
                paths.push(path);
            }
        }
        let mut routes = self.routes;
        for path in paths {
            let allowed = self
                .specs
                .iter()
                .filter(|s| s.path == path)
                .flat_map(|s| {
                    let head = (s.method == Method::GET).then_some(Method::HEAD);
                    std::iter::once(s.method.clone()).chain(head)
                })
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let with_options = self.options.iter().any(|p| path.starts_with(p));
            let allowed = if with_options {
                format!("{allowed}, OPTIONS")
            } else {
                allowed
            };
            let mut resource = Resource::new(path).default_service(web::to({
                let allowed = allowed.clone();
                move |req| super::method_not_allowed(req, allowed.clone())
            }));
            if with_options {
                resource = resource.route(web::route().guard(guard::Options()).to(move || {
                    let allowed = allowed.clone();
                    async move {
                        actix_web::HttpResponse::NoContent()
                            .insert_header((actix_web::http::header::ALLOW, allowed))
                            .finish()
                    }
                }));
            }
            let (mine, rest): (Vec<_>, Vec<_>) = routes.into_iter().partition(|(p, _)| *p == path);
            routes = rest;
            for (_, route) in mine {
                resource = resource.route(route);
            }
            cfg.service(resource);
        }
    }
}
