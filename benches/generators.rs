//! Iterating a lowered generator against the equivalent hand-written
//! `Iterator` and `std::iter::from_fn`, in the same run:
//! `cargo bench --bench generators`. Each is consumed by `fold` and by a
//! `for` loop; prints the median ns per item of each and the generator's
//! ratio to both.

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

#[path = "support/up_down_by_hand.rs"]
mod up_down_by_hand;
use up_down_by_hand::UpDown;

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

/// Times each of `runs` on a fresh copy of `list` (copied before the clock
/// starts), taking turns so that a change in the machine's load or clock
/// touches all alike; the median ns per item of each.
fn medians_ns_per_item(list: &[u64], runs: &[fn(Vec<u64>) -> u64]) -> Vec<f64> {
    let items = 2 * list.len();
    let mut samples = vec![Vec::new(); runs.len()];
    for _ in 0..SAMPLES {
        for (run, samples) in runs.iter().zip(&mut samples) {
            let input = black_box(list.to_vec());
            let start = Instant::now();
            black_box(run(input));
            samples.push(start.elapsed().as_nanos() as f64 / items as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(|a, b| a.partial_cmp(b).unwrap());
            s[s.len() / 2]
        })
        .collect()
}

/// How many times each iterator is timed.
const SAMPLES: usize = 101;

fn main() {
    const N: usize = 200_000;
    let list: Vec<u64> = (0..N as u64).map(|x| x % 97).collect();
    let check: u64 = up_down(list.clone()).fold(0, u64::wrapping_add);
    assert_eq!(check, UpDown::new(list.clone()).fold(0, u64::wrapping_add));
    assert_eq!(
        check,
        up_down_from_fn(list.clone()).fold(0, u64::wrapping_add)
    );

    let items = 2 * N;
    println!("up_down over {N} values, {items} items (median of {SAMPLES}, ns/item)");
    let fold = medians_ns_per_item(&list, &[fold_generator, fold_by_hand, fold_from_fn]);
    report(
        "fold (also sum, count, for_each, last, max, ...): one poll runs the whole body",
        &fold,
    );
    let for_loop = medians_ns_per_item(&list, &[for_generator, for_by_hand, for_from_fn]);
    report("a for loop: next, one poll per item", &for_loop);
}

/// The measured loops, each its own function so that all are compiled
/// alike: the three iterators, each consumed by `fold` and by a `for` loop.
macro_rules! consumers {
    ($($fold:ident, $for_loop:ident: $make:expr;)*) => {$(
        #[inline(never)]
        fn $fold(list: Vec<u64>) -> u64 {
            let make: fn(Vec<u64>) -> _ = $make;
            make(list).fold(0, |a, x| a.wrapping_add(black_box(x)))
        }

        #[inline(never)]
        fn $for_loop(list: Vec<u64>) -> u64 {
            let make: fn(Vec<u64>) -> _ = $make;
            let mut total = 0u64;
            for x in make(list) {
                total = total.wrapping_add(black_box(x));
            }
            total
        }
    )*};
}

consumers! {
    fold_generator, for_generator: up_down;
    fold_by_hand, for_by_hand: UpDown::new;
    fold_from_fn, for_from_fn: up_down_from_fn;
}

/// Prints the generator's, the hand-written iterator's and `from_fn`'s
/// medians, and the generator's ratio to the other two.
fn report(driver: &str, medians: &[f64]) {
    let [generator, by_hand, from_fn] = medians else {
        unreachable!("three iterators are timed")
    };
    println!("-- driven by {driver}");
    println!("{:<32} {generator:>8.3}", "#[longhand::generator]");
    println!("{:<32} {by_hand:>8.3}", "hand-written Iterator");
    println!("{:<32} {from_fn:>8.3}", "std::iter::from_fn");
    println!("generator / hand-written = {:.3}", generator / by_hand);
    println!("generator / from_fn      = {:.3}", generator / from_fn);
}
