//! The guided tour of longhand: `cargo run --example tour`.
//!
//! Seven steps through the classic explanations of async Rust, each printed before
//! it runs: a hand-written future, a hand-written executor, a socket and child
//! processes awaited through a reactor, an `async fn` lowered into an explicit
//! state machine, generators (pending) and a TCP echo. Each step is also an example
//! of its own (`cargo run --example fake_socket`); the code is in `steps/`.

#[path = "steps/mod.rs"]
mod steps;

fn main() {
    println!("longhand: a guided tour of async Rust, written out in longhand");
    let steps: [fn(); 7] = [
        steps::hand_written_future::run,
        steps::executor_spawner::run,
        steps::fake_socket::run,
        steps::child_process::run,
        steps::desugar::run,
        steps::generator::run,
        steps::tcp_echo::run,
    ];
    for step in steps {
        println!();
        println!("{}", "-".repeat(78));
        step();
    }
    println!();
    println!("{}", "-".repeat(78));
    println!("End of the tour. Each step runs on its own too: `cargo run --example desugar`.");
}
