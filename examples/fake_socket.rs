//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/fake_socket.rs`.

#[path = "steps/fake_socket.rs"]
mod step;

fn main() {
    step::run();
}
