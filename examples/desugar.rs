//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/desugar.rs`.

#[path = "steps/desugar.rs"]
mod step;

#[path = "steps/state_enum.rs"]
mod state_enum;

fn main() {
    step::run();
}
