//! One step of the tour (`cargo run --example tour`), on its own; the code is in
//! `steps/tcp_echo.rs`.

#[path = "steps/tcp_echo.rs"]
mod step;

fn main() {
    step::run();
}
