//! The statistics an A/B test of agents is judged by: a rate's 95% interval (Wilson score) and
//! whether two rates differ (two-proportion z-test).
//!
//! Wilson's interval, unlike the textbook `p ± 1.96·√(p(1−p)/n)`, stays inside [0, 1] and is
//! honest at the small counts an A/B test starts with (3 meetings in 20 conversations).

/// z for a two-sided 95% level.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval of `successes` out of `trials` at level `z`, as (low, high);
/// (0, 1) when there are no trials.
pub fn wilson(successes: u64, trials: u64, z: f64) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    let n = trials as f64;
    let p = successes.min(trials) as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    (
        ((centre - margin) / denominator).max(0.0),
        ((centre + margin) / denominator).min(1.0),
    )
}

/// The two-sided p-value of "the two rates are equal" (pooled two-proportion z-test); 1 when
/// either side has no trials or nothing varies.
pub fn two_proportion_p(s1: u64, n1: u64, s2: u64, n2: u64) -> f64 {
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    let (a, b) = (n1 as f64, n2 as f64);
    let (p1, p2) = (s1.min(n1) as f64 / a, s2.min(n2) as f64 / b);
    let pooled = (s1.min(n1) + s2.min(n2)) as f64 / (a + b);
    let se = (pooled * (1.0 - pooled) * (1.0 / a + 1.0 / b)).sqrt();
    if se == 0.0 {
        return 1.0;
    }
    let z = ((p1 - p2) / se).abs();
    (2.0 * (1.0 - normal_cdf(z))).clamp(0.0, 1.0)
}

/// The standard normal distribution function, through erf (Abramowitz and Stegun 7.1.26,
/// absolute error under 1.5e-7: far below what a p-value is read to).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

fn erf(x: f64) -> f64 {
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let x = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    sign * (1.0 - poly * (-x * x).exp())
}

/// The nearest-rank `q` quantile (0 to 1) of `sorted` (ascending); `None` when it is empty.
pub fn nearest_rank<T: Copy>(sorted: &[T], q: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_picks_the_sample_at_or_above_the_rank() {
        let sorted: Vec<u32> = (1..=100).collect();
        assert_eq!(nearest_rank(&sorted, 0.5), Some(50));
        assert_eq!(nearest_rank(&sorted, 0.99), Some(99));
        assert_eq!(nearest_rank(&sorted, 1.0), Some(100));
        assert_eq!(nearest_rank(&sorted, 0.0), Some(1));
        assert_eq!(nearest_rank(&[7], 0.99), Some(7));
        assert_eq!(nearest_rank::<u32>(&[], 0.5), None);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662; 15/148 → 0.0624 to 0.1605.
        let (lo, hi) = wilson(81, 263, Z95);
        assert!(close(lo, 0.2553) && close(hi, 0.3662), "{lo} {hi}");
        let (lo, hi) = wilson(15, 148, Z95);
        assert!(close(lo, 0.0624) && close(hi, 0.1605), "{lo} {hi}");
        // Nothing observed yet: anything is possible; all successes stay within [0, 1].
        assert_eq!(wilson(0, 0, Z95), (0.0, 1.0));
        let (lo, hi) = wilson(10, 10, Z95);
        assert!(lo > 0.6 && hi <= 1.0);
        let (lo, _) = wilson(0, 10, Z95);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn two_proportion_test_tells_a_difference_from_noise() {
        // 18% against 11% on 500 conversations each: z ≈ 3.1, p ≈ 0.002.
        let p = two_proportion_p(90, 500, 55, 500);
        assert!(p < 0.01, "{p}");
        // The same rates on 50 each cannot tell.
        let p = two_proportion_p(9, 50, 6, 50);
        assert!(p > 0.05, "{p}");
        assert!(close(two_proportion_p(5, 20, 5, 20), 1.0));
        assert_eq!(two_proportion_p(1, 0, 1, 10), 1.0);
        // Symmetric.
        assert!(close(
            two_proportion_p(30, 100, 20, 100),
            two_proportion_p(20, 100, 30, 100)
        ));
    }

    #[test]
    fn normal_cdf_known_points() {
        assert!(close(normal_cdf(0.0), 0.5));
        assert!(close(normal_cdf(Z95), 0.975));
        assert!(close(normal_cdf(-1.0), 0.158_655));
    }
}
