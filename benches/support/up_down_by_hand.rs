//! The running sum going up and down, as a hand-written `Iterator`: the
//! peer both generator benchmarks measure against (`benches/generators.rs`
//! for longhand's generators, `benches/rustc_gen_blocks` for rustc's).

/// `up_down(list)` written by hand: the index walks the list up, then down.
pub struct UpDown {
    list: Vec<u64>,
    i: usize,
    sum: u64,
}

impl UpDown {
    /// Starts at the first value, with a sum of zero.
    pub fn new(list: Vec<u64>) -> UpDown {
        UpDown { list, i: 0, sum: 0 }
    }
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
