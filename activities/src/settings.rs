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

#[cfg(test)]
mod tests {
    use super::*;

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
