//! Latency percentiles from one run's samples.

use std::time::Duration;

/// p50/p90/p99/max of a set of samples, and the throughput they were taken at.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub samples: usize,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub per_second: f64,
}

/// Summarises `samples` collected over `elapsed`.
pub fn summarise(mut samples: Vec<Duration>, elapsed: Duration) -> Summary {
    samples.sort_unstable();
    let at = |q: f64| callwright_domain::stats::nearest_rank(&samples, q).unwrap_or_default();
    Summary {
        samples: samples.len(),
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: samples.last().copied().unwrap_or_default(),
        per_second: samples.len() as f64 / elapsed.as_secs_f64().max(1e-9),
    }
}

/// Milliseconds with one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let s = summarise(samples, Duration::from_secs(2));
        assert_eq!(
            (s.p50, s.p90, s.p99, s.max),
            (
                Duration::from_millis(50),
                Duration::from_millis(90),
                Duration::from_millis(99),
                Duration::from_millis(100)
            )
        );
        assert!((s.per_second - 50.0).abs() < 1e-9);
    }
}
