//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/executor_spawner.rs`.

#[path = "steps/executor_spawner.rs"]
mod step;

fn main() {
    step::run();
}
