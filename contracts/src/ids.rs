//! The workflow ids: what the API, the workflows and the tests name a workflow by. An id is
//! part of every history and of every link into the Temporal UI, so its form never changes.

/// The workflow of a lead in a campaign.
pub fn lead_workflow_id(campaign_id: &str, lead_id: &str) -> String {
    format!("lead-{campaign_id}-{lead_id}")
}

/// The workflow of a campaign.
pub fn campaign_workflow_id(campaign_id: &str) -> String {
    format!("campaign-{campaign_id}")
}

/// The workflow of a meeting's change to `sequence`.
pub fn meeting_change_workflow_id(meeting_id: &str, sequence: i32) -> String {
    format!("meeting-{meeting_id}-rev-{sequence}")
}

/// The workflow of a lead's erasure.
pub fn erasure_workflow_id(lead_id: &str) -> String {
    format!("lead-erasure-{lead_id}")
}

/// The workflow of a trial.
pub fn trial_workflow_id(trial_id: &str) -> String {
    format!("trial-{trial_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Histories and links hold these: a change would orphan every running workflow.
    #[test]
    fn ids_keep_their_form() {
        assert_eq!(lead_workflow_id("c", "l"), "lead-c-l");
        assert_eq!(campaign_workflow_id("c"), "campaign-c");
        assert_eq!(meeting_change_workflow_id("m", 2), "meeting-m-rev-2");
        assert_eq!(erasure_workflow_id("l"), "lead-erasure-l");
        assert_eq!(trial_workflow_id("t"), "trial-t");
    }
}
