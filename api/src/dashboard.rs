//! The web dashboard (`dashboard/`, a Vite build) served at `/`: files from `DASHBOARD_DIR`,
//! and `index.html` for every other `GET` outside the API's own paths, so the single-page app's
//! routes (`/leads/…`, `/calls`) load on a refresh. `index.html` gets the Temporal UI base URL
//! and namespace injected into its `<meta>` tags; nothing else of the server is configured in
//! the page. Without a build, `/` says how to make one.

use crate::ApiConfig;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

/// Paths that belong to the server: never answered with the dashboard's `index.html`.
const SERVER_PREFIXES: [&str; 7] = [
    "/api",
    "/twilio",
    "/docs",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
];

/// What `index.html` is told about the server.
struct Dashboard {
    dir: Option<PathBuf>,
    temporal_ui_url: String,
    temporal_namespace: String,
}

/// The fallback service of the router: the dashboard, or a JSON 404 on the server's paths.
pub fn service(config: &ApiConfig) -> Router {
    Router::new()
        .fallback(serve)
        .with_state(Arc::new(Dashboard {
            dir: config.dashboard_dir.clone(),
            temporal_ui_url: config.temporal_ui_url.clone().unwrap_or_default(),
            temporal_namespace: config.temporal_namespace.clone(),
        }))
}

async fn serve(State(dash): State<Arc<Dashboard>>, request: Request) -> Response {
    let path = request.uri().path();
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    if !readable || SERVER_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return ApiError::NotFound("no such endpoint".into()).into_response();
    }
    let Some(dir) = &dash.dir else {
        return Html(NOT_BUILT).into_response();
    };
    // A file name (`/assets/index-1a2b.js`, `/favicon.svg`) is a file or a 404; anything else
    // is a route of the app.
    let last = path.rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return match ServeDir::new(dir).oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
    }
    match tokio::fs::read_to_string(dir.join("index.html")).await {
        Ok(html) => (
            [(header::CACHE_CONTROL, "no-cache")],
            Html(inject(&html, &dash)),
        )
            .into_response(),
        Err(err) => {
            tracing::warn!(dir = %dir.display(), error = %err, "dashboard index.html unreadable");
            (StatusCode::OK, Html(NOT_BUILT)).into_response()
        }
    }
}

/// Fills the `<meta name="callwright-temporal-ui" content="">` and
/// `<meta name="callwright-temporal-namespace" content="">` tags of `index.html`.
fn inject(html: &str, dash: &Dashboard) -> String {
    html.replace(
        r#"name="callwright-temporal-ui" content="""#,
        &format!(
            r#"name="callwright-temporal-ui" content="{}""#,
            attr(&dash.temporal_ui_url)
        ),
    )
    .replace(
        r#"name="callwright-temporal-namespace" content="""#,
        &format!(
            r#"name="callwright-temporal-namespace" content="{}""#,
            attr(&dash.temporal_namespace)
        ),
    )
}

/// Escapes text for a double-quoted HTML attribute.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Callwright</title>\
<h1>The dashboard is not built</h1>\
<p>Build it with <code>cd dashboard &amp;&amp; npm ci &amp;&amp; npm run build</code> \
(<code>make demo</code> does it for you), or point <code>DASHBOARD_DIR</code> at a build, \
then restart the API. The REST API is at <a href=\"/docs\">/docs</a>.</p>";

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};

    fn dashboard(dir: Option<PathBuf>) -> Router {
        Router::new()
            .fallback(serve)
            .with_state(Arc::new(Dashboard {
                dir,
                temporal_ui_url: "http://ui.example:8233".into(),
                temporal_namespace: "sales\"ns".into(),
            }))
    }

    async fn get(app: &Router, method: Method, path: &str) -> (StatusCode, String) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn serves_files_the_app_on_its_routes_and_404_on_server_paths() {
        let dir = std::env::temp_dir().join(format!("cw-dash-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r#"<meta name="callwright-temporal-ui" content=""><meta name="callwright-temporal-namespace" content="">"#,
        )
        .unwrap();
        std::fs::write(dir.join("assets/app.js"), "console.log(1)").unwrap();
        let app = dashboard(Some(dir.clone()));

        let (status, body) = get(&app, Method::GET, "/assets/app.js").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "console.log(1)"));
        for route in ["/", "/leads/5d6c", "/calls"] {
            let (status, body) = get(&app, Method::GET, route).await;
            assert_eq!(status, StatusCode::OK, "{route}");
            assert!(
                body.contains(r#"content="http://ui.example:8233""#),
                "{body}"
            );
            assert!(body.contains(r#"content="sales&quot;ns""#), "{body}");
        }
        let (status, _) = get(&app, Method::GET, "/assets/missing.js").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        for path in ["/api/nope", "/api", "/twilio/x", "/docs/x", "/metrics/x"] {
            let (status, body) = get(&app, Method::GET, path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(body.contains("not_found"), "{path}: {body}");
        }
        let (status, _) = get(&app, Method::POST, "/leads").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn without_a_build_says_how_to_make_one() {
        let (status, body) = get(&dashboard(None), Method::GET, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("npm run build"), "{body}");
    }
}
