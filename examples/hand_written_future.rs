//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/hand_written_future.rs`.

#[path = "steps/hand_written_future.rs"]
mod step;

fn main() {
    step::run();
}
