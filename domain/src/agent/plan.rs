//! Which agent version calls a lead: one version, or an A/B split between several, each lead's
//! variant picked from its id.

use serde::{Deserialize, Serialize};

/// One version of one agent: what a lead workflow calls with, fixed when it starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentRef {
    /// The agent.
    pub agent_id: String,
    /// Its version (1, 2, ...).
    pub version: u32,
}

/// A version and its share of a campaign's leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Variant {
    /// The agent's version.
    pub version: u32,
    /// Relative share of leads (any positive integers: 1 and 1, or 70 and 30).
    pub weight: u32,
}

/// The agent of a campaign: one version (one variant), or a split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentPlan {
    /// The agent.
    pub agent_id: String,
    /// Its versions and their weights; one entry for a plain campaign.
    pub variants: Vec<Variant>,
}

/// A split that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// No variants.
    #[error("at least one variant is needed")]
    Empty,
    /// A weight of zero, or all weights zero.
    #[error("variant {0}: the weight must be at least 1")]
    ZeroWeight(usize),
    /// The same version twice.
    #[error("variant {0}: version {1} is listed twice")]
    Duplicate(usize, u32),
    /// Weights that add up past what the pick can hold.
    #[error("the weights add up to more than 1000000")]
    TooHeavy,
}

impl AgentPlan {
    /// A plan that always calls with `version`.
    pub fn single(agent_id: impl Into<String>, version: u32) -> Self {
        Self {
            agent_id: agent_id.into(),
            variants: vec![Variant { version, weight: 1 }],
        }
    }

    /// Checks the variants (the versions' existence is the store's to check).
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.variants.is_empty() {
            return Err(PlanError::Empty);
        }
        let mut total: u64 = 0;
        for (i, v) in self.variants.iter().enumerate() {
            if v.weight == 0 {
                return Err(PlanError::ZeroWeight(i));
            }
            if self.variants[..i].iter().any(|w| w.version == v.version) {
                return Err(PlanError::Duplicate(i, v.version));
            }
            total += u64::from(v.weight);
        }
        if total > 1_000_000 {
            return Err(PlanError::TooHeavy);
        }
        Ok(())
    }

    /// The version that calls `lead_id`: the lead's point in `[0, total weight)` (a hash of
    /// its id, stable across processes, versions of this code and replays) falls into one
    /// variant's share. A plan that fails [`Self::validate`] gives its first version.
    pub fn pick(&self, lead_id: &str) -> u32 {
        let total: u64 = self.variants.iter().map(|v| u64::from(v.weight)).sum();
        let first = self.variants.first().map_or(1, |v| v.version);
        if total == 0 {
            return first;
        }
        let mut point = spread(fnv1a(lead_id.as_bytes())) % total;
        for v in &self.variants {
            let w = u64::from(v.weight);
            if point < w {
                return v.version;
            }
            point -= w;
        }
        first
    }

    /// The reference a lead is called with.
    pub fn agent_for(&self, lead_id: &str) -> AgentRef {
        AgentRef {
            agent_id: self.agent_id.clone(),
            version: self.pick(lead_id),
        }
    }
}

/// FNV-1a, 64 bits: small and fixed by its definition (never a `Hasher` whose output may
/// change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// MurmurHash3's 64-bit finaliser: FNV's low bits follow the last bytes closely, and the pick
/// takes the hash modulo small weights.
fn spread(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}
