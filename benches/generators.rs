//! Iterating a lowered generator against the equivalent hand-written
//! `Iterator` and `std::iter::from_fn`, in the same run:
//! `cargo bench --bench generators`. Prints the median ns per item of each
//! and the generator's ratio to both.

use std::hint::black_box;
use std::time::Instant;

/// The running sum going up and down (issue #4's example), as a generator.
#[longhand::generator]
fn up_down(list: Vec<u64>) -> impl Iterator<Item = u64> {
    let mut sum = 0;
    for x in list.iter() {
        sum += x;
        yield_!(sum);
    }
    for x in list.iter().rev() {
        sum -= x;
        yield_!(sum);
    }
}

/// The same, as a hand-written `Iterator`.
struct UpDown {
    list: Vec<u64>,
    i: usize,
    sum: u64,
}

impl Iterator for UpDown {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let n = self.list.len();
        if self.i < n {
            self.sum += self.list[self.i];
        } else if self.i < 2 * n {
            self.sum -= self.list[2 * n - 1 - self.i];
        } else {
            return None;
        }
        self.i += 1;
        Some(self.sum)
    }
}

/// The same, with `std::iter::from_fn`.
fn up_down_from_fn(list: Vec<u64>) -> impl Iterator<Item = u64> {
    let (mut i, mut sum) = (0, 0);
    std::iter::from_fn(move || {
        let n = list.len();
        if i < n {
            sum += list[i];
        } else if i < 2 * n {
            sum -= list[2 * n - 1 - i];
        } else {
            return None;
        }
        i += 1;
        Some(sum)
    })
}

fn median_ns_per_item(items: usize, mut run: impl FnMut() -> u64) -> f64 {
    let mut samples = Vec::new();
    for _ in 0..21 {
        let start = Instant::now();
        black_box(run());
        samples.push(start.elapsed().as_nanos() as f64 / items as f64);
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}

fn main() {
    const N: usize = 200_000;
    let list: Vec<u64> = (0..N as u64).map(|x| x % 97).collect();
    let check: u64 = up_down(list.clone()).fold(0, u64::wrapping_add);
    assert_eq!(
        check,
        UpDown {
            list: list.clone(),
            i: 0,
            sum: 0
        }
        .fold(0, u64::wrapping_add)
    );
    assert_eq!(
        check,
        up_down_from_fn(list.clone()).fold(0, u64::wrapping_add)
    );

    let items = 2 * N;
    let generator = median_ns_per_item(items, || {
        up_down(black_box(list.clone())).fold(0, |a, x| a.wrapping_add(black_box(x)))
    });
    let by_hand = median_ns_per_item(items, || {
        UpDown {
            list: black_box(list.clone()),
            i: 0,
            sum: 0,
        }
        .fold(0, |a, x| a.wrapping_add(black_box(x)))
    });
    let from_fn = median_ns_per_item(items, || {
        up_down_from_fn(black_box(list.clone())).fold(0, |a, x| a.wrapping_add(black_box(x)))
    });
    println!("up_down over {N} values, {items} items (median of 21, ns/item)");
    println!("{:<32} {generator:>8.3}", "#[longhand::generator]");
    println!("{:<32} {by_hand:>8.3}", "hand-written Iterator");
    println!("{:<32} {from_fn:>8.3}", "std::iter::from_fn");
    println!("generator / hand-written = {:.3}", generator / by_hand);
    println!("generator / from_fn      = {:.3}", generator / from_fn);
}
