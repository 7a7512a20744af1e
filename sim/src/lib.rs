//! Provider simulator.
