//! Step 6: generators (pending).
//!
//! `#[longhand::generator]` is not implemented yet; this step keeps its place in the
//! tour so that the numbering stays stable.

pub fn run() {
    println!("Step 6. Generators: pending, `#[longhand::generator]` is not implemented yet.");
}
