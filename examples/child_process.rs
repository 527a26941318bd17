//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/child_process.rs`.

#[path = "steps/child_process.rs"]
mod step;

fn main() {
    step::run();
}
