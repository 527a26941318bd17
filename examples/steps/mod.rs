//! The steps of the tour, one module each; `examples/tour.rs` runs them in order
//! and `examples/<step>.rs` runs one.

pub mod child_process;
pub mod desugar;
pub mod executor_spawner;
pub mod fake_socket;
pub mod generator;
pub mod hand_written_future;
pub mod state_enum;
pub mod tcp_echo;
