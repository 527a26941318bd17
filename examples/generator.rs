//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/generator.rs`.

#[path = "steps/generator.rs"]
mod step;

fn main() {
    step::run();
}
