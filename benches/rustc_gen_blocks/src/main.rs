//! rustc's own lowering of a generator, measured like longhand's.
//!
//! `benches/generators.rs` compares `#[longhand::generator]` with a
//! hand-written `Iterator`; this compares rustc's `gen` block (nightly,
//! `#![feature(gen_blocks)]`) with the same hand-written iterator, driven by
//! a `for` loop, in the same run. A `gen` block cannot hold a borrow of its
//! own local across a `yield`, so it walks the list by index: the same work,
//! with the bounds checks the hand-written iterator also pays.

#![feature(gen_blocks)]

use std::hint::black_box;
use std::time::Instant;

/// The running sum going up and down, as a `gen` block.
fn up_down(list: Vec<u64>) -> impl Iterator<Item = u64> {
    gen move {
        let mut sum = 0u64;
        let n = list.len();
        for i in 0..n {
            sum += list[i];
            yield sum;
        }
        for i in (0..n).rev() {
            sum -= list[i];
            yield sum;
        }
    }
}

#[path = "../../support/up_down_by_hand.rs"]
mod up_down_by_hand;
use up_down_by_hand::UpDown;

#[inline(never)]
fn for_gen_block(list: Vec<u64>) -> u64 {
    let mut total = 0u64;
    for x in up_down(list) {
        total = total.wrapping_add(black_box(x));
    }
    total
}

#[inline(never)]
fn for_by_hand(list: Vec<u64>) -> u64 {
    let mut total = 0u64;
    for x in UpDown::new(list) {
        total = total.wrapping_add(black_box(x));
    }
    total
}

fn main() {
    const N: usize = 200_000;
    const SAMPLES: usize = 101;
    let list: Vec<u64> = (0..N as u64).map(|x| x % 97).collect();
    assert_eq!(for_gen_block(list.clone()), for_by_hand(list.clone()));
    let runs: [fn(Vec<u64>) -> u64; 2] = [for_gen_block, for_by_hand];
    let mut samples = vec![Vec::new(); runs.len()];
    for _ in 0..SAMPLES {
        for (run, samples) in runs.iter().zip(&mut samples) {
            let input = black_box(list.clone());
            let start = Instant::now();
            black_box(run(input));
            samples.push(start.elapsed().as_nanos() as f64 / (2 * N) as f64);
        }
    }
    let [gen_block, by_hand] = [0, 1].map(|k| {
        let s = &mut samples[k];
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        s[s.len() / 2]
    });
    println!("up_down over {N} values, driven by a for loop (median of {SAMPLES}, ns/item)");
    println!("{:<32} {gen_block:>8.3}", "rustc `gen` block");
    println!("{:<32} {by_hand:>8.3}", "hand-written Iterator");
    println!("gen block / hand-written = {:.3}", gen_block / by_hand);
}
