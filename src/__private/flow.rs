//! How a resumed loop iteration ends.
//!
//! When a future resumes inside a loop, the rest of the current iteration is
//! written as a labeled block in front of the loop. A `continue` in it becomes
//! `break 'block Flow::Continue` (run the loop from its head), a `break v`
//! becomes `break 'block Flow::Break(v)` (skip the loop, with value `v`).

/// The outcome of the rest of a resumed loop iteration.
pub enum Flow<B> {
    /// Go on with the loop's next iteration.
    Continue,
    /// Leave the loop with this value.
    Break(B),
}
