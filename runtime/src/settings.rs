//! Reading typed settings from the environment, shared by the API and the worker: one helper,
//! one error that names the missing or malformed variable.

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Reads `name` through `lookup` (blank counts as unset), falling back to `default`.
pub fn var(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: Option<&str>,
) -> Result<String, ConfigError> {
    match lookup(name).filter(|v| !v.trim().is_empty()) {
        Some(v) => Ok(v),
        None => default
            .map(str::to_owned)
            .ok_or_else(|| ConfigError(format!("{name} is not set"))),
    }
}

/// Reads and parses a number, falling back to `default`.
pub fn number<T: std::str::FromStr>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: &str,
) -> Result<T, ConfigError> {
    let raw = var(lookup, name, Some(default))?;
    raw.parse()
        .map_err(|_| ConfigError(format!("{name} '{raw}' is not a number")))
}

/// The URL of a Temporal frontend given as a URL (`http://temporal:7233`, `https://…`) or as a
/// bare `host:port` (what Render and Kubernetes service discovery hand out), which means
/// plain HTTP/2.
pub fn temporal_url(address: &str) -> Result<url::Url, ConfigError> {
    let address = address.trim();
    let with_scheme = if address.contains("://") {
        address.to_owned()
    } else {
        format!("http://{address}")
    };
    url::Url::parse(&with_scheme).map_err(|e| {
        ConfigError(format!(
            "TEMPORAL_ADDRESS '{address}' is not an address: {e}"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_addresses_may_omit_the_scheme() {
        assert_eq!(
            temporal_url("temporal:7233").unwrap().as_str(),
            "http://temporal:7233/"
        );
        assert_eq!(
            temporal_url("https://ns.tmprl.cloud:7233")
                .unwrap()
                .scheme(),
            "https"
        );
        assert!(temporal_url("http://").is_err());
    }

    #[test]
    fn names_what_is_missing_or_malformed() {
        let lookup = |k: &str| match k {
            "BLANK" => Some("  ".to_owned()),
            "BAD" => Some("x".to_owned()),
            _ => None,
        };
        assert!(
            var(&lookup, "BLANK", None)
                .unwrap_err()
                .to_string()
                .contains("BLANK is not set")
        );
        assert_eq!(var(&lookup, "UNSET", Some("d")).unwrap(), "d");
        assert!(
            number::<u32>(&lookup, "BAD", "1")
                .unwrap_err()
                .to_string()
                .contains("BAD 'x'")
        );
        assert_eq!(number::<u32>(&lookup, "UNSET", "7").unwrap(), 7);
    }
}
