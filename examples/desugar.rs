//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/desugar.rs`.

#[path = "steps/desugar.rs"]
mod step;

fn main() {
    step::run();
}
