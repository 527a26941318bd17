//! `#[longhand::generator]`: generators lowered into the same state machines
//! as `async fn`s, used as `Iterator`s and `Stream`s, compared against rustc's
//! own coroutines (`oracle.rs`, `differential.rs`), hand-computed sequences
//! and hand-written `std::iter::from_fn` equivalents.

#[macro_use]
mod oracle;

mod differential;
mod differential_hidden_jumps;
mod differential_kept_rest;
mod differential_stress13;
mod differential_stress14;
mod differential_stress15;
mod differential_stress16;
mod differential_stress17;
mod differential_stress18;
mod differential_stress19;
mod internal;
mod iterators;
mod realistic;
mod streams;

use std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

pub fn log(s: impl Into<String>) {
    LOG.with(|l| l.borrow_mut().push(s.into()));
}

pub fn take_log() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

/// Logs its drop.
pub struct D(pub &'static str);

impl Drop for D {
    fn drop(&mut self) {
        log(format!("drop {}", self.0));
    }
}
